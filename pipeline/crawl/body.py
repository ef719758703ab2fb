"""Read a response body with the decoded-size cap and the total-time limit enforced while streaming.

Content-encoding is undone here (not by httpx) with ``max_length`` on every decompress call, so
a gzip bomb is stopped after ``cap`` decoded bytes instead of inflating a whole chunk first.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator

from pipeline.crawl.errors import FetchError

STEP = 256 * 1024  # decoded bytes produced per decompress call


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


def read_capped(
    raw_chunks: Iterator[bytes], content_encoding: str | None, *, cap: int, deadline: float
) -> bytes:
    """The decoded body, or ``FetchError`` (too_large / timeout / invalid encoding)."""
    dec = decoder(content_encoding)
    parts: list[bytes] = []
    size = 0

    def take(chunks: Iterator[bytes]) -> None:
        nonlocal size
        for out in chunks:
            size += len(out)
            if size > cap:
                raise FetchError("too_large", f"body exceeds {cap} bytes decoded", retryable=False)
            parts.append(out)

    try:
        for chunk in raw_chunks:
            take(dec.feed(chunk))
            if time.monotonic() > deadline:
                raise FetchError(
                    "timeout", "response took longer than the total-time limit", retryable=True
                )
        take(dec.flush())
    except zlib.error as exc:
        raise FetchError(
            "invalid", f"corrupt {content_encoding} body: {exc}", retryable=False
        ) from exc
    return b"".join(parts)
