"""The `commentariat` console script: Django's management commands under the project's name.

`commentariat import-wxr` and `commentariat import_wxr` are the same command.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commentariat.settings.base")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "commentariat"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
