from commentariat.portability.commento_import import import_commento

from ._thread_import import ThreadImportCommand


class Command(ThreadImportCommand):
    help = "Import a Commento or Comentario export, each thread under the post at its page's address."
    file_help = "The export file (JSON, gzipped or not) from Commento's or Comentario's dashboard."

    def run_import(self, path, *, site_url, on_thread):
        return import_commento(path, site_url=site_url, on_thread=on_thread)
