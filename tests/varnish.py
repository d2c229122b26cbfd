"""Varnish as the deployment guide runs it (docs/varnish/commentariat.vcl), in front of app servers
started by the tests, and a reader's browser (no script) that talks to it."""

import http.client
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

VCL = Path(__file__).resolve().parents[1] / "docs" / "varnish" / "commentariat.vcl"
_BACKEND = re.compile(r"^backend (app\d+) \{\n(.*?)^\}", re.MULTILINE | re.DOTALL)
_PURGERS = re.compile(r"^acl purgers \{\n.*?^\}", re.MULTILINE | re.DOTALL)


def varnishd() -> str | None:
    """The varnishd binary, or None when Varnish is not installed."""
    return shutil.which("varnishd") or next(
        (path for path in ("/usr/sbin/varnishd",) if os.access(path, os.X_OK)), None
    )


def vcl_for(app_servers: list[str], purgers: list[str]) -> str:
    """The documented VCL with its backends pointed at these base URLs and its purgers ACL holding
    these addresses; everything else as an operator gets it."""
    vcl = VCL.read_text()
    blocks = _BACKEND.findall(vcl)
    assert len(blocks) == len(app_servers), f"the VCL names {len(blocks)} backends"
    for (name, body), base in zip(blocks, app_servers, strict=True):
        url = urllib.parse.urlsplit(base)
        new_body = re.sub(r'\.host = "[^"]*";', f'.host = "{url.hostname}";', body)
        new_body = re.sub(r'\.port = "[^"]*";', f'.port = "{url.port}";', new_body)
        new_body = re.sub(r'\.host_header = "[^"]*";', f'.host_header = "{url.hostname}";', new_body)
        vcl = vcl.replace(f"backend {name} {{\n{body}}}", f"backend {name} {{\n{new_body}}}")
    acl = "acl purgers {\n" + "".join(f'    "{address}";\n' for address in purgers) + "}"
    vcl, found = _PURGERS.subn(acl, vcl)
    assert found == 1, "the VCL has no purgers ACL"
    return vcl


@contextmanager
def varnish(vcl: str, work_dir: Path, port: int):
    """varnishd (foreground, its own working dir, 64 MB of memory) on 127.0.0.1:port until the block
    ends; yields its base URL once it answers."""
    work_dir.mkdir(parents=True, exist_ok=True)
    vcl_file = work_dir / "commentariat.vcl"
    vcl_file.write_text(vcl)
    log = open(work_dir / "varnishd.log", "wb")
    process = subprocess.Popen(
        [varnishd(), "-F", "-j", "none", "-n", str(work_dir / "state"), "-a", f"127.0.0.1:{port}",
         "-f", str(vcl_file), "-s", "malloc,64m"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(process, port, work_dir / "varnishd.log")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


def _wait_for(process, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"varnishd stopped: {log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:  # a healthy app server behind it
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"Varnish did not answer through a healthy backend: {log.read_text()}")


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def from_cache(self) -> bool:
        return self.headers.get("X-Cache") == "hit"


@dataclass
class Browser:
    """A reader's browser without script: keeps its cookies, follows redirects, sends forms with
    the Origin and Referer a browser sends, and can leave from another local address."""

    base: str
    source_address: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, headers: dict | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                redirects: int = 5) -> Answer:  # fmt: skip
        url = urllib.parse.urlsplit(self.base)
        connection = http.client.HTTPConnection(
            url.hostname, url.port, timeout=30, source_address=(self.source_address, 0)
        )
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read().decode(errors="replace"))
        connection.close()
        self._keep_cookies(response.headers)
        location = answer.headers.get("Location")
        if answer.status in (301, 302, 303) and location and redirects:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(self.base + path, location))
            return self.request("GET", target.path + (f"?{target.query}" if target.query else ""),
                                redirects=redirects - 1)  # fmt: skip
        return answer

    def submit(self, page_path: str, action_ending: str, fields: dict[str, str]) -> Answer:
        """Fill the form of page_path whose action ends with action_ending and send it, hidden
        fields included, as a browser does."""
        page = self.get(page_path)
        form = _form_in(page.body, action_ending)
        data = {**form.hidden, **fields}
        action = urllib.parse.urljoin(page_path, form.action)
        return self.request(
            "POST", action, body=urllib.parse.urlencode(data).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": self.base,
                     "Referer": self.base + page_path},
        )  # fmt: skip

    def _keep_cookies(self, headers) -> None:
        for header in headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


@dataclass
class _Form:
    action: str
    hidden: dict[str, str]


def _form_in(html: str, action_ending: str) -> _Form:
    parser = _FormParser(action_ending)
    parser.feed(html)
    assert parser.form is not None, f"no form posting to …{action_ending}"
    return parser.form


class _FormParser(HTMLParser):
    def __init__(self, action_ending: str):
        super().__init__()
        self.action_ending, self.form, self._inside = action_ending, None, False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        action = (attributes.get("action") or "").split("#")[0]
        if tag == "form" and self.form is None and action.endswith(self.action_ending):
            self.form, self._inside = _Form(action, {}), True
        elif tag == "input" and self._inside and attributes.get("type") == "hidden" and attributes.get("name"):
            self.form.hidden[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._inside = False
