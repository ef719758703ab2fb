"""Stream a response body to a file with the decoded-size cap and the total-time limit enforced.

Content-encoding is undone here (not by httpx) with ``max_length`` on every decompress call, and
every decoded piece goes straight to disk: a gzip bomb is stopped after ``cap`` decoded bytes
without ever holding more than one step of it in memory.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from pipeline.crawl.errors import FetchError

STEP = 256 * 1024  # decoded bytes produced per decompress call
HEAD = 64 * 1024  # leading bytes kept in memory: sniffing and anti-bot checks read them


@dataclass(frozen=True)
class Streamed:
    size: int
    sha256: str
    head: bytes


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    def __init__(self, wbits: int):
        self.obj = zlib.decompressobj(wbits)

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            out = self.obj.decompress(data, STEP)
            data = self.obj.unconsumed_tail
            if out:
                yield out
            if self.obj.eof:
                return

    def flush(self) -> Iterator[bytes]:
        out = self.obj.flush()
        if out:
            yield out


def decoder(content_encoding: str | None):
    coding = (content_encoding or "identity").strip().lower()
    if coding in ("identity", ""):
        return _Identity()
    if coding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if coding == "deflate":
        return _Zlib(zlib.MAX_WBITS)
    raise FetchError("invalid", f"unsupported content-encoding {coding!r}", retryable=False)


def stream_capped(
    raw_chunks: Iterator[bytes],
    content_encoding: str | None,
    sink: BinaryIO,
    *,
    cap: int,
    deadline: float,
) -> Streamed:
    """Write the decoded body to ``sink``; ``FetchError`` (too_large / timeout / invalid)."""
    dec = decoder(content_encoding)
    digest = hashlib.sha256()
    head = bytearray()
    size = 0

    def take(chunks: Iterator[bytes]) -> None:
        nonlocal size
        for out in chunks:
            size += len(out)
            if size > cap:
                raise FetchError("too_large", f"body exceeds {cap} bytes decoded", retryable=False)
            digest.update(out)
            if len(head) < HEAD:
                head.extend(out[: HEAD - len(head)])
            sink.write(out)

    try:
        for chunk in raw_chunks:
            take(dec.feed(chunk))
            if time.monotonic() > deadline:
                exc = FetchError(
                    "timeout", "response took longer than the total-time limit", retryable=True
                )
                exc.retry_now = False  # it would hold the host's slot as long again: next run
                raise exc
        take(dec.flush())
    except zlib.error as exc:
        raise FetchError(
            "invalid", f"corrupt {content_encoding} body: {exc}", retryable=False
        ) from exc
    return Streamed(size, digest.hexdigest(), bytes(head))
