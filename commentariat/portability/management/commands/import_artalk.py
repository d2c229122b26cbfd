from commentariat.portability.artalk_import import import_artalk

from ._thread_import import ThreadImportCommand


class Command(ThreadImportCommand):
    help = "Import Artalk's comments from an Artrans file, each thread under the post at its page's address."
    file_help = "The .artrans (JSON) file from Artalk's control center (Transfer → Export)."

    def run_import(self, path, *, site_url, on_thread):
        return import_artalk(path, site_url=site_url, on_thread=on_thread)
