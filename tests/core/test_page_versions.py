"""The page cache's version numbers on one machine: a memory-mapped file every process shares."""

import os

from commentariat.core.page_versions import FileVersions


def _in_child(function) -> str:
    """What function() returns when run in a forked process (as granian forks its workers)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.write(write_end, function().encode())
        finally:
            os._exit(0)
    os.close(write_end)
    os.waitpid(pid, 0)
    with os.fdopen(read_end) as pipe:
        return pipe.read()


def test_a_bump_in_one_process_changes_what_every_process_reads(tmp_path):
    versions = FileVersions(tmp_path / "page-versions")
    before = versions.read("site", "post:1")
    other = versions.read("site", "post:2")
    _in_child(lambda: FileVersions(tmp_path / "page-versions").bump("post:1") or "")
    assert versions.read("site", "post:1") != before
    assert versions.read("site", "post:2") == other
    assert _in_child(lambda: versions.read("site", "post:1")) == versions.read("site", "post:1")


def test_a_recreated_file_never_gives_back_an_old_version(tmp_path):
    path = tmp_path / "page-versions"
    seen = FileVersions(path).read("site", "lists")
    path.unlink()
    assert FileVersions(path).read("site", "lists") != seen


def test_many_bumps_from_several_processes_are_all_counted(tmp_path):
    path = tmp_path / "page-versions"
    versions = FileVersions(path)
    start = int(versions.read("lists").split(".")[1])

    def bump_100_times():
        store = FileVersions(path)
        for _ in range(100):
            store.bump("lists")
        return ""

    children = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            try:
                bump_100_times()
            finally:
                os._exit(0)
        children.append(pid)
    for pid in children:
        os.waitpid(pid, 0)
    assert int(versions.read("lists").split(".")[1]) == start + 300
