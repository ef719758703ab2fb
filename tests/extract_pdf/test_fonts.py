"""pdfium reads the same text with the box font as with the system's fonts, and renders with
the system's fonts again (pipeline/extract/pdf_fonts.py)."""

from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from pipeline.extract.ocr import pdf_pages
from pipeline.extract.pdf import read_pdf
from pipeline.extract.pdf_fonts import box_font, reading_text, rendering
from pipeline.samples.render_pdf import render_pdf
from tests.extract.contract_reports import report
from tests.extract_pdf.test_generated_pdfs import ALL_2019, MIXED

PDFS = {
    "2021, ruled, split": render_pdf(report(), split_applications_at="unavailable_needs_creation"),
    "2019, no ruling": render_pdf(
        report(year=2019, formats=ALL_2019, procurement=True), ruled=False
    ),
    "fake bold": render_pdf(report(formats=MIXED), fake_bold=True),
    "narrative": render_pdf(report(), narrative_pages=2),
}


def page_texts(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        texts = []
        for index in range(len(pdf)):
            textpage = pdf[index].get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
        return texts
    finally:
        pdf.close()


def first_page_image(data: bytes) -> np.ndarray:
    pdf = pdfium.PdfDocument(data)
    try:
        return pdf[0].render(scale=1, grayscale=True).to_numpy().copy()
    finally:
        pdf.close()


@pytest.fixture(autouse=True)
def system_fonts_after():
    yield
    rendering()


@pytest.mark.parametrize("name", PDFS)
def test_text_is_the_same_with_the_box_font(name):
    """Every character, line break and space pdfium reads from a PDF whose font is not
    embedded (reportlab's STSong-Light) is the same with either font source."""
    rendering()
    with_system_fonts = page_texts(PDFS[name])
    reading_text()
    with_boxes = page_texts(PDFS[name])
    assert with_boxes == with_system_fonts
    assert "政府信息公开" in with_boxes[0]


def test_pages_are_rendered_with_the_system_fonts_after_reading_text():
    data = PDFS["2021, ruled, split"]
    rendering()
    system = first_page_image(data)
    reading_text()
    boxes = first_page_image(data)
    assert not np.array_equal(boxes, system), "the box font draws boxes, not the glyphs"
    read_pdf(data)  # reads text with the box font
    assert np.array_equal(next(pdf_pages(data, dpi=72)), system)


def test_the_box_font_covers_report_text_with_two_widths():
    font = TTFont(io.BytesIO(box_font()))
    cmap = font.getBestCmap()
    assert cmap[ord("政")] == cmap[ord("（")] == cmap[ord("①")] == "full"
    assert cmap[ord("8")] == cmap[ord("a")] == "half"
    assert font["hmtx"]["full"][0] == 2 * font["hmtx"]["half"][0]
