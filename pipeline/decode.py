"""Turn document bytes into text ourselves, before any parser sees them.

Parsers guess encodings badly on Chinese portals: pages declare gb2312 but use GBK-only
characters (镕, 堃), or declare nothing at all, and one bad byte in a long page is common. Order:
UTF-16/32 (BOM or the NUL pattern of a page without BOM), the UTF-8 BOM, then the declared
charset read as its superset, UTF-8 and GB18030, each first without error; then the one of them
that decodes at least 99 % of the non-ASCII bytes with the fewest replaced, its bad bytes
replaced and counted; then detection (charset-normalizer). NUL bytes are removed and counted.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

# Declared charsets that real pages use for text their declared charset cannot hold.
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
}
# Single-byte Western codecs decode any byte string, so a Chinese page that wrongly declares one
# would come out as mojibake without an error: never trust them for non-ASCII bytes.
UNFALSIFIABLE = frozenset({"latin_1", "iso8859-1", "cp1252", "iso8859-15"})
# UTF-32 first: its little-endian BOM starts with the UTF-16 one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
MIN_DECODED_SHARE = 0.99  # of the non-ASCII bytes, for a charset that needs replacements
WIDE_SAMPLE = 4096
ASCII = bytes(range(128))


@dataclass(frozen=True)
class Decoded:
    """Text with a record of what decoding it took: readers put ``errors`` in the report."""

    text: str
    encoding: str
    replaced: int = 0  # undecodable byte sequences replaced by U+FFFD
    nuls: int = 0  # NUL bytes removed

    @property
    def errors(self) -> list[str]:
        out = []
        if self.replaced:
            out.append(
                f"decoded as {self.encoding} with {self.replaced} undecodable byte "
                f"sequence{'s' if self.replaced != 1 else ''} replaced (U+FFFD)"
            )
        if self.nuls:
            out.append(f"{self.nuls} NUL byte{'s' if self.nuls != 1 else ''} removed")
        return out


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB (``<meta>`` or XML declaration)."""
    head = data[:4096]
    match = META_CHARSET.search(head) or XML_ENCODING.search(head)
    return match.group(1).decode("ascii").lower() if match else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = SUPERSETS.get(name.lower().strip(), name.lower().strip())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 by BOM, or by where the NUL bytes of mostly-ASCII markup fall (no BOM)."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec if codec != "utf-8" else None
    head = data[: WIDE_SAMPLE - WIDE_SAMPLE % 4]
    if len(head) < 8 or b"\x00" not in head:
        return None
    zeros = [head[i::4].count(0) / len(head[i::4]) for i in range(4)]
    if min(zeros[2], zeros[3]) > 0.95 and zeros[0] < 0.5:
        return "utf-32-le"
    if min(zeros[0], zeros[1]) > 0.95 and zeros[3] < 0.5:
        return "utf-32-be"
    even, odd = (zeros[0] + zeros[2]) / 2, (zeros[1] + zeros[3]) / 2
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _replaced(data: bytes, codec: str) -> tuple[str, int]:
    text = data.decode(codec, errors="replace")
    return text, text.count("\ufffd")


def decode(data: bytes, declared: str | None = None, *, detect: bool = True) -> Decoded:
    """Decode ``data``; ``declared`` is a charset from elsewhere (e.g. an HTTP header).

    A declared charset is trusted only if the bytes decode under it (with at most 1 % of the
    non-ASCII bytes replaced), so a page whose ``<meta>`` or header lies still comes out right,
    and one bad byte does not throw a real report away. ``detect=False`` skips the statistical
    detector (a quick look at a sample).
    """
    wide = wide_encoding(data)
    if wide:
        text, bad = _replaced(data, wide)
        return Decoded(text.lstrip("\ufeff").replace("\x00", ""), wide, bad, text.count("\x00"))
    nuls = data.count(0)
    if nuls:
        data = data.replace(b"\x00", b"")
    if data.startswith(codecs.BOM_UTF8):
        text, bad = _replaced(data[len(codecs.BOM_UTF8) :], "utf-8")
        return Decoded(text, "utf-8", bad, nuls)
    candidates: list[str] = []
    for name in (declared, declared_charset(data), "utf-8", "gb18030"):
        codec = _codec(name)
        falsifiable = not (codec in UNFALSIFIABLE and not data.isascii())
        if codec and codec not in candidates and falsifiable:
            candidates.append(codec)
    for codec in candidates:
        try:
            return Decoded(data.decode(codec), codec, 0, nuls)
        except UnicodeDecodeError:
            pass
    non_ascii = len(data.translate(None, ASCII))
    tried = sorted(
        ((*_replaced(data, codec), order, codec) for order, codec in enumerate(candidates)),
        key=lambda t: (t[1], t[2]),
    )
    text, bad, _order, codec = tried[0]
    if bad <= (1 - MIN_DECODED_SHARE) * non_ascii or not detect:
        return Decoded(text, codec, bad, nuls)
    # Neither the declaration nor the Chinese encodings fit: a statistical detector's guess.
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        guess = _codec(best.encoding)
        if guess:
            guessed, guessed_bad = _replaced(data, guess)
            if guessed_bad <= bad:
                return Decoded(guessed, guess, guessed_bad, nuls)
    return Decoded(text, codec, bad, nuls)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """The text of :func:`decode` (callers that need no record of replacements)."""
    return decode(data, declared).text
