"""A real HTTP server on loopback whose routes can misbehave until healed.

Thread per connection (``ThreadingHTTPServer``), HTTP/1.1, conditional GET with ETag and
Last-Modified on every static route, and a request log the tests inspect.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from pipeline.config import settings
from pipeline.portals.registry import parse_registry

LAST_MODIFIED = formatdate(1_700_000_000, usegmt=True)


@dataclass
class Logged:
    method: str
    path: str
    conditional: bool


class Site:
    def __init__(self):
        self.static: dict[str, tuple[bytes, str]] = {}
        self.faults: dict[str, Callable[[BaseHTTPRequestHandler, Site], None]] = {}
        self.healed = False
        self.log: list[Logged] = []
        self.counts: dict[str, int] = {}
        self.lock = threading.Lock()

    def add(self, path: str, body: bytes | str, ctype: str = "text/html; charset=utf-8") -> None:
        self.static[path] = (body.encode("utf-8") if isinstance(body, str) else body, ctype)

    def fault(self, path: str, handler) -> None:
        self.faults[path] = handler

    def requests(self, path: str | None = None) -> list[Logged]:
        return [r for r in self.log if path is None or r.path == path]

    def clear(self) -> None:
        self.log.clear()
        self.counts.clear()

    def serve(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path
        conditional = bool(h.headers.get("If-None-Match") or h.headers.get("If-Modified-Since"))
        with self.lock:
            self.log.append(Logged(h.command, path, conditional))
            self.counts[path] = self.counts.get(path, 0) + 1
        if not self.healed and path in self.faults:
            self.faults[path](h, self)
            return
        route = self.static.get(path) or self.static.get(urlsplit(path).path)
        if route is None:
            send(h, 404, b"not found")
            return
        body, ctype = route
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if h.headers.get("If-None-Match") == etag:
            h.send_response(304)
            h.send_header("ETag", etag)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        send(h, 200, body, ctype, {"ETag": etag, "Last-Modified": LAST_MODIFIED})


def send(
    h,
    status: int,
    body: bytes,
    ctype: str = "text/html; charset=utf-8",
    headers: dict | None = None,
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    h.end_headers()
    if h.command != "HEAD":
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            h.wfile.write(body)


def make_handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            site.serve(self)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            site.serve(self)

        def log_message(self, *args):
            pass

    return Handler


class Server:
    def __init__(self, site: Site, host: str = "127.0.0.1", port: int = 0):
        self.site = site
        self.httpd = ThreadingHTTPServer((host, port), make_handler(site))
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


FAST = {
    "delay": 0.0,
    "jitter": 0.0,
    "backoff": 0.01,
    "retries": 3,
    "connect_timeout": 2,
    "read_timeout": 0.5,
    "total_timeout": 1.5,
    "retry_after_max": 5,
}


def portal_entry(port: int, **overrides) -> dict:
    entry = {
        "id": "faulty",
        "district": "乐都区",
        "division_code": "630202",
        "city": "海东市",
        "province": "青海省",
        "adapter": "trs",
        "start_urls": [f"http://127.0.0.1:{port}/col/index.html"],
        "allowed_hosts": [f"127.0.0.1:{port}"],
        "allow_private": True,
        "politeness": dict(FAST),
    }
    politeness = overrides.pop("politeness", {})
    entry.update(overrides)
    entry["politeness"].update(politeness)
    return entry


def make_portal(port: int, **overrides):
    return parse_registry({"portals": [portal_entry(port, **overrides)]})[0]


def conf_for(tmp_path):
    return replace(settings(), archive_dir=tmp_path / "archive")


# -- a small TRS-style portal ----------------------------------------------------------------
def list_page(links: list[tuple[str, str]], pages: int = 1, current: int = 0) -> str:
    items = "".join(
        f'<li><a href="{href}" title="{title}">{title}</a></li>' for href, title in links
    )
    return (
        f"<html><head><meta charset='utf-8'><title>年度报告</title></head><body>"
        f"<a href='/'>首页</a><ul class='list'>{items}</ul>"
        f'<script>createPageHTML({pages}, {current}, "index", "html");</script></body></html>'
    )


def article(title: str, attachment_html: str) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<div class='TRS_Editor'><h1>{title}</h1><p>正文</p>{attachment_html}</div></body></html>"
    )


PDF = b"%PDF-1.4\n" + b"1 0 obj<<>>endobj\n" * 50 + b"%%EOF\n"


def basic_site() -> Site:
    """Two report years, each an article page linking a PDF; a decoy 解读 article."""
    site = Site()
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    site.add(
        "/col/index.html",
        list_page(
            [
                ("../art/2021.html", "乐都区2021年政府信息公开工作年度报告"),
                ("/art/2022.html", "乐都区2022年政府信息公开工作年度报告"),
                ("/art/jd.html", "《乐都区2022年政府信息公开工作年度报告》的解读"),
            ]
        ),
    )
    for year in (2021, 2022):
        site.add(
            f"/art/{year}.html",
            article(
                f"乐都区{year}年政府信息公开工作年度报告",
                f'<a href="/files/{year}.pdf">附件：{year}年报告.pdf</a>',
            ),
        )
        site.add(f"/files/{year}.pdf", PDF + str(year).encode(), "application/pdf")
    site.add("/art/jd.html", article("解读", '<a href="/files/jd.pdf">解读.pdf</a>'))
    site.add("/files/jd.pdf", PDF + b"jd", "application/pdf")
    return site


def sleep_then(seconds: float):
    def handler(h, site):
        time.sleep(seconds)
        send(h, 200, PDF)

    return handler
