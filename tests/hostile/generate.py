"""Hostile documents, generated in memory: small enough for CI, nothing large committed.

Each generator returns the bytes of one attack seen in the field or in the issue that led to
this module (``hostile_files()`` lists them by name for the tests and ``bench/bench_hostile.py``).
Run ``python -m tests.hostile.generate DIR`` to write them to a directory.
"""

from __future__ import annotations

import io
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from pipeline.samples.render import render_html, render_text
from tests.extract.contract_reports import report
from tests.extract_pdf.fixtures import pdf_from_objects

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TITLE = "乐都区2021年政府信息公开工作年度报告"


# -- HTML and text -------------------------------------------------------------------------
def html_span_bomb(kilobytes: int = 411, span: int = 100_000) -> bytes:
    """Cells with colspan/rowspan of 100000: a 411 KB page once took 53 s and 4 GB."""
    row = "<tr>" + f'<td colspan="{span}" rowspan="{span}">1</td>' * 20 + "</tr>"
    rows = row * (kilobytes * 1024 // len(row))
    return f"<html><body><h1>{TITLE}</h1><table>{rows}</table></body></html>".encode()


def html_table_flood(kilobytes: int = 411) -> bytes:
    """Thousands of tables, each just under the per-table cell limit."""
    table = '<table><tr><td colspan="150" rowspan="130">1</td></tr></table>'
    return f"<html><body>{table * (kilobytes * 1024 // len(table))}</body></html>".encode()


def html_deep_nesting(depth: int = 100_000) -> bytes:
    """Tables nested 100000 deep (the reader looks for innermost tables)."""
    return ("<html><body>" + "<table><tr><td>" * depth + "x").encode()


def text_line_flood(megabytes: int = 4) -> bytes:
    """Millions of one-character lines: one cell each."""
    return b"1\n" * (megabytes * 1024 * 1024 // 2)


def report_html() -> bytes:
    """A real report page (UTF-8, declared): every decoding case below spoils one of these."""
    return render_html(report())


def html_bad_byte() -> bytes:
    """A real report page declared UTF-8 with one invalid byte in a paragraph."""
    page = report_html()
    at = page.index(b"</p>")
    return page[:at] + b"\xff" + page[at:]


def html_nul_bytes() -> bytes:
    """A real report page with NUL bytes scattered between tags."""
    return report_html().replace(b"</tr>", b"</tr>\x00\x00")


def html_utf16_no_bom() -> bytes:
    return report_html().decode().encode("utf-16-le")


def html_utf32_no_bom() -> bytes:
    return report_html().decode().encode("utf-32-be")


def text_bad_byte() -> bytes:
    text = render_text(report()).encode("gb18030")
    return text[:200] + b"\x80" + text[200:]


# -- PDF -----------------------------------------------------------------------------------
def pdf_reference_loop() -> bytes:
    """A page's MediaBox is object 4, which is only ``5 0 R``, which is only ``4 0 R``."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox 4 0 R >>",
            b"5 0 R",
            b"4 0 R",
        ]
    )


def pdf_kids_loop() -> bytes:
    """The page tree's Kids point back at its root."""
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>",
        ]
    )


def pdf_bomb(decompressed_mb: int = 2048) -> bytes:
    """About 2 MB whose page content inflates to 2 GB of blanks."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(packer.compress(chunk) for _ in range(decompressed_mb)) + packer.flush()
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        ]
    )


# -- Word ----------------------------------------------------------------------------------
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def _docx(body: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS)
        document = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>'.encode()
        package.writestr("word/document.xml", document + body + b"</w:body></w:document>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


def docx_huge_gridspan(span: int = 2_000_000_000) -> bytes:
    """A table cell with ``w:gridSpan`` of two billion."""
    cell = (
        f'<w:tc><w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>'
        "<w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>"
    )
    para = f"<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p>"
    return _docx((para + f"<w:tbl><w:tr>{cell * 3}</w:tr></w:tbl>").encode())


def docx_zip_bomb(megabytes: int = 1024) -> bytes:
    """A .docx whose document.xml declares (and inflates to) a gigabyte of whitespace."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", RELS)
        with package.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<?xml version="1.0"?><w:document {W}><w:body>'.encode())
            chunk = b" " * (1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</w:body></w:document>")
    return out.getvalue()


def hostile_files() -> dict[str, Callable[[], bytes]]:
    """Every hostile document by name (each generated on call)."""
    return {
        "html_span_bomb.html": html_span_bomb,
        "html_table_flood.html": html_table_flood,
        "html_deep_nesting.html": html_deep_nesting,
        "text_line_flood.txt": text_line_flood,
        "html_bad_byte.html": html_bad_byte,
        "html_nul_bytes.html": html_nul_bytes,
        "html_utf16_no_bom.html": html_utf16_no_bom,
        "html_utf32_no_bom.html": html_utf32_no_bom,
        "text_bad_byte.txt": text_bad_byte,
        "pdf_reference_loop.pdf": pdf_reference_loop,
        "pdf_kids_loop.pdf": pdf_kids_loop,
        "pdf_bomb.pdf": pdf_bomb,
        "docx_huge_gridspan.docx": docx_huge_gridspan,
        "docx_zip_bomb.docx": docx_zip_bomb,
    }


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    target.mkdir(parents=True, exist_ok=True)
    for name, make in hostile_files().items():
        (target / name).write_bytes(make())
        print(target / name)
