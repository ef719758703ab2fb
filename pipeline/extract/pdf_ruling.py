"""Which PDF pages draw ruling lines: a look at the raw content streams, before any text.

A ruled table is drawn with rectangle (``re``) or line (``l``) operators, a page of prose with
none. Counting them in each page's content stream costs about 0.05 ms a page (inflating the
stream and ``bytes.count``), where pypdfium2 needs 5–12 ms to load a page and read its text.
So the triage reads the text of the ruled pages only; a page that draws nothing cannot hold
a ruled table. Whatever cannot be inflated here (encrypted streams, rare filters, a stream
past the size cap) counts as ruled, and so does a page that draws a form XObject or an image
(``Do``): the answer errs towards reading a page.
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSLiteral
from pdfplumber.page import Page

MIN_RULING_OPS = 4  # the smallest table fragment (one row, two cells) draws more than this
MAX_CONTENT_BYTES = 4 * 1024 * 1024  # per stream, encoded or inflated; bigger counts as ruled
RULING_OPS = (b" re", b" l\n", b" l ", b" l\r")  # rectangle, line
DRAWS_XOBJECT = b" Do"  # a form XObject's own stream may draw a table: read the page
_A85_WHITESPACE = re.compile(rb"\s+")
_A85_POWERS = np.array([85**4, 85**3, 85**2, 85, 1], dtype=np.uint64)


def ruled_pages(pages: list[Page]) -> list[int] | None:
    """0-based indexes of the pages that draw at least ``MIN_RULING_OPS`` lines or rectangles;
    ``None`` when that says nothing (every page may be ruled)."""
    ruled = [i for i, page in enumerate(pages) if _ruling_ops(page) >= MIN_RULING_OPS]
    return ruled if len(ruled) < len(pages) else None


def _ruling_ops(page: Page) -> int:
    total = 0
    for ref in page.page_obj.contents:
        stream = resolve1(ref)
        content = _inflate(stream) if isinstance(stream, PDFStream) else None
        if content is None or DRAWS_XOBJECT in content:
            return MIN_RULING_OPS  # unknown: read it
        total += sum(content.count(op) for op in RULING_OPS)
    return total


def _inflate(stream: PDFStream) -> bytes | None:
    """The decoded content, for the filters content streams use (ASCII85, Flate); else None."""
    if stream.decipher is not None or stream.get_any(("DP", "DecodeParms")):
        return None
    data = stream.rawdata
    if data is None or len(data) > MAX_CONTENT_BYTES:
        return None
    filters = resolve1(stream.get_any(("F", "Filter")))
    for name in filters if isinstance(filters, list) else [filters] if filters else []:
        name = resolve1(name)
        name = name.name if isinstance(name, PSLiteral) else name
        try:
            if name in ("FlateDecode", "Fl"):
                inflater = zlib.decompressobj()
                data = inflater.decompress(data, MAX_CONTENT_BYTES)
                if inflater.unconsumed_tail:
                    return None
            elif name in ("ASCII85Decode", "A85"):
                data = _ascii85(data)
            else:
                return None
        except (zlib.error, ValueError):
            return None
    return data


def _ascii85(data: bytes) -> bytes:
    """ASCII85 decoded with numpy: pdfminer's and the standard library's loops cost 0.2 ms a
    page, which is most of this module's time on an ASCII85 PDF (reportlab writes them)."""
    data = _A85_WHITESPACE.sub(b"", data)
    data = data.removeprefix(b"<~")
    end = data.find(b"~>")
    data = (data if end < 0 else data[:end]).replace(b"z", b"!!!!!")
    pad = -len(data) % 5
    digits = np.frombuffer(data + b"u" * pad, dtype=np.uint8).astype(np.uint64) - 33
    if digits.size and int(digits.max()) > 84:
        raise ValueError("not ASCII85")
    words = (digits.reshape(-1, 5) @ _A85_POWERS).astype(">u4").tobytes()
    return words[: len(words) - pad]
