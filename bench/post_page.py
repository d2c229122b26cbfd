"""The reader's page and comment POSTs through the production server, beside nginx, Varnish and
Isso measured in the same run, with issue 15's ratios.

    .venv/bin/python bench/post_page.py [--seconds 10] [--connections 16] [--quick] [--no-isso]

Builds a throwaway SQLite site (production settings: WAL, synchronous=FULL) with a post of 21
and one of 500 comments (threaded), serves it with `commentariat serve` (granian, 2 workers)
twice: with the in-process page cache and without it (COMMENTARIAT_PAGE_CACHE=0). Beside it:
nginx tuned as people run it (sendfile, tcp_nopush, keep-alive, open_file_cache, no access log)
serving the same pages saved as files; Varnish (the repository's VCL, its backend pointed at the
cached server); Isso 0.14 under gunicorn with 4 workers, holding a 500-comment thread of the same
shape. wrk loads each on 127.0.0.1; then wrk posts comments to both (10 connections), and every
comment acknowledged must be stored (exit 1 otherwise). WordPress is not installed here: its
figures are issue 15's, labelled so. Ratios are from this one run; the machine's load average is
printed with them. Installs what is missing on first run (apt-get as root; Isso into .cache/).
"""

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import peers  # noqa: E402
from _site import free_port  # noqa: E402

VENV_BIN = Path(sys.executable).parent
SIZES = (21, 500)

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
-- Every request posts a new comment as a browser on the page would (Origin, and the form's
-- tokens if the page has any). Each wrk thread numbers its own texts (their random generators
-- start alike, and the site stores the same text from the same reader within a minute once).
threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Origin"] = "{origin}"
wrk.headers["Referer"] = "{origin}{page}"
{cookie_line}
local fields = "{token}started={started}&author_name=Load+Tester&author_email=load%40example.org&body="
request = function()
  counter = counter + 1
  local body = fields .. "Comment+under+load+" .. thread_number .. "-" .. counter
  return wrk.format(nil, "{page}comments/", nil, body)
