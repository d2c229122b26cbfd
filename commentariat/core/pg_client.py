"""PostgreSQL's own client programs (pg_dump, pg_restore, psql), run for the site's database."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings


class ClientFailed(Exception):
    """A PostgreSQL client program is missing or failed; the message says which and why."""


def run(program: str, *args: str, connect: bool = True, **options) -> subprocess.CompletedProcess:
    """Run program with args (and, if connect, the default database's address), text in and out."""
    if shutil.which(program) is None:
        raise ClientFailed(f"{program} is not installed (apt-get install postgresql-client).")
    database = settings.DATABASES["default"]
    address = connection_args(database) if connect else []
    return subprocess.run(
        [program, *args, *address], env=client_env(database), capture_output=True, text=True, **options
    )


def dump(target: Path) -> None:
    """Write the whole database to target in pg_dump's custom format."""
    result = run("pg_dump", "--format=custom", f"--file={target}")
    if result.returncode:
        raise ClientFailed(f"pg_dump failed: {result.stderr.strip()}")


def connection_args(database: dict) -> list[str]:
    args = [f"--dbname={database['NAME']}"]
    if database.get("HOST"):
        args.append(f"--host={database['HOST']}")
    if database.get("PORT"):
        args.append(f"--port={database['PORT']}")
    if database.get("USER"):
        args.append(f"--username={database['USER']}")
    return args


def client_env(database: dict) -> dict:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return env


def restore(source: Path, *, first: str) -> None:
    """Replace the database's objects with the archive's in one transaction, running the SQL in
    first before them; nothing changes if any statement fails."""
    for program in ("pg_restore", "psql"):
        if shutil.which(program) is None:
            raise ClientFailed(f"{program} is not installed (apt-get install postgresql-client).")
    database = settings.DATABASES["default"]
    env = client_env(database)
    script_args = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--file=-", str(source)]
    with tempfile.TemporaryFile() as script_errors:
        # pg_restore writes the SQL, psql runs it: psql can wrap it and `first` in one transaction.
        script = subprocess.Popen(script_args, stdout=subprocess.PIPE, stderr=script_errors, env=env)
        result = subprocess.run(
            ["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
             *connection_args(database), "--command", first, "--file=-"],
            stdin=script.stdout, capture_output=True, text=True, env=env,
        )  # fmt: skip
        script.stdout.close()
        script.wait()
        script_errors.seek(0)
        if script.returncode or result.returncode:
            message = (script_errors.read().decode(errors="replace") + result.stderr).strip()
            raise ClientFailed(f"the restore failed and was rolled back: {message}")
