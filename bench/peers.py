"""What bench/post_page.py measures beside us: nginx tuned as people run it, Varnish in front of
us, and Isso 0.14 (gunicorn, 4 workers), each installed on first use and stopped by PID.

Installs: Debian packages with apt-get when running as root (otherwise the message says what to
install); Isso and gunicorn from PyPI into their own venv under .cache/, never the project's.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ISSO_VENV = ROOT / ".cache" / "isso-venv"
ISSO_REQUIREMENTS = ["isso==0.14.*", "gunicorn>=23,<24"]
VCL_FILES = [ROOT / "docs" / "varnish" / "commentariat.vcl", ROOT / "docs" / "varnish.vcl"]

# WordPress 6.1 on this kind of machine (nginx + php-fpm + MariaDB, no page cache), as issue 15
# reports it: not measured by this script.
WORDPRESS_2026 = {"page 21": 20.0, "page 500": 1.6, "posts": 112.0}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _binary(name: str) -> str | None:
    return shutil.which(name) or next(
        (str(path) for path in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if path.exists()), None
    )


def ensure_debian_packages(needed: dict[str, str]) -> None:
    """needed: program or file → Debian package. Installs the missing ones as root, else exits."""
    missing = sorted({package for thing, package in needed.items() if not (_binary(thing) or Path(thing).exists())})
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit(f"missing: {' '.join(missing)} — install them with: apt-get install -y {' '.join(missing)}")
    say(f"installing {' '.join(missing)} with apt-get (first run only) ...")
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-q", *missing]
    if subprocess.run(command, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-q"], stdout=subprocess.DEVNULL)
        subprocess.run(command, stdout=subprocess.DEVNULL, check=True)


def ensure_isso() -> Path:
    """Isso and gunicorn in .cache/isso-venv (created and filled on first use); its bin dir."""
    gunicorn = ISSO_VENV / "bin" / "gunicorn"
    check = [str(ISSO_VENV / "bin" / "python"), "-c", "import isso, gunicorn"]
    if gunicorn.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return ISSO_VENV / "bin"
    say(f"installing {' and '.join(ISSO_REQUIREMENTS)} from PyPI into {ISSO_VENV} (first run only) ...")
    python = shutil.which("python3.11") or shutil.which("python3")
    subprocess.run([python, "-m", "venv", str(ISSO_VENV)], check=True)
    subprocess.run([str(ISSO_VENV / "bin" / "pip"), "install", "--quiet", *ISSO_REQUIREMENTS], check=True)
    return ISSO_VENV / "bin"


def wait_for(url: str, timeout: float = 60, method: str = "GET") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def stop(process: subprocess.Popen | None) -> None:
    """Stop a process started with start_new_session=True, and its children, by its group id."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# nginx as people run it in front of static files (the reference of issue 15).
NGINX_TUNED = """
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 65;
    keepalive_requests 100000;
    access_log off;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_errors on;
    client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;
    default_type text/html;
    server {{ listen 127.0.0.1:{port}; root {dir}/www; }}
}}
"""


def start_nginx(work: Path, port: int) -> subprocess.Popen:
    (work / "tmp").mkdir(exist_ok=True)
    (work / "nginx.conf").write_text(NGINX_TUNED.format(dir=work, port=port))
    return subprocess.Popen(
        [_binary("nginx"), "-c", str(work / "nginx.conf"), "-g", "daemon off;"], start_new_session=True
    )


# Used only when the repository has no VCL of its own: the shared-cache contract of issue 15.
MINIMAL_VCL = """vcl 4.1;
import xkey;
backend app { .host = "127.0.0.1"; .port = "PORT"; }
acl purgers { "localhost"; }
sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) { return (synth(403, "Forbidden")); }
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }
    if (req.method != "GET" && req.method != "HEAD") { return (pass); }
    if (req.http.Cookie ~ "(^|;\\s*)(sessionid|commentariat_commenter|commentariat_edits|messages|commentariat_postpass)=") {
        return (pass);
    }
    unset req.http.Cookie;
}
sub vcl_backend_response {
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control !~ "public") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
    }
}
"""


