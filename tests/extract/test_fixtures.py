"""One small document per reader/mapper case, each checked cell by cell or by status."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.decode import decode_bytes
from pipeline.extract import extract_bytes
from pipeline.samples.render import render_html, render_text
from pipeline.sniff import sniff
from tests.extract.contract_reports import cells, report

FIXTURES = Path(__file__).parent / "fixtures"


def extract_fixture(name: str) -> dict:
    path = FIXTURES / name
    return extract_bytes(path.read_bytes(), path=str(path))


def test_word_exported_page_with_broken_labels_and_noisy_cells():
    doc = extract_fixture("word_export_broken_labels.html")
    got = cells(doc)
    assert doc["status"] == "partial"
    assert doc["errors"][0] == "table 三 (收到和处理政府信息公开申请情况) not found"
    assert doc["report"] == {
        "agency": "某县",
        "year": 2022,
        "title": "某县2022年政府信息公开工作年度报告",
    }
    assert doc["templates"] == {"active_disclosure": "2021", "other_handling": None}
    assert got[("active_disclosure", "regulations", "repealed")] is None  # &nbsp; is blank, not 0
    assert got[("active_disclosure", "normative_documents", "issued")] == 22
    assert got[("active_disclosure", "normative_documents", "repealed")] is None
    assert got[("active_disclosure", "normative_documents", "in_force")] == 105
    assert got[("active_disclosure", "permits", "decisions")] == 7032
    assert got[("active_disclosure", "penalties", "decisions")] == 1245
    assert got[("active_disclosure", "coercion", "decisions")] is None
    assert got[("active_disclosure", "fees", "amount_wan_yuan")] == 333.3
    raw = {(e["item"], e["measure"]): e["raw"] for e in doc["active_disclosure"]}
    assert raw[("normative_documents", "issued")] == "22（其中修订16件）"
    assert got[("appeals", "reconsideration", "total")] == 3
    assert got[("appeals", "litigation_direct", "pending")] == 1
    assert doc["findings"] == []


def test_tables_inside_nested_layout_tables_2019_format():
    doc = extract_fixture("nested_layout.html")
    got = cells(doc)
    assert doc["report"]["year"] == 2020
    assert doc["report"]["agency"] == "某市某区人民政府"
    assert doc["templates"]["active_disclosure"] == "2019"
    assert got[("active_disclosure", "normative_documents", "total_published")] == 31
    assert got[("active_disclosure", "permits", "items_change")] == -18
    assert got[("active_disclosure", "other_services", "decisions")] == 40
    assert ("active_disclosure", "regulations", "issued") not in got  # 2019 has no 本年制发
    assert len([k for k in got if k[0] == "appeals"]) == 15
    assert doc["status"] == "partial"


def test_pre_2019_report_is_unsupported_with_the_reason():
    doc = extract_fixture("pre2019.html")
    assert doc["status"] == "unsupported"
    assert "pre-2019" in doc["errors"][0]
    assert doc["report"]["year"] == 2017


def test_page_that_is_not_an_annual_report_fails():
    doc = extract_fixture("not_a_report.html")
    assert doc["status"] == "failed"
    assert doc["errors"][0].startswith("not an annual report")


@pytest.mark.parametrize("quirk", ["gbk_no_charset", "gbk_wrong_charset"])
def test_gbk_page_without_or_with_a_lying_charset(quirk):
    facts = report(agency="化隆回族自治县人民政府", year=2022)
    data = render_html(facts, quirks=frozenset({quirk}))
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "化隆回族自治县" in decode_bytes(data)
    doc = extract_bytes(data)
    assert doc["report"]["agency"] == "化隆回族自治县人民政府"
    assert cells(doc) == cells(facts)


def test_gb2312_declared_page_with_gbk_only_characters():
    page = (
        '<html><head><meta charset="gb2312"><title>x</title></head><body>'
        "<p>朱镕基 堃 2023年政府信息公开工作年度报告</p></body></html>"
    )
    assert "镕" in decode_bytes(page.encode("gbk"))


def test_mixed_format_is_read_per_sub_table():
    facts = report(formats={"一": "2019", "五": "2021", "六": "2019", "八": "2021"})
    doc = extract_bytes(render_html(facts))
    assert cells(doc) == cells(facts)
    assert doc["templates"] == {"active_disclosure": "2019", "other_handling": "single"}
    assert doc["status"] == "ok"


def test_2019_format_with_procurement_in_yuan():
    facts = report(year=2019, formats=dict.fromkeys("一五六八", "2019"), procurement=True)
    for entry in facts["active_disclosure"]:
        if entry["item"] == "procurement" and entry["measure"] == "amount_wan_yuan":
            entry["raw"], entry["value"] = "251000元", 25.1
    doc = extract_bytes(render_html(facts, quirks=frozenset({"single_ad_table"})))
    assert cells(doc) == cells(facts)
    assert doc["templates"]["active_disclosure"] == "2019"


def test_split_other_handling_in_a_table_split_over_two_elements():
    facts = report(split_other=True)
    doc = extract_bytes(render_html(facts, quirks=frozenset({"split_table", "misaligned_header"})))
    assert cells(doc) == cells(facts)
    assert doc["templates"]["other_handling"] == "split"
    assert not {e["outcome"] for e in doc["applications"]} & {"other_handling"}


def test_page_missing_table_four_is_partial_and_names_it():
    facts = report(tables=("active_disclosure", "applications"))
    doc = extract_bytes(render_html(facts))
    assert doc["status"] == "partial"
    assert doc["errors"] == ["table 四 (政府信息公开行政复议、行政诉讼情况) not found"]
    assert cells(doc) == cells(facts)


def test_source_arithmetic_error_is_flagged_not_fixed():
    facts = report()
    for entry in facts["appeals"]:
        if entry["proceeding"] == "reconsideration" and entry["result"] == "total":
            entry["value"], entry["raw"] = 0, "0"
    doc = extract_bytes(render_html(facts))
    assert doc["status"] == "flagged"
    assert [(f["rule"], f["where"]) for f in doc["findings"]] == [
        ("appeal_sum", "appeals/reconsideration")
    ]
    assert cells(doc) == cells(facts)


def test_renumbered_tables_after_extra_narrative_sections():
    facts = report()
    doc = extract_bytes(render_html(facts, quirks=frozenset({"renumbered", "label_noise"})))
    assert cells(doc) == cells(facts)


def test_linearised_text_copy():
    facts = report(
        split_other=True, formats={"一": "2019", "五": "2021", "六": "2021", "八": "2021"}
    )
    text = render_text(facts)
    assert sniff(text.encode()) == "text"
    doc = extract_bytes(text.encode())
    assert doc["source"]["format"] == "text"
    assert cells(doc) == cells(facts)
    assert doc["report"]["year"] == 2021


def test_provenance_points_at_the_grid_cell():
    doc = extract_fixture("word_export_broken_labels.html")
    permits = next(e for e in doc["active_disclosure"] if e["item"] == "permits")
    assert (permits["table"], permits["row"], permits["col"]) == (0, 6, 1)


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01\x02garbage", b"%PDF-1.7 truncated", "随便".encode()]
)
def test_bad_input_never_raises(data):
    doc = extract_bytes(data)
    assert doc["status"] in ("failed", "unsupported")
    assert doc["errors"]


def test_linearised_text_without_blank_lines_between_cells():
    facts = report(formats=dict.fromkeys("一五六八", "2019"))
    text = render_text(facts).replace("\n\n", "\n")
    doc = extract_bytes(text.encode("gb18030"), fmt="text")
    assert cells(doc) == cells(facts)


def test_untitled_copy_takes_year_and_agency_from_the_text_and_file_name():
    facts = report(agency="乐都区人民政府", year=2021)
    text = render_text(facts).split("\n\n", 1)[1]  # the copy starts below the title
    doc = extract_bytes(text.encode("utf-8"), path="乐都区2021年政府信息公开工作年度报告.txt")
    assert doc["report"] == {"agency": "乐都区人民政府", "year": 2021, "title": None}


def test_a_crashing_reader_is_our_fault_a_bad_document_is_not(monkeypatch):
    import pipeline.extract as extract

    def crash(data):
        raise RuntimeError("bug")

    not_a_report = extract_fixture("not_a_report.html")
    assert not_a_report["status"] == "failed" and not_a_report["pipeline_fault"] is False
    assert extract_bytes(b"%PDF-1.7 truncated")["pipeline_fault"] is False
    monkeypatch.setitem(extract.READERS, "html", crash)
    crashed = extract_fixture("not_a_report.html")
    assert crashed["status"] == "failed" and crashed["pipeline_fault"] is True
    assert crashed["errors"] == ["html reader failed: RuntimeError: bug"]
