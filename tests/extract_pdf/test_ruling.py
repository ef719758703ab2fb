"""Ruling lines counted in the raw content streams: which pages the triage reads text of."""

from __future__ import annotations

import base64
import io
import random

import pdfplumber
from reportlab.pdfgen import canvas

from pipeline.extract.pdf import triage_pdf
from pipeline.extract.pdf_ruling import _ascii85, ruled_pages
from pipeline.samples.render_pdf import render_pdf
from tests.extract.contract_reports import report


def _ruled(data: bytes) -> list[int] | None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return ruled_pages(pdf.pages)


def test_only_the_table_pages_draw_ruling_lines():
    data = render_pdf(report(split_other=True), narrative_pages=12)
    triage = triage_pdf(data)
    assert triage.table_pages and _ruled(data) == triage.table_pages


def test_a_long_report_reads_the_text_of_page_one_and_the_table_pages_only():
    facts = report(split_other=True)
    data = render_pdf(facts, narrative_pages=40, split_applications_at="withheld_third_party")
    triage = triage_pdf(data)
    assert triage.table_pages[0] > 20
    assert [i for i, text in enumerate(triage.pages) if text] == [0, *triage.table_pages]


def test_ascii85_matches_the_standard_library():
    rng = random.Random(7)
    for size in (0, 1, 4, 5, 7, 64, 1001):
        raw = bytes(rng.randrange(256) for _ in range(size)) + b"\0" * (size % 9)
        encoded = base64.a85encode(raw, wrapcol=20, adobe=True)  # z groups, <~ ~>, newlines
        assert _ascii85(encoded) == raw


def test_streams_it_cannot_read_count_as_ruled():
    """An encrypted PDF's streams are ciphertext here: every page may be ruled, so no answer
    (the triage then reads text as it always did)."""
    assert _ruled(render_pdf(report(), narrative_pages=3, password=("", "owner-secret"))) is None


def test_a_page_drawing_a_form_xobject_counts_as_ruled():
    """A table drawn inside a form XObject: the page's own stream only says ``Do``."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    pdf.beginForm("table")
    pdf.rect(50, 500, 500, 200)
    pdf.endForm()
    pdf.drawString(60, 760, "prose")
    pdf.showPage()
    pdf.doForm("table")
    pdf.showPage()
    pdf.save()
    assert _ruled(out.getvalue()) == [1]