def bench_vcl(port: int) -> tuple[str, str]:
    """The project's VCL with its backends replaced by one app server on 127.0.0.1:port (and the
    file it came from), or the minimal one above."""
    source = next((path for path in VCL_FILES if path.exists()), None)
    if source is None:
        return MINIMAL_VCL.replace("PORT", str(port)), "bench/peers.py MINIMAL_VCL (no VCL in docs/)"
    text = source.read_text()
    backends = list(re.finditer(r"^backend (\w+) \{.*?^\}\n", text, flags=re.M | re.S))
    if not backends:
        raise SystemExit(f"{source}: no backend to point at the bench's app server")
    first = backends[0].group(1)
    for match in reversed(backends[1:]):
        text = text[: match.start()] + text[match.end() :]
        text = re.sub(rf"^.*add_backend\({match.group(1)}\);\n", "", text, flags=re.M)
    block = backends[0]
    replaced = re.sub(r'\.host = "[^"]*";', '.host = "127.0.0.1";', block.group(0))
    replaced = re.sub(r'\.port = "[^"]*";', f'.port = "{port}";', replaced)
    replaced = re.sub(r'\.host_header = "[^"]*";', '.host_header = "127.0.0.1";', replaced)
    text = text.replace(block.group(0), replaced)
    assert first in text
    return text, str(source.relative_to(ROOT))


def start_varnish(work: Path, port: int, backend_port: int) -> tuple[subprocess.Popen, str]:
    vcl, source = bench_vcl(backend_port)
    (work / "bench.vcl").write_text(vcl)
    (work / "varnish").mkdir(exist_ok=True)
    process = subprocess.Popen(
        [_binary("varnishd"), "-F", "-n", str(work / "varnish"), "-a", f"127.0.0.1:{port}",
         "-f", str(work / "bench.vcl"), "-s", "malloc,256m"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    return process, source


ISSO_CONF = """[general]
dbpath = {dir}/isso.db
host = http://127.0.0.1:{port}/
notify = stdout
log-file = {dir}/isso.log
[moderation]
enabled = false
[guard]
# The load comes from one address: Isso's rate limit (2 new comments a minute) would refuse it.
enabled = false
[server]
listen = http://127.0.0.1:{port}/
"""


def start_isso(work: Path, port: int) -> subprocess.Popen:
    """Isso under gunicorn with 4 workers, as its documentation deploys it."""
    bin_dir = ensure_isso()
    (work / "isso.cfg").write_text(ISSO_CONF.format(dir=work, port=port))
    return subprocess.Popen(
        [str(bin_dir / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", "4", "--preload", "isso.run"],
        env={**os.environ, "ISSO_SETTINGS": str(work / "isso.cfg")},
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def seed_isso(base: str, uri: str, size: int) -> None:
    """A thread of `size` comments shaped like ours: every third top-level, the rest replies
    (Isso keeps one level of replies)."""
    ids: list[int] = []
    for i in range(size):
        parent = ids[i // 3] if i % 3 and ids[i // 3 :] else None
        fields = {"text": f"Comment {i}: *some* thoughts, a quote\n\n> earlier words\n\nand https://example.org/{i}",
                  "author": f"Reader {i}", "email": f"r{i}@example.org", "title": f"A post with {size} comments",
                  "website": "https://example.org/" if i % 4 == 0 else None, "parent": parent}  # fmt: skip
        request = urllib.request.Request(
            f"{base}/new?uri={uri}", data=json.dumps(fields).encode(), method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            ids.append(json.load(response)["id"])


ISSO_POST_SCRIPT = """
-- Every request is a new comment in Isso's JSON; each wrk thread numbers its own texts.
threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
counter = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = '{"text": "Comment under load ' .. thread_number .. '-' .. counter ..
    '", "author": "Load Tester", "email": "load@example.org", "title": "Comments under load"}'
  return wrk.format(nil, "/new?uri={uri}", nil, body)
end
"""
