"""When a document was published, and how we know: the date the portal prints, else the server's.

Sources, best first (``published_source``):

- ``article_meta``: the article's own metadata, ``<meta name="PubDate" content="2022-01-20 09:00">``
  (TRS/Hanweb CMS), ``firstpublishedtime``, ``publishdate``, ``article:published_time``;
- ``article_text``: the date the article page prints beside its title (``发布时间：2022-01-20``,
  ``发布日期``, ``时间：``);
- ``list_page``: the date printed beside the title on the list page (``<li><a>…</a><span>
  2022-01-20</span></li>``), or the list API's ``publishTime``-like field;
- ``last_modified``: the HTTP ``Last-Modified`` header, a server's file time, not a date the
  publisher printed (timeliness is never computed from it).

Printed dates are Beijing time (UTC+8). Pure functions over bytes; the crawler calls them.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

from pipeline.portals.links import canonical, parse_html

BEIJING = timezone(timedelta(hours=8))
SOURCES = ("article_meta", "article_text", "list_page", "last_modified")
PRINTED = frozenset({"article_meta", "article_text", "list_page"})
DATE = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
META_NAMES = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "dc.date.issued",
    "dcterms.issued",
)
PRINTED_LABEL = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|时间|日期)\s*[:：]\s*")
DATE_KEY = re.compile(r"time|date|pub|fbrq|rq$", re.I)
_CONTAINERS = ("li", "tr", "dd", "dt", "p", "div", "td")


def parse_date(text: str) -> datetime | None:
    """The first calendar date (and time) in ``text`` as a Beijing-time datetime, or None."""
    match = DATE.search(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)
    except ValueError:
        return None


def _epoch(value: int | float) -> datetime | None:
    """A list API's epoch time (seconds or milliseconds)."""
    seconds = value / 1000 if value > 10**11 else value
    try:
        return datetime.fromtimestamp(seconds, UTC).astimezone(BEIJING)
    except (OverflowError, OSError, ValueError):
        return None


def article_date(body: bytes, charset: str | None = None) -> tuple[datetime, str] | None:
    """(date, source) an HTML article prints for itself: its metadata, else a dated label."""
    root = parse_html(body, charset)
    if root is None:
        return None
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in META_NAMES:
            when = parse_date(meta.get("content") or "")
            if when:
                return when, "article_meta"
    body_el = root.find("body")
    text = " ".join((body_el if body_el is not None else root).text_content().split())
    for label in PRINTED_LABEL.finditer(text[:20000]):
        when = parse_date(text[label.end() : label.end() + 30])
        if when and DATE.match(text[label.end() : label.end() + 30]):
            return when, "article_text"
    return None


def _html_list_dates(body: bytes, base: str, charset: str | None) -> dict[str, datetime]:
    root = parse_html(body, charset)
    if root is None:
        return {}
    out: dict[str, datetime] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        title = a.text_content() or ""
        node = a.getparent()
        while node is not None and node.tag not in _CONTAINERS:
            node = node.getparent()
        if node is None:
            continue
        text = node.text_content()
        if len(text) > 400 or len(node.findall(".//a")) > 1:
            continue  # a container of several entries says nothing about this one
        when = parse_date(text.replace(title, " ", 1))
        if when:
            out[canonical(urljoin(base, href))] = when
    return out


def _json_list_dates(doc, base: str) -> dict[str, datetime]:
    out: dict[str, datetime] = {}
    stack = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        stack.extend(v for v in node.values() if isinstance(v, dict | list))
        when = None
        for key, value in node.items():
            if not DATE_KEY.search(str(key)):
                continue
            if isinstance(value, str):
                when = parse_date(value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                when = _epoch(value)
            if when:
                break
        if when is None:
            continue
        for value in node.values():
            if isinstance(value, str) and (
                value.startswith(("/", "http://", "https://", "./", "../"))
                or value.lower().endswith((".html", ".htm", ".shtml", ".pdf", ".jsp"))
            ):
                out[canonical(urljoin(base, value))] = when
    return out


def list_dates(body: bytes, base: str, charset: str | None = None) -> dict[str, datetime]:
    """{absolute url: date printed beside it} of one list page (HTML list or JSON list API)."""
    head = body.lstrip()[:1]
    if head in (b"{", b"["):
        try:
            return _json_list_dates(json.loads(body.decode(charset or "utf-8", "replace")), base)
        except (json.JSONDecodeError, RecursionError, LookupError):
            return {}
    return _html_list_dates(body, base, charset)


def last_modified(header: str | None) -> datetime | None:
    if not header:
        return None
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def publication(
    article: tuple[datetime, str] | None, listed: datetime | None, modified_header: str | None
) -> dict:
    """``published_at`` (ISO 8601) and ``published_source`` of a document, best source first."""
    when: datetime | None
    if article is not None:
        when, source = article
    elif listed is not None:
        when, source = listed, "list_page"
    else:
        when, source = last_modified(modified_header), "last_modified"
    if when is None:
        return {"published_at": None, "published_source": None}
    return {"published_at": when.isoformat(), "published_source": source}
