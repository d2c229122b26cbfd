from django.core.management.base import BaseCommand, CommandError
from lxml import etree

from commentariat.portability.disqus_import import import_disqus
from commentariat.portability.report import xml_error_message


class Command(BaseCommand):
    help = "Import a Disqus XML export: each thread's comments under the post at the thread's address."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xml file from Disqus's export.")

    def handle(self, *args, file, **options):
        try:
            with open(file, "rb") as raw:
                report = import_disqus(raw)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except etree.XMLSyntaxError as error:
            raise CommandError(xml_error_message(file, "Disqus export", error)) from None
        self.stdout.write(f"Imported {file}:")
        for line in report.lines():
            self.stdout.write(f"  {line}")
