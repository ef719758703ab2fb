"""PDF triage: only pages that print the tables go to pdfplumber, not prose quoting labels."""

from __future__ import annotations

import io

import pdfplumber
import pypdfium2 as pdfium
from reportlab.pdfgen import canvas

from pipeline.extract import extract_bytes
from pipeline.extract.pdf import read_pdf, triage_pdf
from pipeline.extract.pdf_ruling import ruled_pages
from pipeline.samples.render_pdf import FONT, render_pdf
from tests.extract.contract_reports import report

# Section 一 of a real report summing up its appeals in prose, in lines as wide as the page.
PROSE = [
    "一、总体情况",
    "本年度共收到行政复议申请3件，其中结果维持2件，结果纠正1件，",
    "尚未审结0件；行政诉讼未经复议直接起诉1件，复议后起诉0件。",
    "全年本机关不掌握相关政府信息的申请已依法告知申请人，属于国家秘密的",
    "信息均依法不予公开，结转下年度继续办理的申请将在法定期限内答复完毕",
    "并按照第二十条第（一）项的要求及时公开规章和行政规范性文件的制发情况",
]


def _pages(*pages: list[str], boxed: bool = False) -> bytes:
    """A PDF of the given lines, one list per page (``boxed``: each line in a ruled box)."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for lines in pages:
        for i in range(len(lines) if boxed else 0):
            pdf.rect(50, 754 - 24 * i, 500, 24)
        pdf.setFont(FONT, 14)
        for i, line in enumerate(lines):
            pdf.drawString(60, 760 - 24 * i, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _with_prose_after_first_page(data: bytes, *, boxed: bool = False) -> bytes:
    base, prose = pdfium.PdfDocument(data), pdfium.PdfDocument(_pages(PROSE, boxed=boxed))
    merged = pdfium.PdfDocument.new()
    merged.import_pages(base, [0])
    merged.import_pages(prose, [0])
    merged.import_pages(base, list(range(1, len(base))))
    out = io.BytesIO()
    merged.save(out)
    return out.getvalue()


def _table_pages(data: bytes) -> list[int]:
    doc = read_pdf(data)
    return sorted({cell.page - 1 for grid in doc.grids for row in grid for cell in row})


def test_a_prose_page_quoting_table_labels_is_not_a_table_page():
    """Section 一 sums the appeals up in prose before the tables: the tables are still found,
    and only their pages are parsed."""
    data = _with_prose_after_first_page(render_pdf(report(), narrative_pages=2))
    pages = _table_pages(data)
    assert pages and 1 not in pages
    assert triage_pdf(data).table_pages == pages
    assert extract_bytes(data, path="prose.pdf")["status"] == "ok"


def test_a_ruled_prose_page_quoting_table_labels_is_not_a_table_page():
    """Prose in a ruled box draws lines like a table: its text still decides."""
    data = _with_prose_after_first_page(render_pdf(report(), narrative_pages=2), boxed=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert 1 in (ruled_pages(pdf.pages) or [])
    pages = _table_pages(data)
    assert pages and 1 not in pages
    assert triage_pdf(data).table_pages == pages


TABLE_END = ["四、结转下年度继续办理 0 0 0 0 0 0 0", "未经复议直接起诉 复议后起诉"]


def test_the_page_after_the_tables_is_read_only_when_a_table_goes_on():
    prose_after = _pages(["报告正文", *PROSE], TABLE_END, ["- 3 -", *PROSE[1:]])
    assert triage_pdf(prose_after).table_pages == [1]
    rows_after = _pages(["报告正文", *PROSE], TABLE_END, ["- 3 -", "0 0 0 0 0 0 0 0 0 0", *PROSE])
    assert triage_pdf(rows_after).table_pages == [1, 2]
