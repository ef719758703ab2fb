"""Timeliness: days after the 31 March deadline, from the first version's printed date only."""

from __future__ import annotations

import pytest

from pipeline.warehouse import ReportSource, build_marts, load_report
from tests.warehouse.conftest import set_cell, variant
from tests.warehouse.test_marts import district_year


@pytest.fixture
def seed(con, truths):
    return next(d for p, d in truths if p.name.startswith("乐都区"))


def load(con, document, code, published_at, source, tag):
    load_report(
        con,
        variant(document, tag),
        ReportSource(code, published_at=published_at, published_source=source),
    )


def test_days_after_deadline_from_a_printed_date(con, seed):
    load(con, seed, "630202", "2022-03-30T10:00:00+08:00", "list_page", "a")
    # 1 April 00:30 in Beijing is still 31 March in UTC: the printed (Beijing) date counts
    load(con, seed, "630203", "2022-03-31T16:30:00+00:00", "article_meta", "b")
    build_marts(con, 2021, 2021)
    ledu = district_year(con, "630202", 2021)
    assert ledu["publication_deadline"].isoformat() == "2022-03-31"
    assert ledu["days_after_deadline"] == -1 and ledu["days_after_deadline_note"] is None
    assert ledu["first_published_source"] == "list_page"
    pingan = district_year(con, "630203", 2021)
    assert pingan["first_published_on"].isoformat() == "2022-04-01"
    assert pingan["days_after_deadline"] == 1


def test_last_modified_or_nothing_gives_no_days_but_a_reason(con, seed):
    load(con, seed, "630202", "2022-01-20T02:00:00+00:00", "last_modified", "a")
    load(con, seed, "630203", None, None, "b")
    build_marts(con, 2021, 2021)
    ledu = district_year(con, "630202", 2021)
    assert ledu["days_after_deadline"] is None
    assert "Last-Modified" in ledu["days_after_deadline_note"]
    pingan = district_year(con, "630203", 2021)
    assert pingan["days_after_deadline"] is None
    assert pingan["days_after_deadline_note"] == "no publication date known"


def test_the_first_version_counts_not_the_republication(con, seed):
    load(con, seed, "630202", "2022-04-05T09:00:00+08:00", "article_text", "first")
    corrected = variant(seed, "corrected")
    set_cell(corrected, "applications", "granted", "total", 4)
    load_report(
        con,
        corrected,
        ReportSource(
            "630202", published_at="2022-06-01T09:00:00+08:00", published_source="list_page"
        ),
    )
    build_marts(con, 2021, 2021)
    row = district_year(con, "630202", 2021)
    assert row["days_after_deadline"] == 5  # 5 April, the first publication
    assert row["first_published_on"].isoformat() == "2022-04-05"


def test_late_and_missing_per_city_and_year(con, seed):
    load(con, seed, "630202", "2022-04-10T09:00:00+08:00", "list_page", "late")
    build_marts(con, 2021, 2022)
    rows = con.execute(
        "SELECT year, districts, published, on_time, late, missing, most_days_late, "
        "late_districts, missing_districts FROM marts.timeliness WHERE city = '海东市' "
        "ORDER BY year"
    ).fetchall()
    assert rows == [
        (2021, 2, 1, 0, 1, 1, 10, "乐都区", "平安区"),
        (2022, 2, 0, 0, 0, 2, None, None, "乐都区、平安区"),
    ]
