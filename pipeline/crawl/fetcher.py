"""HTTP fetching with the crawler's manners: identify, respect hosts, retry sanely, cap everything.

Redirects are followed here, not by httpx, so that every hop is checked against the portal's
allow-list, the address guard and robots.txt. Retries wait through the host slot, so a backoff
delays that host only.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from pipeline.crawl.body import stream_capped
from pipeline.crawl.errors import FetchError
from pipeline.crawl.netguard import check_address
from pipeline.crawl.politeness import HostSlots, host_key
from pipeline.portals.registry import Portal

MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
BLOCK_STATUSES = frozenset({412, 521})
# Challenge scripts of the 瑞数 and 加速乐 WAFs; a page carrying them is not the page we asked for.
BLOCK_MARKERS = (b"$_ts", b"__jsl_clearance")


@dataclass
class Response:
    url: str
    final_url: str
    status: int  # 200 or 304
    headers: httpx.Headers
    path: Path | None  # the decoded body in a temp file the caller owns; None for 304
    attempts: int
    size: int = 0
    sha256: str | None = None
    head: bytes = b""  # the body's first 64 KB

    def take(self) -> bytes | None:
        """The body's bytes, removing its temp file (for pages small enough to parse)."""
        if self.path is None:
            return None
        try:
            return self.path.read_bytes()
        finally:
            self.discard()

    def discard(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def charset(self) -> str | None:
        ctype = self.content_type or ""
        for part in ctype.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset":
                return value.strip("\"' ") or None
        return None


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def blocked_page(body: bytes) -> bool:
    head = body[:65536]
    return any(marker in head for marker in BLOCK_MARKERS)


class Fetcher:
    """Shared by every portal of one crawl: one connection pool, one set of host slots."""

    def __init__(self, user_agent: str, slots: HostSlots | None = None):
        self.slots = slots or HostSlots()
        self.client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        portal: Portal,
        *,
        method: str = "GET",
        data: dict | None = None,
        headers: dict | None = None,
        permitted: Callable[[str], None] | None = None,
        spool_dir: Path | None = None,
        spool_suffix: str = ".tmp",
    ) -> Response:
        """GET/POST ``url`` following redirects; ``permitted(url)`` raises if a hop is off-limits.

        The body streams to a temp file in ``spool_dir`` (default: the system's) named
        ``spool-*<spool_suffix>``; it is removed on every failure, else the caller owns it.
        """
        spool = (Path(spool_dir or tempfile.gettempdir()), spool_suffix)
        seen: list[str] = []
        current = url
        attempts = 0
        while True:
            self._check_target(current, portal, seen)
            if permitted:
                permitted(current)
            seen.append(current)
            status, resp_headers, body, used = self._attempts(
                current, portal, method, data, headers, spool
            )
            attempts += used
            if status in REDIRECTS:
                location = resp_headers.get("location")
                if not location:
                    raise FetchError(
                        "redirect",
                        f"{status} without Location",
                        retryable=False,
                        http_status=status,
                        attempts=attempts,
                    )
                if len(seen) > MAX_REDIRECTS:
                    raise FetchError(
                        "redirect",
                        f"more than {MAX_REDIRECTS} redirects",
                        retryable=False,
                        http_status=status,
                        attempts=attempts,
                    )
                current = urljoin(current, location.strip())
                if status == 303 or (status in (301, 302) and method == "POST"):
                    method, data = "GET", None
                continue
            if body is None:
                return Response(url, current, status, resp_headers, None, attempts)
            path, streamed = body
            return Response(
                url,
                current,
                status,
                resp_headers,
                path,
                attempts,
                streamed.size,
                streamed.sha256,
                streamed.head,
            )

    def _check_target(self, url: str, portal: Portal, seen: list[str]) -> None:
        parts = urlsplit(url)
        hop = "redirect" if seen else "invalid"
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(hop, f"not an http(s) URL: {url}", retryable=False)
        if url in seen:
            raise FetchError("redirect", f"redirect loop back to {url}", retryable=False)
        if not portal.host_allowed(url):
            raise FetchError(
                hop, f"{host_key(url)} is not in the portal's allowed_hosts", retryable=False
            )
        try:
            check_address(
                parts.hostname,
                parts.port or (443 if parts.scheme == "https" else 80),
                allow_private=portal.allow_private,
            )
        except FetchError as exc:
            if seen and not exc.retryable:
                exc.cls = "redirect"
                exc.message = f"redirect refused: {exc.message}"
            raise

    def _attempts(self, url, portal, method, data, headers, spool):
        """One URL (no redirect following), retried per the portal's politeness."""
        pol = portal.politeness
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.slots.turn(url, pol) as slot:
                    return (*self._once(url, portal, method, data, headers, spool, slot), attempt)
            except FetchError as exc:
                if exc.cls == "blocked" and exc.http_status is None:
                    raise  # the host is cooling down: no request was made
                exc.attempts = attempt
                if exc.cls == "blocked":
                    if exc.http_status is not None:  # a WAF answered now: cool the host down
                        self.slots.block(
                            host_key(url), time.time() + pol.blocked_cooldown, exc.message
                        )
                    raise
                wait = exc.retry_after or 0.0
                if wait > pol.retry_after_max:
                    exc.message += f"; Retry-After {wait:.0f}s is beyond this run"
                    raise
                if not exc.retryable or not exc.retry_now or attempt > pol.retries:
                    raise
            backoff = pol.backoff * 2 ** (attempt - 1)
            self.slots.defer(url, max(random.uniform(0.5 * backoff, 1.5 * backoff), wait))

    def _once(self, url, portal, method, data, headers, spool, slot):
        pol = portal.politeness
        timeout = httpx.Timeout(
            connect=pol.connect_timeout,
            read=pol.read_timeout,
            write=pol.read_timeout,
            pool=pol.total_timeout,
        )
        started = time.monotonic()
        deadline = started + pol.total_timeout
        try:
            with self.client.stream(
                method, url, data=data, headers=headers, timeout=timeout
            ) as resp:
                status = resp.status_code
                if status < 500:
                    slot.observe(time.monotonic() - started)
                if status in BLOCK_STATUSES:
                    raise FetchError(
                        "blocked",
                        f"anti-bot page (HTTP {status})",
                        retryable=False,
                        http_status=status,
                    )
                if status in REDIRECTS or status == 304:
                    return status, resp.headers, None
                if status in RETRY_STATUSES or status >= 500:
                    exc = FetchError("http", f"HTTP {status}", retryable=True, http_status=status)
                    exc.retry_after = retry_after(resp.headers.get("retry-after"))
                    raise exc
                if status >= 400:
                    raise FetchError("http", f"HTTP {status}", retryable=False, http_status=status)
                if status != 200:
                    raise FetchError(
                        "http", f"unexpected HTTP {status}", retryable=False, http_status=status
                    )
                length = resp.headers.get("content-length", "")
                if (
                    length.isdigit()
                    and int(length) > pol.max_body_bytes
                    and "content-encoding" not in resp.headers
                ):
                    raise FetchError(
                        "too_large",
                        f"Content-Length {length} exceeds {pol.max_body_bytes}",
                        retryable=False,
                        http_status=status,
                    )
                return status, resp.headers, self._spool(resp, pol, deadline, *spool)
        except FetchError:
            raise
        except httpx.TimeoutException as exc:
            raise FetchError("timeout", f"{type(exc).__name__}: {exc}", retryable=True) from exc
        except (httpx.TransportError, httpx.DecodingError) as exc:
            raise FetchError("connection", f"{type(exc).__name__}: {exc}", retryable=True) from exc
        except httpx.InvalidURL as exc:
            raise FetchError("invalid", str(exc), retryable=False) from exc

    @staticmethod
    def _spool(resp: httpx.Response, pol, deadline: float, directory: Path, suffix: str):
        """Stream the body to a new temp file: (path, Streamed); the file is gone on failure."""
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="spool-", suffix=suffix, dir=directory)
        path = Path(name)
        try:
            with os.fdopen(fd, "wb") as sink:
                streamed = stream_capped(
                    resp.iter_raw(),
                    resp.headers.get("content-encoding"),
                    sink,
                    cap=pol.max_body_bytes,
                    deadline=deadline,
                )
            if blocked_page(streamed.head):
                raise FetchError(
                    "blocked",
                    "anti-bot page (challenge script in body)",
                    retryable=False,
                    http_status=resp.status_code,
                )
        except BaseException:
            with contextlib.suppress(OSError):
                path.unlink()
            raise
        return path, streamed
