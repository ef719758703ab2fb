"""``python -m pipeline serve-sample``: the six sample portals, each on its own loopback address.

127.0.0.2 … 127.0.0.7 on one port, so every portal is a distinct host (``host:port``) with its
own politeness slot, exactly as real district portals are. Responses carry ETag and
Last-Modified and answer conditional requests with 304, so a nightly rerun can be checked for
sending only conditional requests. Linux routes all of 127.0.0.0/8 to loopback; on macOS add
the aliases first (``sudo ifconfig lo0 alias 127.0.0.2`` …).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.config import DATA_DIR
from pipeline.portals.registry import load_portals
from pipeline.samples.site import SITE_DIR, ensure_site, generate

DEFAULT_PORT = 8765


class _Portal:
    """One portal's routes, read once; ``__HOSTPORT__`` is filled with the server's address."""

    def __init__(self, root: Path, hostport: str):
        self.host = hostport.rsplit(":", 1)[0]
        self.routes = {}
        for target, route in json.loads((root / "routes.json").read_text(encoding="utf-8")).items():
            body = (root / route["file"]).read_bytes().replace(b"__HOSTPORT__", hostport.encode())
            etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
            self.routes[target] = (body, route["type"], route["modified"], etag)


def _not_modified(headers, etag: str, modified: str) -> bool:
    match = headers.get("If-None-Match")
    if match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        return etag in [t.strip() for t in match.split(",")] or match.strip() == "*"
    since = headers.get("If-Modified-Since")
    if since:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _handler(portal: _Portal, log: list | None):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "GongkaiSamplePortal/1"

        def do_GET(self):
            self._serve(head=False)

        def do_HEAD(self):
            self._serve(head=True)

        def _serve(self, head: bool):
            conditional = bool(
                self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since")
            )
            if log is not None:
                log.append((portal.host, self.command, self.path, conditional))
            route = portal.routes.get(self.path) or portal.routes.get(urlsplit(self.path).path)
            if route is None:
                body = b"<html><body>404 Not Found</body></html>"
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)
                return
            body, ctype, modified, etag = route
            if _not_modified(self.headers, etag, modified):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", modified)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


class SampleServer:
    """All sample portals on one port; ``port=0`` picks a free one (tests)."""

    def __init__(
        self, site_dir: Path = SITE_DIR, port: int = DEFAULT_PORT, *, log: list | None = None
    ):
        self.site_dir = ensure_site(site_dir) if site_dir == SITE_DIR else site_dir
        self.hosts = json.loads((self.site_dir / "hosts.json").read_text())
        self.log = log
        self.servers: list[ThreadingHTTPServer] = []
        self.port = self._bind(port)
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in self.servers]

    def _bind(self, port: int) -> int:
        """Bind every address to one port; with ``port=0`` the first address picks it."""
        for _ in range(20):  # a port free on the first address may be taken on another
            chosen = port
            try:
                for address, pid in self.hosts.items():
                    server = ThreadingHTTPServer((address, chosen), BaseHTTPRequestHandler)
                    chosen = server.server_address[1]
                    server.RequestHandlerClass = _handler(
                        _Portal(self.site_dir / pid, f"{address}:{chosen}"), self.log
                    )
                    server.daemon_threads = True
                    self.servers.append(server)
                return chosen
            except OSError:
                for server in self.servers:
                    server.server_close()
                self.servers.clear()
                if port:
                    raise
        raise OSError("no free port shared by all sample-portal addresses")

    def start(self) -> SampleServer:
        for thread in self.threads:
            thread.start()
        return self

    def stop(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


@contextmanager
def serving(
    site_dir: Path = SITE_DIR, port: int = 0, *, log: list | None = None
) -> Iterator[SampleServer]:
    """Serve the sample portals in-process for the duration of a ``with`` block."""
    server = SampleServer(site_dir, port, log=log).start()
    try:
        yield server
    finally:
        server.stop()


def sample_portals(port: int, registry: Path | str = DATA_DIR / "portals.yaml"):
    """The registry's sample portals, moved to ``port`` (the port a test server got)."""
    return [p.with_port(port) for p in load_portals(registry) if p.sample]


@contextmanager
def serving_registry_port(portals) -> Iterator[SampleServer | None]:
    """Serve the sample site on the port the registry's"
    " sample entries name (``crawl --serve-sample``)."""
    ports = {urlsplit(u).port for p in portals if p.sample for u in p.start_urls}
    if not ports:
        yield None
        return
    if len(ports) > 1:
        raise ValueError(
            f"sample portals use different ports {sorted(ports)}; they share one server"
        )
    with serving(SITE_DIR, ports.pop() or DEFAULT_PORT) as server:
        yield server


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument(
        "--regenerate", action="store_true", help="rebuild the site from facts.json first"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.regenerate:
        generate()
    with serving(SITE_DIR, args.port) as server:
        for address, pid in server.hosts.items():
            print(f"{pid:<8} http://{address}:{server.port}/")
        print("serving; Ctrl-C stops")
        with suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0
