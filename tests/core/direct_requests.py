"""Requests made straight to the WSGI and ASGI applications, past Django's test client, so that
the page cache's fast paths in front of Django answer them as they answer a real server."""

import asyncio
import io
import threading

from commentariat.asgi import application as asgi_application
from commentariat.wsgi import application as wsgi_application


def wsgi_get(path: str, cookie: str = "", host: str = "testserver", *, raw: bool = False, **extra):
    """(status, {header: [values]}, body) of a GET through the WSGI application (body in bytes
    when raw)."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "HTTP_HOST": host,
        "HTTP_COOKIE": cookie, "SERVER_NAME": "testserver", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
        **extra,
    }  # fmt: skip
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers

    body = b"".join(wsgi_application(environ, start_response))
    headers = {}
    for name, value in answer["headers"]:
        headers.setdefault(name.lower(), []).append(value)
    return int(answer["status"].split()[0]), headers, body if raw else body.decode()


def asgi_get(path: str, cookie: str = "", *, raw: bool = False, **extra_headers):
    """(status, {header: [values]}, body) of a GET through the ASGI application, on a thread of its
    own (the browser tests leave an event loop running in this one); extra_headers by name,
    if_none_match="…" for If-None-Match."""
    path, _, query = path.partition("?")
    headers = [(b"host", b"testserver")] + ([(b"cookie", cookie.encode())] if cookie else [])
    headers += [
        (name.lower().replace("_", "-").encode(), value.encode()) for name, value in extra_headers.items()
    ]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": headers, "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    sent, requests, errors = [], [{"type": "http.request", "body": b"", "more_body": False}], []

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected; Django cancels this wait

    async def send(message):
        sent.append(message)

    def serve():
        try:
            asyncio.run(asgi_application(scope, receive, send))
        except Exception as error:  # noqa: BLE001 - raised again in the test's thread
            errors.append(error)

    server = threading.Thread(target=serve)
    server.start()
    server.join(timeout=30)
    if errors:
        raise errors[0]
    answer = {}
    for name, value in sent[0]["headers"]:
        answer.setdefault(name.decode().lower(), []).append(value.decode())
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return sent[0]["status"], answer, body if raw else body.decode()
