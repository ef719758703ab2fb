"""Converted text: tables printed as Markdown pipe tables, tab-separated or space-aligned rows,
under generic header rows, extract exactly; a 第二十条第（一）项 without the header that names its
columns is read in the format the rows, then the year, say."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.extract import extract_bytes
from pipeline.extract.text import table_row
from tests.conftest import SCORE, require_shared, truth_files
from tests.extract.contract_reports import cells, report
from tests.extract.text_tables import render_text_tables

STYLES = {
    "markdown-generic-header": {"style": "pipe"},
    "markdown-one-table-two": {"style": "pipe", "one_table_two": True},
    "markdown-no-header": {"style": "pipe", "header": None},
    "tab-separated": {"style": "tab"},
    "space-aligned": {"style": "aligned", "header": None},
}


def test_the_truths_are_there():
    require_shared()
    assert truth_files()


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("truth", truth_files(), ids=lambda p: p.name.split(".")[0])
def test_text_copy_extracts_exactly(truth, style, tmp_path):
    require_shared()
    text = render_text_tables(json.loads(truth.read_text("utf-8")), **STYLES[style])
    assert "数据1" in text or STYLES[style].get("header", "generic") is None
    out = tmp_path / "out.json"
    got = extract_bytes(text.encode("utf-8"), path="converted.md")
    assert got["source"]["format"] == "text"
    out.write_text(json.dumps(got, ensure_ascii=False), "utf-8")
    score = subprocess.run(
        [sys.executable, str(SCORE), str(out), str(truth)], capture_output=True, text=True
    )
    assert score.returncode == 0, score.stdout


def test_row_kinds():
    assert table_row("| 规章 | 0 | | 3 |") == (["规章", "0", "", "3"], False)
    assert table_row("|---|:---:|---|") == ([], False)
    assert table_row("\t（三）不予公开\t1.属于国家秘密\t0\t") == (
        ["", "（三）不予公开", "1.属于国家秘密", "0", ""],
        False,
    )
    assert table_row("规章      0    0    0") == (["规章", "0", "0", "0"], True)
    assert table_row("2021年，本机关认真贯彻落实条例。") is None


def _headerless(doc: dict) -> dict:
    return extract_bytes(
        render_text_tables(doc, measure_headers=False).encode("utf-8"), path="converted.md"
    )


def _format_note(got: dict) -> str:
    notes = [e for e in got["errors"] if "第二十条第（一）项 has no header" in e]
    assert len(notes) == 1, got["errors"]
    return notes[0]


@pytest.mark.parametrize(
    ("formats", "year", "procurement", "want", "because"),
    [
        (dict.fromkeys("一五六八", "2019"), 2021, True, "2019", "其他对外管理服务事项"),
        (dict.fromkeys("一五六八", "2021"), 2019, False, "2021", "行政事业性收费 amount"),
        ({"一": "2019", "五": "2021", "六": "2021", "八": "2019"}, 2022, False, "2019", "counts"),
    ],
)
def test_headerless_clause_one_format_from_the_rows(formats, year, procurement, want, because):
    doc = report(year=year, formats=formats, procurement=procurement)
    got = _headerless(doc)
    assert got["templates"]["active_disclosure"] == want
    assert cells(got) == cells(doc)
    note = _format_note(got)
    assert f"read as the {want} format" in note and because in note


@pytest.mark.parametrize(("year", "want"), [(2020, "2019"), (2021, "2021"), (2023, "2021")])
def test_headerless_clause_one_format_from_the_year(year, want):
    doc = report(year=year, formats=dict.fromkeys("一五六八", want))
    doc["active_disclosure"] = [
        e for e in doc["active_disclosure"] if e["item"] in ("regulations", "normative_documents")
    ]
    got = _headerless(doc)
    assert got["templates"]["active_disclosure"] == want
    assert cells(got) == cells(doc)
    assert f"the report covers {year}" in _format_note(got)


def test_a_headed_clause_one_needs_no_guess():
    doc = report(year=2023, formats=dict.fromkeys("一五六八", "2019"))
    got = extract_bytes(render_text_tables(doc).encode("utf-8"), path="converted.md")
    assert got["templates"]["active_disclosure"] == "2019"
    assert cells(got) == cells(doc)
    assert not any("第二十条第（一）项" in e for e in got["errors"])
