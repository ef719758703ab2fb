"""Changes after publication (marts.revisions) and copied text (marts.text_reuse)."""

from __future__ import annotations

import re

import pytest

from pipeline.warehouse import ReportSource, build_marts, load_report
from tests.warehouse.conftest import set_cell, variant


@pytest.fixture
def seed(truths):
    return next(d for p, d in truths if p.name.startswith("乐都区"))


def blank(document: dict, outcome: str, requester: str) -> None:
    for entry in document["applications"]:
        if (entry["outcome"], entry["requester"]) == (outcome, requester):
            entry["value"], entry["raw"] = None, ""


def test_revisions_list_the_changed_cells_with_both_dates(con, seed):
    first = variant(seed, "v1")
    second = variant(seed, "v2")
    set_cell(second, "applications", "granted", "total", 4)
    blank(second, "unavailable_not_held", "total")
    load_report(
        con,
        first,
        ReportSource(
            "630202", published_at="2022-01-20T10:00:00+08:00", published_source="list_page"
        ),
    )
    load_report(
        con,
        second,
        ReportSource(
            "630202", published_at="2022-03-01T10:00:00+08:00", published_source="list_page"
        ),
    )
    build_marts(con, 2021, 2021)
    rows = con.execute(
        "SELECT row_code, column_code, change, old_count, new_count, old_raw, new_raw, "
        "strftime(old_published_at AT TIME ZONE 'UTC', '%Y-%m-%d'), "
        "strftime(new_published_at AT TIME ZONE 'UTC', '%Y-%m-%d'), version_no "
        "FROM marts.revisions ORDER BY row_code"
    ).fetchall()
    granted = next(
        e for e in seed["applications"] if e["outcome"] == "granted" and e["requester"] == "total"
    )
    held = next(
        e
        for e in seed["applications"]
        if e["outcome"] == "unavailable_not_held" and e["requester"] == "total"
    )
    expected = [
        ("granted", "total", "changed", granted["value"], 4, granted["raw"], "4"),
        ("unavailable_not_held", "total", "blanked", held["value"], None, held["raw"], ""),
    ]
    if granted["value"] == 4:
        expected = expected[1:]
    assert [r[:7] for r in rows] == expected
    assert {r[7:] for r in rows} == {("2022-01-20", "2022-03-01", 2)}


def test_a_single_version_has_no_revisions(con, seed):
    load_report(con, seed, ReportSource("630202"))
    build_marts(con, 2021, 2021)
    assert con.execute("SELECT count(*) FROM marts.revisions").fetchone()[0] == 0


def containment(this: str, last: str) -> float:
    """The definition in marts.text_reuse's comment, written independently."""

    def grams(text: str) -> set[str]:
        text = re.sub(r"[0-9０-９\s]+", "", text)
        return {text[i : i + 5] for i in range(len(text) - 4)}

    own = grams(this)
    return len(own & grams(last)) / len(own)


def test_text_reuse_is_5_gram_containment_against_last_year(con, seed):
    last_year = (
        "一、总体情况\n2020年，我区认真贯彻落实《条例》，"
        "主动公开政府信息1234条，依申请公开办理规范。"
    )
    this_year = (
        "一、总体情况\n2021年，我区认真贯彻落实《条例》，主动公开政府信息5678条，依申请公开办理规范。"
        "五、存在的主要问题及改进情况\n新的一年将加强培训，完善制度。"
    )
    old = variant(seed, "2020", year=2020)
    old["text"] = last_year
    new = variant(seed, "2021")
    new["text"] = this_year
    load_report(con, old, ReportSource("630202"))
    load_report(con, new, ReportSource("630202"))
    build_marts(con, 2020, 2021)
    rows = dict(
        (year, (share, note))
        for year, share, note in con.execute(
            "SELECT year, reused_share, note FROM marts.text_reuse WHERE agency_kind = 'district'"
        ).fetchall()
    )
    assert rows[2020] == (None, "no report of the same agency for 2019")
    assert rows[2021][0] == pytest.approx(containment(this_year, last_year))
    assert 0.3 < rows[2021][0] < 1  # the changed figures do not count as new text
    stored = con.execute(
        "SELECT characters FROM core.report_text t JOIN core.dim_report r USING (report_id) "
        "WHERE r.year = 2021"
    ).fetchone()[0]
    assert stored == len(this_year)


def test_copied_report_reuses_everything(con, seed):
    text = "一、总体情况\n本年度我区政务公开工作稳步推进，公开渠道进一步拓宽，群众满意度持续提升。"
    old = variant(seed, "2020", year=2020)
    old["text"] = text.replace("本年度", "2020年度")
    new = variant(seed, "2021")
    new["text"] = text.replace("本年度", "2021年度")
    load_report(con, old, ReportSource("630202"))
    load_report(con, new, ReportSource("630202"))
    build_marts(con, 2020, 2021)
    share = con.execute("SELECT reused_share FROM marts.text_reuse WHERE year = 2021").fetchone()[0]
    assert share == 1.0
