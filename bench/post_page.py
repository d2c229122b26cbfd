"""Post-page throughput and latency through the production server, against nginx in the same run.

    .venv/bin/python bench/post_page.py [--seconds 10] [--connections 16]

Builds a throwaway SQLite site with a post of 20 and one of 500 comments, serves it twice with
`commentariat serve` (granian, 2 workers): once with the full-page cache, once without; saves
both pages as static files served by nginx, and loads each with wrk on 127.0.0.1. The figure
that matters is the ratio to nginx; absolute numbers depend on the machine. Then wrk posts
comments through 10 connections (a Lua script, one reader's tokens) to a third post on the
cached server, and every acknowledged comment must be in the database (exit 1 otherwise).
Also prints one worker's resident memory.
"""

import argparse
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from _site import free_port  # noqa: E402

VENV_BIN = Path(sys.executable).parent

SEED = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from commentariat.discussion.services import submit_comment
from commentariat.moderation.models import ModerationPolicy
from commentariat.publishing.models import Post

author = get_user_model().objects.create(username="bench")
for size in (21, 500):
    post = Post.objects.create(title=f"A post with {size} comments", slug=f"post-{size}", author=author,
        body=("A paragraph of analysis with a [link](https://example.org). " * 12 + "\\n\\n") * 15
             + "> A quote from a newspaper.\\n", status="published", published_at=timezone.now())
    parents = []
    for i in range(size):
        parent = parents[i // 3] if i % 3 and parents[i // 3:] else None
        comment = submit_comment(post=post, parent=parent, author_name=f"Reader {i}",
            author_email=f"r{i}@example.org", author_url="https://example.org/" if i % 4 == 0 else "",
            body=f"Comment {i}: *some* thoughts, a quote\\n\\n> earlier words\\n\\nand https://example.org/{i}")
        parents.append(comment)
    print(post.get_absolute_url())
policy = ModerationPolicy.current()
policy.flood_limit_per_minute = 0  # the comment burst comes from one address
policy.save()
burst = Post.objects.create(title="Comments under load", slug="comment-burst", author=author, body="Words.",
    status="published", published_at=timezone.now())
print(burst.get_absolute_url())
"""

POST_SCRIPT = """
-- Every request posts a new comment with one reader's CSRF cookie and form tokens. Each wrk
-- thread numbers its own texts (their random generators start alike, and the site stores the
-- same text from the same reader within a minute once).
threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"
wrk.headers["Referer"] = "{referer}"
local fields = "csrfmiddlewaretoken={token}&started={started}&author_name=Load+Tester&author_email=load%40example.org&body="
request = function()
  counter = counter + 1
  local body = fields .. "Comment+under+load+" .. thread_number .. "-" .. counter
  return wrk.format(nil, "{path}", nil, body)
end
"""


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not answer within {timeout}s")


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "--latency",
            *(["-s", str(script)] if script else []),
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),
        "p99": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pids(parent: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


NGINX_CONF = """
worker_processes 2;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    default_type text/html;
    server {{ listen 127.0.0.1:{port}; root {dir}/www; }}
}}
"""


def post_comments(base: str, path: str, work: Path, seconds: int) -> dict:
    """wrk posting comments through 10 connections as one reader; then count what was stored."""
    request = urllib.request.Request(base + path)
    with urllib.request.urlopen(request) as response:
        page = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    script = work / "post.lua"
    script.write_text(
        POST_SCRIPT.format(
            cookie=cookie,
            referer=base + "/",
            token=re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1),
            started=re.search(r'name="started" value="([^"]+)"', page).group(1),
            path=path + "comments/",
        )
    )
    result = wrk(base + path, seconds, 10, script)
    time.sleep(1)  # requests in flight when wrk stopped finish
    with sqlite3.connect(work / "data" / "commentariat.sqlite3") as db:
        stored = db.execute(
            "SELECT COUNT(*) FROM discussion_comment WHERE author_name = 'Load Tester'"
        ).fetchone()[0]
    acknowledged = result["requests"] - result["errors"]
    return {**result, "stored": stored, "complete": acknowledged <= stored <= result["requests"] + 10}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    for tool in ("wrk", "nginx"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            raise SystemExit(f"{tool} is missing: apt-get install -y wrk nginx")

    work = Path(tempfile.mkdtemp(prefix="commentariat-bench-"))
    work.chmod(0o755)  # nginx workers run as an unprivileged user and must read www/
    env = {
        **os.environ,
        "COMMENTARIAT_DATA_DIR": str(work / "data"),
        "DJANGO_SETTINGS_MODULE": "commentariat.settings.base",
        # Seeded comments go straight onto the page; moderation is not what this measures.
        "COMMENTARIAT_INITIAL_MODERATION_MODE": "hold_none",
        "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0",
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    commentariat = [str(VENV_BIN / "python"), "-m", "commentariat"]
    subprocess.run([*commentariat, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*commentariat, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    seeded = subprocess.run(
        [*commentariat, "shell", "-v0", "-c", SEED], env=env, check=True, capture_output=True, text=True
    ).stdout
    urls = [line for line in seeded.split() if line.startswith("/")]

    cached_port, uncached_port, nginx_port = free_port(), free_port(), free_port()
    servers = [
        subprocess.Popen(
            [*commentariat, "serve", "--port", str(port), "--workers", "2", "--no-task-worker"],
            env={**env, "COMMENTARIAT_PAGE_CACHE": flag},
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )
        for port, flag in ((cached_port, "1"), (uncached_port, "0"))
    ]
    nginx = None
    try:
        cached, uncached = f"http://127.0.0.1:{cached_port}", f"http://127.0.0.1:{uncached_port}"
        wait_for(cached + "/")
        wait_for(uncached + "/")
        (work / "www").mkdir()
        (work / "tmp").mkdir()
        for size, url in zip((20, 500), urls[:2], strict=True):
            html = urllib.request.urlopen(uncached + url).read()
            (work / "www" / f"post-{size}.html").write_bytes(html)
        (work / "nginx.conf").write_text(NGINX_CONF.format(dir=work, port=nginx_port))
        nginx_bin = shutil.which("nginx") or "/usr/sbin/nginx"
        nginx = subprocess.Popen(
            [nginx_bin, "-c", str(work / "nginx.conf"), "-g", "daemon off;"], start_new_session=True
        )
        static = f"http://127.0.0.1:{nginx_port}"
        wait_for(static + "/post-20.html")

        rows = []
        for size, url in zip((20, 500), urls[:2], strict=True):
            reference = wrk(f"{static}/post-{size}.html", args.seconds, args.connections)
            rows.append((f"nginx static, {size} comments", args.connections, reference, None))
            rows.append(
                (
                    f"cached, {size} comments",
                    args.connections,
                    wrk(cached + url, args.seconds, args.connections),
                    reference,
                )
            )
            rows.append(
                (
                    f"uncached, {size} comments",
                    args.connections,
                    wrk(uncached + url, args.seconds, args.connections),
                    reference,
                )
            )
            rows.append((f"uncached, {size} comments", 1, wrk(uncached + url, args.seconds, 1), None))
        posted = post_comments(cached, urls[2], work, args.seconds)
        rows.append(("comment POSTs (302 each)", 10, posted, None))
        worker_rss = max((rss_mb(pid) for server in servers for pid in worker_pids(server.pid)), default=0.0)
    finally:
        for process in (*servers, nginx):
            if process is not None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"\n{'target':32} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} {'vs nginx':>9}"
    )
    for name, conns, result, reference in rows:
        ratio = f"{result['rps'] / reference['rps']:.1%}" if reference else ""
        print(
            f"{name:32} {conns:>5} {result['rps']:>9.1f} {result['p50']:>8.2f} {result['p99']:>8.2f} "
            f"{result['errors']:>6} {ratio:>9}"
        )
    print(f"\nlargest worker RSS after the run: {worker_rss:.1f} MB (2 workers)")
    print(
        f"comment POSTs: {posted['requests'] - posted['errors']} acknowledged, {posted['stored']} stored "
        f"(in flight when wrk stopped: up to 10 more) — {'ok' if posted['complete'] else 'COMMENTS LOST'}"
    )
    if not posted["complete"] or posted["errors"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