end
"""


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict:
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency",
         *(["-s", str(script)] if script else []), url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    ).stdout  # fmt: skip
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


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def post_comments(base: str, path: str, work: Path, seconds: int) -> dict:
    """wrk posting comments through 10 connections as one reader; then count what was stored."""
    with urllib.request.urlopen(base + path) as response:
        page = response.read().decode()
        cookies = [value.split(";", 1)[0] for value in response.headers.get_all("Set-Cookie") or []]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    script = work / "post.lua"
    script.write_text(
        POST_SCRIPT.replace("{origin}", base).replace("{page}", path)
        .replace("{cookie_line}", f'wrk.headers["Cookie"] = "{"; ".join(cookies)}"' if cookies else "")
        .replace("{token}", f"csrfmiddlewaretoken={token.group(1)}&" if token else "")
        .replace("{started}", re.search(r'name="started" value="([^"]+)"', page).group(1))
    )  # fmt: skip
    result = wrk(base + path, seconds, 10, script)
    time.sleep(1)  # requests in flight when wrk stopped finish
    with sqlite3.connect(work / "data" / "commentariat.sqlite3") as db:
        stored = db.execute("SELECT COUNT(*) FROM discussion_comment WHERE author_name = 'Load Tester'").fetchone()[0]
        synchronous = db.execute("PRAGMA synchronous").fetchone()[0]
    return {**result, **_complete(result, stored), "synchronous": synchronous}


def isso_posts(base: str, work: Path, seconds: int) -> dict:
    script = work / "isso-post.lua"
    script.write_text(peers.ISSO_POST_SCRIPT.replace("{uri}", "/comment-burst/"))
    result = wrk(base + "/", seconds, 10, script)
    time.sleep(1)
    with sqlite3.connect(work / "isso.db") as db:
        stored = db.execute("SELECT COUNT(*) FROM comments WHERE author = 'Load Tester'").fetchone()[0]
    return {**result, **_complete(result, stored)}


def _complete(result: dict, stored: int) -> dict:
    acknowledged = result["requests"] - result["errors"]
    return {"stored": stored, "acknowledged": acknowledged,
            "complete": acknowledged <= stored <= result["requests"] + 10}  # fmt: skip


def build_site(work: Path) -> tuple[dict, list[str]]:
    env = {
        **os.environ,
        "COMMENTARIAT_DATA_DIR": str(work / "data"),
        "DJANGO_SETTINGS_MODULE": "commentariat.settings.base",
        # Seeded comments go straight onto the page; moderation is not what this measures.
        "COMMENTARIAT_INITIAL_MODERATION_MODE": "hold_none",
        "COMMENTARIAT_COMMENT_FORM_MIN_SECONDS": "0",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "COMMENTARIAT_PURGER"):
        env.pop(name, None)
    commentariat = [str(VENV_BIN / "python"), "-m", "commentariat"]
    subprocess.run([*commentariat, "migrate", "-v0"], env=env, check=True)
    subprocess.run([*commentariat, "collectstatic", "--noinput", "-v0"], env=env, check=True)
    seeded = subprocess.run([*commentariat, "shell", "-v0", "-c", SEED], env=env, check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    return env, [line for line in seeded.split() if line.startswith("/")]


def serve(env: dict, port: int, page_cache: bool) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "python"), "-m", "commentariat", "serve", "--port", str(port), "--workers", "2",
         "--no-task-worker"],
        env={**env, "COMMENTARIAT_PAGE_CACHE": "1" if page_cache else "0"},
        start_new_session=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--quick", action="store_true", help="3 s per run, no single-connection rows")
    parser.add_argument("--no-isso", action="store_true", help="leave Isso out")
    parser.add_argument("--no-varnish", action="store_true", help="leave Varnish out")
    args = parser.parse_args()
    seconds, conns = (3 if args.quick else args.seconds), args.connections
    needed = {"wrk": "wrk", "nginx": "nginx"}
    if not args.no_varnish:
        needed.update({"varnishd": "varnish", "/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so": "varnish-modules"})
    peers.ensure_debian_packages(needed)
    if not args.no_isso:
        peers.ensure_isso()

    load_before = load_average()
    work = Path(tempfile.mkdtemp(prefix="commentariat-bench-"))
    work.chmod(0o755)  # nginx and Varnish workers run as unprivileged users
    processes: dict[str, subprocess.Popen | None] = {}
    rows: list[tuple] = []
    try:
        env, urls = build_site(work)
        ports = {name: free_port() for name in ("cached", "uncached", "nginx", "varnish", "isso")}
        base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        processes["cached"] = serve(env, ports["cached"], page_cache=True)
        processes["uncached"] = serve(env, ports["uncached"], page_cache=False)
        if not args.no_isso:
            processes["isso"] = peers.start_isso(work, ports["isso"])
        peers.wait_for(base["cached"] + "/healthz")
        peers.wait_for(base["uncached"] + "/healthz")
        (work / "www").mkdir()
        for size, url in zip(SIZES, urls, strict=False):
            (work / "www" / f"post-{size}.html").write_bytes(urllib.request.urlopen(base["uncached"] + url).read())
        processes["nginx"] = peers.start_nginx(work, ports["nginx"])
        peers.wait_for(base["nginx"] + "/post-21.html")
        vcl_source = ""
        if not args.no_varnish:
            processes["varnish"], vcl_source = peers.start_varnish(work, ports["varnish"], ports["cached"])
            peers.wait_for(base["varnish"] + urls[0])
        if not args.no_isso:
            peers.wait_for(base["isso"] + "/info")
            peers.say("seeding Isso with a 500-comment thread ...")
            peers.seed_isso(base["isso"], "/post-500/", 500)

        def measure(label, url, connections=conns, reference=None, kind="page", at_least=0):
            rows.append((label, connections, wrk(url, max(seconds, at_least), connections), reference, kind))
            # Requests queued when wrk stopped are still served: let each server finish them.
            for name in ("cached", "uncached", "isso"):
                if processes.get(name) is not None:
                    peers.wait_for(base[name] + ("/info" if name == "isso" else "/healthz"), timeout=120)
            return rows[-1][2]

        peers.say("measuring ...")
        nginx_21 = measure("nginx tuned, static file, 21 comments", f"{base['nginx']}/post-21.html")
        if not args.no_varnish:
            measure("Varnish in front of us, 21 comments", base["varnish"] + urls[0], reference=nginx_21)
        cached_21 = measure("in-process cache, 21 comments", base["cached"] + urls[0], reference=nginx_21)
        nginx_500 = measure("nginx tuned, static file, 500 comments", f"{base['nginx']}/post-500.html")
        measure("in-process cache, 500 comments", base["cached"] + urls[1], reference=nginx_500)
        uncached_21 = measure("uncached, 21 comments", base["uncached"] + urls[0])
        if not args.quick:
            measure("uncached, 21 comments", base["uncached"] + urls[0], connections=1)
        uncached_500 = measure("uncached, 500 comments", base["uncached"] + urls[1])
        if not args.quick:
            measure("uncached, 500 comments", base["uncached"] + urls[1], connections=1)
        isso_500 = None
        if not args.no_isso:
            # A few requests a second: a short run would end before the first answers.
            isso_500 = measure("Isso 0.14: JSON of a 500-comment thread", f"{base['isso']}/?uri=/post-500/",
                               at_least=20)
        posted = post_comments(base["cached"], urls[2], work, seconds)
        rows.append(("comment POSTs (302 each)", 10, posted, None, "post"))
        isso_posted = None
        if not args.no_isso:
            isso_posted = isso_posts(base["isso"], work, seconds)
            rows.append(("Isso 0.14: comment POSTs (201 each)", 10, isso_posted, None, "post"))
        worker_rss = max(
            (rss_mb(pid) for name in ("cached", "uncached") for pid in worker_pids(processes[name].pid)), default=0.0
        )
    finally:
        for process in processes.values():
            peers.stop(process)
        shutil.rmtree(work, ignore_errors=True)

    _print_table(rows, load_before)
    print(f"\nlargest Commentariat worker RSS after the run: {worker_rss:.1f} MB (granian, 2 workers per server)")
    if vcl_source:
        print(f"Varnish ran {vcl_source}, its backend pointed at the cached server.")
    print(f"SQLite PRAGMA synchronous during the POSTs: {posted['synchronous']} (2 = FULL)")
    failed = False
    for label, result in (("Commentariat", posted), ("Isso", isso_posted)):
        if result is None:
            continue
        print(f"{label} POSTs: {result['acknowledged']} acknowledged, {result['stored']} stored "
              f"(in flight when wrk stopped: up to 10 more) — {'ok' if result['complete'] else 'COMMENTS LOST'}")  # fmt: skip
        failed |= not result["complete"] or (result is posted and result["errors"] > 0)
    _print_targets(uncached_21, uncached_500, isso_500, posted, isso_posted, cached_21, nginx_21)
    if failed:
        raise SystemExit(1)


def _print_table(rows, load_before: str) -> None:
    print(f"\nload average before: {load_before}; after: {load_average()} ({os.cpu_count()} cores, shared with wrk)")
    print("\n| target | conns | req/s | p50 ms | p99 ms | errors | vs nginx tuned |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, conns, result, reference, _ in rows:
        ratio = f"{result['rps'] / reference['rps']:.1%}" if reference else ""
        print(f"| {label} | {conns} | {result['rps']:,.1f} | {result['p50']:.2f} | {result['p99']:.2f} | "
              f"{result['errors']} | {ratio} |")  # fmt: skip
    wordpress = peers.WORDPRESS_2026
    print(f"| WordPress 6.1, 21 comments (issue 15, measured 2026, not this run) | 8 | {wordpress['page 21']:.1f} | | | | |")
    print(f"| WordPress 6.1, 500 comments (measured 2026, not this run) | 8 | {wordpress['page 500']:.1f} | | | | |")
    print(f"| WordPress 6.1, comment POSTs (measured 2026, not this run) | | {wordpress['posts']:.1f} | | | | |")


def _print_targets(uncached_21, uncached_500, isso_500, posted, isso_posted, cached_21, nginx_21) -> None:
    wordpress = peers.WORDPRESS_2026
    targets = [
        ("uncached 21-comment page / WordPress (figure from 2026)", uncached_21["rps"] / wordpress["page 21"], 20),
        ("uncached 500-comment page / WordPress (figure from 2026)", uncached_500["rps"] / wordpress["page 500"], 60),
        ("comment POSTs / WordPress (figure from 2026)", posted["rps"] / wordpress["posts"], 3),
        ("in-process cached page / nginx tuned", cached_21["rps"] / nginx_21["rps"], 0.5),
    ]
    if isso_500 is not None:
        targets.insert(2, ("uncached 500-comment page / Isso's JSON of it", uncached_500["rps"] / isso_500["rps"], 25))
    if isso_posted is not None:
        targets.insert(3, ("comment POSTs / Isso's POSTs", posted["rps"] / isso_posted["rps"], 1.3))
    print("\n| ratio (issue 15) | measured | target | |")
    print("| --- | ---: | ---: | --- |")
    for label, measured, target in targets:
        shown = (lambda x: f"{x:.0%}") if target < 1 else (lambda x: f"{x:.1f}×")
        print(f"| {label} | {shown(measured)} | ≥ {shown(target)} | {'met' if measured >= target else 'MISSED'} |")


if __name__ == "__main__":
    main()
