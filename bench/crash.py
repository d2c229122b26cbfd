"""Kill every server process in the middle of a burst of comment posts, again and again.

    .venv/bin/python bench/crash.py [--rounds 20] [--commenters 10]

Each round starts the production server, lets commenters post, and sends SIGKILL to the whole
process group at a random moment. After the last round, every comment that got its 302 must be
in the database, and SQLite's integrity check must pass. Loopback only, bounded in rounds.
"""

import argparse
import random
import sqlite3
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import Commenter, Site  # noqa: E402


def post_until_killed(site: Site, acknowledged: list[str], lock: threading.Lock) -> None:
    try:
        browser = Commenter(site.port, site.post_path)
        browser.load_form()
        while True:
            text = f"Crash comment {uuid.uuid4()}"
            if browser.post(text) == 302:
                with lock:
                    acknowledged.append(text)
    except Exception:  # the server died under us (reset, refused, cut short): this round is over
        return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--commenters", type=int, default=10)
    args = parser.parse_args()
    site = Site()
    acknowledged: list[str] = []
    lock = threading.Lock()
    random.seed(7)
    try:
        for round_number in range(1, args.rounds + 1):
            site.start()
            threads = [
                threading.Thread(target=post_until_killed, args=(site, acknowledged, lock))
                for _ in range(args.commenters)
            ]
            for thread in threads:
                thread.start()
            time.sleep(random.uniform(0.5, 2.0))
            site.kill()  # SIGKILL to granian and all its workers at once
            for thread in threads:
                thread.join(timeout=30)
            print(f"round {round_number:2}: {len(acknowledged)} comments acknowledged so far", flush=True)
        with sqlite3.connect(site.database) as db:
            integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            stored = {row[0] for row in db.execute("SELECT body FROM discussion_comment")}
    finally:
        site.cleanup()
    missing = [text for text in acknowledged if text not in stored]
    print(
        f"\n{'rounds':28} {args.rounds}\n{'acknowledged comments':28} {len(acknowledged)}\n"
        f"{'missing after the crashes':28} {len(missing)}\n{'integrity check':28} {integrity}"
    )
    if missing or integrity != "ok":
        raise SystemExit(1)


if __name__ == "__main__":
    main()
