"""HTML reader: the report's tables out of a full portal page, merged cells expanded.

Portal pages wrap the article in navigation, footers and layout tables, and Word-exported
articles bury each cell's text in ``<p class=MsoNormal><span>``. Only innermost tables can be
data tables (a layout table holds other tables); the template mapper decides which of them
belong to the report.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from pipeline.extract.decode import decode_bytes
from pipeline.extract.grid import Document, GridBuilder

TITLE_META = ("ArticleTitle", "title", "og:title")


def _span(tag, name: str) -> int:
    try:
        return max(1, min(int(str(tag.get(name, "1")).strip() or 1), 200))
    except ValueError:
        return 1


def _title(soup: BeautifulSoup) -> str | None:
    """The article title a CMS puts in ``<head>``; body headings are left to the text."""
    head = soup.head
    if head is not None:
        metas = {
            meta.get("name") or meta.get("property"): meta.get("content")
            for meta in head.find_all("meta")
        }
        for name in TITLE_META:
            content = metas.get(name)
            if isinstance(content, str) and content.strip():
                return content.strip()
    if soup.title and soup.title.get_text(strip=True):
        return soup.title.get_text(" ", strip=True)
    return None


def _innermost_tables(soup: BeautifulSoup) -> list:
    """Tables that hold no other table: a layout table's inner tables are read on their own."""
    tables = soup.find_all("table")
    outer = {id(parent) for table in tables if (parent := table.find_parent("table")) is not None}
    return [table for table in tables if id(table) not in outer]


def read_html(data: bytes | str) -> Document:
    """Parse a page (bytes are decoded by us, see :mod:`pipeline.extract.decode`)."""
    text = decode_bytes(data) if isinstance(data, bytes) else data
    soup = BeautifulSoup(text, "lxml")
    for junk in soup(["script", "style", "noscript", "template"]):
        junk.decompose()
    doc = Document(format="html", title=_title(soup))
    for table in _innermost_tables(soup):
        builder = GridBuilder(table=len(doc.grids))
        for tr in table.find_all("tr"):
            cells = [
                (td.get_text(), _span(td, "rowspan"), _span(td, "colspan"))
                for td in tr.find_all(("td", "th"), recursive=False)
            ]
            if cells:
                builder.add_row(cells)
        if builder.rows:
            doc.grids.append(builder.grid())
    body = soup.body or soup
    doc.text = body.get_text("\n")
    return doc
