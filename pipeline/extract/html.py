"""HTML reader: the report's tables out of a full portal page, merged cells expanded.

Portal pages wrap the article in navigation, footers and layout tables, and Word-exported
articles bury each cell's text in ``<p class=MsoNormal><span>``. Only innermost tables can be
data tables (a layout table holds other tables); the template mapper decides which of them
belong to the report.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from pipeline.decode import Decoded, decode
from pipeline.extract.grid import MAX_SPAN, CellBudget, GridBuilder, GridLimit, Reading

TITLE_META = ("ArticleTitle", "title", "og:title")
# BeautifulSoup spends about 1 KB and 10-30 µs per element, whatever their nesting: the number
# of tags bounds the parse. Real report pages have a few thousand (pingtan-2021: 4,300).
MAX_TAGS = 100_000


def _span(tag, name: str) -> int:
    try:
        return max(1, min(int(str(tag.get(name, "1")).strip() or 1), MAX_SPAN))
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


def read_html(data: bytes | str) -> Reading:
    """Parse a page (bytes are decoded by us, see :mod:`pipeline.decode`).

    Merged cells are expanded under a :class:`CellBudget`: a table that would expand past the
    per-table limit is skipped with a note, and reading stops at the per-document limit.
    """
    decoded: Decoded | None = None
    if isinstance(data, bytes):
        decoded = decode(data)
        data = decoded.text
    markup = data
    tags = markup.count("<")
    if tags > MAX_TAGS:
        return Reading(
            format="html",
            verdict=("failed", f"HTML page with {tags} tags, more than the {MAX_TAGS} limit"),
            errors=decoded.errors if decoded else [],
        )
    soup = BeautifulSoup(markup, "lxml")
    for junk in soup(["script", "style", "noscript", "template"]):
        junk.decompose()
    doc = Reading(format="html", title=_title(soup))
    if decoded:
        doc.errors.extend(decoded.errors)
    budget = CellBudget()
    for number, table in enumerate(_innermost_tables(soup), 1):
        builder = GridBuilder(table=len(doc.grids), budget=budget)
        try:
            for tr in table.find_all("tr"):
                cells = [
                    (td.get_text(), _span(td, "rowspan"), _span(td, "colspan"))
                    for td in tr.find_all(("td", "th"), recursive=False)
                ]
                if cells:
                    builder.add_row(cells)
        except GridLimit as exc:
            if exc.document:
                doc.errors.append(f"tables from table {number} on not read: {exc}")
                break
            doc.errors.append(f"table {number} skipped: {exc}")
            continue
        if builder.rows:
            doc.grids.append(builder.grid())
    body = soup.body or soup
    doc.text = body.get_text("\n")
    return doc
