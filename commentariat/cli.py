"""The `commentariat` console script: Django's management commands under the project's name.

`commentariat import-wxr` and `commentariat import_wxr` are the same command.
"""

import os
import sys
import tempfile
from pathlib import Path

# Commands that write to the data dir as they start (database, cache, page versions).
_WRITERS = {"serve", "worker", "migrate", "load_demo_site", "restore", "import_wxr", "import_disqus"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commentariat.settings.base")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
        if argv[1] in _WRITERS and (problem := data_dir_problem()):
            sys.exit(f"commentariat {argv[1]}: {problem}")
    argv[0] = "commentariat"
    execute_from_command_line(argv)


def data_dir_problem() -> str:
    """Why the data dir cannot be written to, in a sentence for the operator, or ''."""
    data_dir = Path(os.environ.get("COMMENTARIAT_DATA_DIR", "var")).resolve()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as error:
        return (
            f"the data dir {data_dir} cannot be written to ({error.strerror}). It holds the database, "
            "the cache and the page versions: make it writable, or point COMMENTARIAT_DATA_DIR elsewhere."
        )
    return ""


if __name__ == "__main__":
    main()
