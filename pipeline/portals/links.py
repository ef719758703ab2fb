"""Reading links out of HTML pages: what the CMS adapters and the crawler's discovery share.

Pages are decoded by :func:`pipeline.decode.decode_bytes` (declared charset read as its
superset, then detection) before lxml sees them, and parsed with entities and network off.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin

import lxml.html

from pipeline.decode import decode_bytes

_PARSER = lxml.html.HTMLParser(no_network=True, recover=True)


def canonical(url: str) -> str:
    return urldefrag(url)[0]


def parse_html(data: bytes, charset: str | None = None):
    text = decode_bytes(data, charset)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text, parser=_PARSER)
    except (ValueError, lxml.etree.ParserError):
        return None


def page_links(data: bytes, base: str, charset: str | None = None) -> list[tuple[str, str]]:
    """(absolute url, title) for every ``<a href>`` of an HTML list page, in page order."""
    root = parse_html(data, charset)
    if root is None:
        return []
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        title = (a.get("title") or a.text_content() or "").strip()
        out.append((canonical(urljoin(base, href)), " ".join(title.split())))
    return out
