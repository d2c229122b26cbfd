from commentariat.portability.remark42_import import import_remark42

from ._thread_import import ThreadImportCommand


class Command(ThreadImportCommand):
    help = "Import a Remark42 backup, each thread under the post at its page's address."
    file_help = (
        "A backup-SITE-DATE.gz from Remark42's backup directory, or its admin export (gzipped or not)."
    )

    def run_import(self, path, *, site_url, on_thread):
        return import_remark42(path, site_url=site_url, on_thread=on_thread)
