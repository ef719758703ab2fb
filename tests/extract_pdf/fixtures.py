"""Test documents made on the fly: report PDFs (reportlab) and DOCX files (python-docx)."""

from __future__ import annotations

import io
import zlib

from docx import Document as new_docx
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from pipeline.samples.render_pdf import FONT, place_cells, report_tables


def report_docx(report: dict) -> bytes:
    """The report as a Word document: title, narrative, the tables with real merged cells."""
    doc = new_docx()
    meta = report["report"]
    doc.add_paragraph(meta["title"])
    doc.add_paragraph(
        f"报告中所列数据统计期限自{meta['year']}年1月1日起至{meta['year']}年12月31日止。"
    )
    doc.add_paragraph("一、总体情况")
    doc.add_paragraph("本机关坚持以公开为常态、不公开为例外，持续推进政务公开工作。")
    for heading, tables in report_tables(report):
        doc.add_paragraph(heading)
        for rows in tables:
            _add_table(doc, rows)
    doc.add_paragraph("五、存在的主要问题及改进情况")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _add_table(doc, rows: list[list[tuple[str, int, int]]]) -> None:
    placed = place_cells(rows)
    ncols = max(
        placed[(r, i)] + span for r, row in enumerate(rows) for i, (_t, _rs, span) in enumerate(row)
    )
    table = doc.add_table(rows=len(rows), cols=ncols)
    for r, row in enumerate(rows):
        for i, (text, rowspan, colspan) in enumerate(row):
            c = placed[(r, i)]
            cell = table.cell(r, c)
            if rowspan > 1 or colspan > 1:
                cell = cell.merge(table.cell(r + rowspan - 1, c + colspan - 1))
            cell.text = text


def scanned_pdf() -> bytes:
    """Two pages that are only pictures of text: what a scanner produces."""
    from PIL import Image, ImageDraw

    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for _ in range(2):
        image = Image.new("L", (600, 800), 255)
        draw = ImageDraw.Draw(image)
        for y in range(40, 760, 24):
            draw.rectangle((40, y, 560, y + 10), fill=0)
        pdf.drawImage(ImageReader(image), 40, 40, 500, 760)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def notice_pdf() -> bytes:
    """A readable Chinese PDF that is not an annual report."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.setFont(FONT, 14)
    pdf.drawString(72, 760, "关于开展春季植树活动的通知")
    pdf.setFont(FONT, 11)
    for i, line in enumerate(
        [
            "各单位：",
            "为改善城区生态环境，定于三月十二日组织义务植树活动。",
            "请各单位于三月五日前报送参加人员名单。",
            "特此通知。",
        ]
    ):
        pdf.drawString(72, 720 - 20 * i, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def pdf_from_objects(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def bomb_pdf(decompressed_mb: int = 2048) -> bytes:
    """A 2 MB PDF whose page content inflates to ``decompressed_mb`` MB of blanks."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(packer.compress(chunk) for _ in range(decompressed_mb)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    return pdf_from_objects(objects)
