from commentariat.portability.isso_import import import_isso

from ._thread_import import ThreadImportCommand


class Command(ThreadImportCommand):
    help = (
        "Import Isso's comments from its SQLite database, each thread under the post at its page's address."
    )
    file_help = "Isso's database file (its configuration's [general] dbpath), or a copy of it."

    def run_import(self, path, *, site_url, on_thread):
        return import_isso(path, site_url=site_url, on_thread=on_thread)
