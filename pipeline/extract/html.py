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
    for name in TITLE_META:
        meta = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if meta and meta.get("content", "").strip():
            return meta["content"].strip()
    for tag in ("h1", "h2", "title"):
        found = soup.find(tag)
        if found and found.get_text(strip=True):
            return found.get_text(" ", strip=True)
    return None


def read_html(data: bytes | str) -> Document:
    """Parse a page (bytes are decoded by us, see :mod:`pipeline.extract.decode`)."""
    text = decode_bytes(data) if isinstance(data, bytes) else data
    soup = BeautifulSoup(text, "lxml")
    for junk in soup(["script", "style", "noscript", "template"]):
        junk.decompose()
    doc = Document(format="html", title=_title(soup))
    for table in soup.find_all("table"):
        if table.find("table") is not None:
            continue  # a layout table: its inner tables are read on their own
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
