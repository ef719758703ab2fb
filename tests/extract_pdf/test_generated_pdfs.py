"""Report PDFs rendered with reportlab (STSong-Light) read back to the facts they print."""

from __future__ import annotations

import io

import pdfplumber
import pytest

from pipeline.extract import extract_bytes
from pipeline.extract.pdf import read_pdf, triage_pdf
from pipeline.extract.pdf_tables import has_fake_bold
from pipeline.samples.render_pdf import render_pdf
from tests.extract.contract_reports import cells, report

ALL_2019 = dict.fromkeys("一五六八", "2019")
MIXED = {"一": "2019", "五": "2021", "六": "2021", "八": "2021"}

CASES = {
    "2021 single": (report(), {}),
    "2021 split 其他处理": (report(split_other=True), {}),
    "2019 with procurement": (report(year=2019, formats=ALL_2019, procurement=True), {}),
    "mixed 2019/2021": (report(formats=MIXED), {}),
    "table 三 split inside a group": (
        report(),
        {"split_applications_at": "unavailable_needs_creation"},
    ),
    "split with the group label cut": (
        report(split_other=True),
        {"split_applications_at": "rejected_duplicate", "cut_labels": True},
    ),
    "no ruling lines": (report(split_other=True), {"ruled": False}),
    "no ruling lines, 2019, split": (
        report(year=2019, formats=ALL_2019, procurement=True),
        {"ruled": False, "split_applications_at": "withheld_third_party"},
    ),
    "fake bold": (report(formats=MIXED), {"fake_bold": True}),
    "owner password only": (report(), {"password": ("", "owner-secret")}),
    "long narrative": (report(), {"narrative_pages": 6}),
}


@pytest.mark.parametrize("name", CASES)
def test_reads_back_what_it_printed(name):
    facts, options = CASES[name]
    result = extract_bytes(render_pdf(facts, **options), path="report.pdf")
    assert result["status"] == "ok", result["errors"]
    assert result["errors"] == []
    assert cells(result) == cells(facts)
    assert result["templates"] == facts["templates"]
    assert result["report"]["year"] == facts["report"]["year"]
    assert result["report"]["agency"] == facts["report"]["agency"]


def test_split_table_cites_both_pages():
    facts = report()
    doc = read_pdf(render_pdf(facts, split_applications_at="unavailable_needs_creation"))
    applications = [g for g in doc.grids if any("本年新收" in c.text for row in g for c in row)]
    assert len(applications) == 1, "the two parts of table 三 are stitched into one grid"
    pages = {c.page for row in applications[0] for c in row}
    assert len(pages) == 2
    # the group cell （四）无法提供 continues onto the second page as the same printed cell
    group = {c.source for row in applications[0] for c in row if c.text == "（四）无法提供"}
    assert len(group) == 1


def test_only_the_table_pages_are_parsed():
    """Triage stops at the section after the tables; pdfplumber sees only the table pages."""
    data = render_pdf(report(), narrative_pages=10)
    triage = triage_pdf(data)
    assert 8 <= len(triage.pages) < 14
    assert "三、收到和处理政府信息公开申请情况" in triage.text
    assert 1 <= len(triage.table_pages) <= 3
    assert triage.table_pages[-1] == len(triage.pages) - 1


def test_fake_bold_is_detected_only_where_present():
    for bold in (False, True):
        with pdfplumber.open(io.BytesIO(render_pdf(report(), fake_bold=bold))) as pdf:
            assert has_fake_bold(pdf.pages[0].chars) is bold


def test_sample_note_is_printed():
    facts = report()
    facts["sample"] = True
    doc = read_pdf(render_pdf(facts))
    assert "示例数据（合成）" in doc.text
    assert doc.title == facts["report"]["title"]


def test_long_report_samples_the_narrative_before_the_tables():
    facts = report(split_other=True)
    data = render_pdf(facts, narrative_pages=40, split_applications_at="withheld_third_party")
    triage = triage_pdf(data)
    read = sum(1 for text in triage.pages if text)
    assert triage.table_pages[0] > 20
    assert read < triage.table_pages[0], "pages before the tables are sampled, not all read"
    result = extract_bytes(data, path="long.pdf")
    assert result["status"] == "ok", result["errors"]
    assert cells(result) == cells(facts)
    assert result["report"]["year"] == facts["report"]["year"]
    # the narrative kept for the warehouse reads every page, also those the triage skipped,
    # and leaves the tables (sections 二 to 四) out
    skipped = [i for i, text in enumerate(triage.pages) if not text]
    assert skipped
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        words = (pdf.pages[skipped[0]].extract_text() or "").split()
    assert max(words, key=len)[:12] in result["text"].replace("\n", "")
    assert "三、收到和处理政府信息公开申请情况" not in result["text"]
    assert "五、" in result["text"] or "存在的主要问题" in result["text"]


@pytest.mark.parametrize("narrative_pages", [30, 31])
def test_a_one_page_table_in_a_long_report_is_not_missed(narrative_pages):
    """Whichever page parity the single table page lands on, sampling or its fallback finds it."""
    facts = report(tables=("appeals",))
    result = extract_bytes(render_pdf(facts, narrative_pages=narrative_pages), path="one.pdf")
    assert result["status"] == "partial"
    assert cells(result) == cells(facts)
