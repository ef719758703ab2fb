"""Hostile documents end `unsupported` or `failed` with a reason naming the limit, fast and
within memory, and never cost a real report: the generators are in tests/hostile/generate.py."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from pdfminer.pdftypes import PDFObjRef

from pipeline.decode import decode
from pipeline.extract import MAX_MARKUP_BYTES, extract_bytes, pdf_tables
from pipeline.extract.faults import DocumentLimit
from pipeline.extract.grid import CellBudget, GridBuilder, GridLimit
from pipeline.extract.isolation import Limits, run_isolated
from pipeline.extract.pdf import read_pdf
from pipeline.samples.render_pdf import render_pdf
from pipeline.sniff import sniff
from tests.extract.contract_reports import cells, report
from tests.hostile import generate

READ_PDF = "pipeline.extract.pdf:read_pdf"


@pytest.mark.parametrize(
    "name, reason",
    [
        ("html_span_bomb", "limit per table"),
        ("html_table_flood", "limit per document"),
        ("html_deep_nesting", "100000 limit"),
        ("text_line_flood", "limit per document"),
    ],
)
def test_markup_bombs_end_with_the_limit_named(name, reason):
    result = extract_bytes(getattr(generate, name)(), path=name)
    assert result["status"] in ("unsupported", "failed")
    assert any(reason in error for error in result["errors"]), result["errors"]
    assert result["pipeline_fault"] is False


def test_markup_over_the_size_limit_is_refused_before_parsing():
    data = b"<html><body>" + b"x" * MAX_MARKUP_BYTES + b"</body></html>"
    result = extract_bytes(data, path="big.html")
    assert result["status"] == "failed"
    assert "limit for HTML and text documents" in result["errors"][0]
    assert result["pipeline_fault"] is False


def test_the_cell_budget_is_spent_before_cells_are_made():
    budget = CellBudget(per_table=100, per_document=150)
    builder = GridBuilder(0, budget=budget)
    builder.add_row([("a", 5, 10)] * 2)  # 100 slots: exactly the table's limit
    with pytest.raises(GridLimit) as exc:
        builder.add_row([("b", 1, 1)])
    assert not exc.value.document
    with pytest.raises(GridLimit) as exc:
        GridBuilder(1, budget=budget).add_row([("c", 10, 10)])
    assert exc.value.document  # 100 + 100 > 150: the document's budget is gone
    assert sum(len(row) for row in builder.rows) == 20  # pending rowspan copies are not rows


@pytest.mark.parametrize(
    "name, note",
    [
        ("html_bad_byte", "1 undecodable byte sequence replaced"),
        ("html_nul_bytes", "NUL bytes removed"),
        ("html_utf16_no_bom", None),
        ("html_utf32_no_bom", None),
        ("text_bad_byte", "1 undecodable byte sequence replaced"),
    ],
)
def test_a_bad_byte_does_not_lose_a_real_report(name, note):
    data = getattr(generate, name)()
    assert sniff(data) in ("html", "text")
    result = extract_bytes(data, path=name)
    assert result["status"] == "ok", result["errors"]
    assert cells(result) == cells(report())
    if note:
        assert any(note in error for error in result["errors"]), result["errors"]
    else:
        assert result["errors"] == []


def test_decoding_prefers_the_charset_with_fewest_replacements():
    page = '<meta charset="gb2312"><p>乐都区2021年政府信息公开工作年度报告，本年新收申请</p>' * 40
    data = page.encode("utf-8")  # lies about its charset and has a bad byte
    at = data.index(b"</p>", 500)
    data = data[:at] + b"\xfe" + data[at:]
    decoded = decode(data)
    assert decoded.encoding == "utf-8" and decoded.replaced == 1
    assert decoded.text.count("乐都区") >= 39


def test_decoding_reports_nothing_for_clean_pages():
    decoded = decode("报告".encode("gbk"))
    assert (decoded.encoding, decoded.errors) == ("gb18030", [])


def test_binary_is_not_taken_for_text():
    assert sniff(bytes(range(256)) * 16) == "unknown"
    assert sniff(b"\x00" * 4096) == "unknown"


@pytest.mark.parametrize("name", ["pdf_reference_loop", "pdf_kids_loop"])
def test_pdf_structure_loops_end_without_the_timeout(name):
    doc = run_isolated(READ_PDF, getattr(generate, name)(), limits=Limits(timeout=30))
    assert doc.verdict is not None
    assert "timed out" not in doc.verdict[1]
    assert doc.fault is False


def test_a_reference_loop_names_the_limit():
    """The loop is caught where pdfminer follows references (importing the reader installs it)."""

    class Doc:
        def getobj(self, objid):
            return PDFObjRef(self, 2 if objid == 1 else 1)

    with pytest.raises(DocumentLimit, match="reference loop between objects 1 → 2 → 1"):
        PDFObjRef(Doc(), 1).resolve()


def test_docx_with_a_two_billion_gridspan_is_bounded():
    result = extract_bytes(generate.docx_huge_gridspan(), path="span.docx")
    assert result["status"] in ("unsupported", "failed")
    assert result["pipeline_fault"] is False
    assert "died" not in " ".join(result["errors"])


def test_docx_zip_bomb_is_refused_from_its_directory():
    result = extract_bytes(generate.docx_zip_bomb(), path="bomb.docx")
    assert result["status"] == "failed"
    assert result["errors"][0].startswith("zip bomb:") and "MB limit" in result["errors"][0]
    assert result["pipeline_fault"] is False


def test_a_crash_of_our_own_code_stays_ours(monkeypatch):
    monkeypatch.setattr(pdf_tables, "has_fake_bold", None)  # our code now calls None
    with pytest.raises(TypeError, match="not callable"):
        read_pdf(render_pdf(report()))  # not turned into "corrupt PDF", the document's fault


@hyp_settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([None, "utf-8", "gb2312", "latin-1", "x-bogus"]))
def test_any_bytes_decode_sniff_and_extract_without_raising(data, declared):
    decoded = decode(data, declared)
    assert isinstance(decoded.text, str) and "\x00" not in decoded.text
    assert sniff(data) in ("pdf", "html", "docx", "doc", "wps", "image", "text", "unknown")
    for fmt in ("html", "text"):
        result = extract_bytes(data, fmt=fmt)
        assert result["status"] in ("ok", "flagged", "partial", "unsupported", "failed")
        json.dumps(result, allow_nan=False)
