"""Turn document bytes into text ourselves, before any parser sees them.

Parsers guess encodings badly on Chinese portals: pages declare gb2312 but use GBK-only
characters (镕, 堃), or declare nothing at all. Order: BOM, declared charset read as its
superset, UTF-8, then detection (GB18030 when the bytes fit it, else charset-normalizer).
"""

from __future__ import annotations

import codecs
import re

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
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)


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


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode ``data``; ``declared`` is a charset from elsewhere (e.g. an HTTP header).

    A declared charset is trusted only if the bytes decode under it without error, so a page
    whose ``<meta>`` or header lies still comes out right.
    """
    for bom, bom_codec in BOMS:
        if data.startswith(bom):
            return data.decode(bom_codec, errors="replace")
    for name in (declared, declared_charset(data)):
        codec = _codec(name)
        if codec and not (codec in UNFALSIFIABLE and not data.isascii()):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Detection, biased to what Chinese portals serve: statistical detectors take a mostly-ASCII
    # GBK page for Cyrillic or Kazakh, so GB18030 (a superset of GBK) goes first when it fits.
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is not None and best.encoding:
        codec = _codec(best.encoding) or best.encoding
        return data.decode(codec, errors="replace")
    return data.decode("gb18030", errors="replace")
