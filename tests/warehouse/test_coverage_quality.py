"""marts.coverage and marts.quality catch planted gaps and mismatches; departments stay apart."""

from __future__ import annotations

import json

from pipeline.records import Listing, catalog_document, fetch_error_record
from pipeline.warehouse import ReportSource, build_marts, load_catalog, load_report
from tests.warehouse.conftest import set_cell, variant


def seed_of(truths) -> dict:
    return next(d for p, d in truths if p.name.startswith("乐都区"))


def coverage(con) -> dict:
    return {
        (code, year): (status, reason)
        for code, year, status, reason in con.execute(
            "SELECT division_code, year, coverage, reason FROM marts.coverage"
        ).fetchall()
    }


def test_coverage_finds_missing_and_failed_years(con, truths):
    seed = seed_of(truths)
    load_report(con, seed, ReportSource("630202"))
    failed = variant(seed, "pingan-2021-failed", year=None, agency=None)
    failed.update(
        status="failed",
        errors=["not an annual report: no report headings"],
        active_disclosure=[],
        applications=[],
        appeals=[],
    )
    load_report(con, failed, ReportSource("630203", year=2021))
    unsupported = variant(seed, "pingan-2020-scan", year=2020)
    unsupported.update(
        status="unsupported",
        errors=["scanned images without a text layer"],
        active_disclosure=[],
        applications=[],
        appeals=[],
    )
    load_report(con, unsupported, ReportSource("630203"))
    build_marts(con, 2020, 2021)
    found = coverage(con)
    # the registry's two districts x the configured years 2020..2021
    assert set(found) == {("630202", 2020), ("630202", 2021), ("630203", 2020), ("630203", 2021)}
    assert found[("630202", 2021)] == ("found", "ok")
    assert found[("630202", 2020)] == ("missing", "no document found for this year")
    assert found[("630203", 2021)] == ("failed", "failed: not an annual report: no report headings")
    assert found[("630203", 2020)][0] == "unsupported"
    assert "scanned images" in found[("630203", 2020)][1]
    # a failed report never reaches the comparisons
    assert (
        con.execute(
            "SELECT count(*) FROM marts.district_year WHERE division_code = '630203'"
        ).fetchone()[0]
        == 0
    )


def test_coverage_explains_a_missing_year_from_the_catalog(con, tmp_path, truths):
    catalog = tmp_path / "catalog" / "haidong-pingan"
    catalog.mkdir(parents=True)
    records = [
        catalog_document(
            run_id="run1",
            portal="haidong-pingan",
            division_code="630203",
            url="http://example.test/2021.html",
            listing=Listing("平安区2021年报告", 2021, "平安区人民政府", "district", "article"),
            sha256="cd" * 32,
            archive_path="cd/cd.html",
            sniffed_type="html",
            size=1,
            is_sample=True,
            fetched_at="2024-02-01T00:00:00Z",
        ),
        fetch_error_record(
            run_id="run1",
            portal="haidong-pingan",
            division_code="630203",
            url="http://example.test/list",
            error_class="blocked",
            http_status=412,
            message="WAF",
            at="2024-02-01T00:00:00Z",
        ),
    ]
    (catalog / "run1.jsonl").write_text(
        "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8"
    )
    load_catalog(con, tmp_path / "catalog")
    build_marts(con, 2021, 2022)
    found = coverage(con)
    assert found[("630203", 2021)] == (
        "missing",
        "the crawl catalog lists 1 document(s) for this year but no report was extracted from them",
    )
    assert found[("630203", 2022)] == (
        "missing",
        "no document found for this year; the district's portal had 1 fetch error(s) (blocked)",
    )


def test_quality_has_report_findings_and_cross_year_rules(loaded, truths):
    seed = seed_of(truths)
    # 乐都区 2020 (planted): carries forward 3 where 2021 says 0 were carried over
    ledu_2020 = variant(seed, "ledu-2020", year=2020)
    set_cell(ledu_2020, "applications", "carried_forward", "total", 3)
    set_cell(ledu_2020, "applications", "carried_forward", "natural_person", 3)
    load_report(loaded, ledu_2020, ReportSource("630202"))
    # 洪泽区 2024 (planted): 现行有效 9 where 2023's 5 + 3 issued - 0 repealed = 8
    hzq_2024 = next(d for p, d in truths if p.name.startswith("hzq2024"))
    drifted = variant(hzq_2024, "hzq2024-drift")
    set_cell(drifted, "active_disclosure", "normative_documents", "in_force", 9)
    load_report(loaded, drifted, ReportSource("320813", published_at="2025-06-01"))
    build_marts(loaded, 2019, 2024)
    rows = loaded.execute(
        "SELECT division_code, year, source, rule, location, severity, message "
        "FROM marts.quality ORDER BY ALL"
    ).fetchall()
    assert rows == [
        (
            "320813",
            2023,
            "report",
            "appeal_sum",
            "appeals/litigation_after_reconsideration",
            "error",
            "upheld 5 + corrected 0 + other 0 + pending 0 = 5 but total is 0",
        ),
        (
            "320813",
            2023,
            "report",
            "appeal_sum",
            "appeals/reconsideration",
            "error",
            "upheld 10 + corrected 1 + other 0 + pending 0 = 11 but total is 0",
        ),
        (
            "320813",
            2024,
            "cross_year",
            "in_force_continuity",
            "active_disclosure/normative_documents",
            "warning",
            "in_force 9 in 2024 but 5 in 2023 + issued 3 - repealed 0 = 8",
        ),
        (
            "630202",
            2021,
            "cross_year",
            "carried_over_continuity",
            "applications/natural_person",
            "error",
            rows[3][6],
        ),
        (
            "630202",
            2021,
            "cross_year",
            "carried_over_continuity",
            "applications/total",
            "error",
            rows[4][6],
        ),
    ]
    assert rows[4][6].startswith("carried_over 0 in 2021 but carried_forward 3 in 2020")


def test_the_real_hongze_years_are_continuous(loaded):
    build_marts(loaded, 2019, 2024)
    assert (
        loaded.execute("SELECT count(*) FROM marts.quality WHERE source = 'cross_year'").fetchone()[
            0
        ]
        == 0
    )


def test_department_reports_never_change_district_figures(loaded, truths):
    build_marts(loaded, 2019, 2024)
    marts = ("district_year", "city_ranking", "requester_mix", "outcome_mix", "quality")
    before = {
        m: sorted(loaded.execute(f"SELECT * FROM marts.{m}").fetchall(), key=repr) for m in marts
    }
    department = variant(seed_of(truths), "ledu-education-2021", agency="乐都区教育局")
    set_cell(department, "applications", "new_received", "total", 500)
    result = load_report(
        loaded,
        department,
        ReportSource(
            "630202", agency_kind="department", agency="乐都区教育局", published_at="2030-01-01"
        ),
    )
    assert result["is_current"]  # current among that department's versions
    build_marts(loaded, 2019, 2024)
    after = {
        m: sorted(loaded.execute(f"SELECT * FROM marts.{m}").fetchall(), key=repr) for m in marts
    }
    assert after == before
    assert loaded.execute(
        "SELECT coverage, department_reports FROM marts.coverage "
        "WHERE division_code = '630202' AND year = 2021"
    ).fetchone() == ("found", 1)
    # and stays queryable
    assert loaded.execute(
        "SELECT count FROM core.fact_applications JOIN core.dim_report USING (report_id) "
        "WHERE agency_kind = 'department' AND outcome = 'new_received' AND requester = 'total'"
    ).fetchone() == (500,)


def test_a_printed_year_unlike_the_list_title_is_kept_and_listed(con, truths):
    """The list title keys the partition, the printed year is dim_report.year; never dropped."""
    seed = seed_of(truths)  # prints 2021
    load_report(con, seed, ReportSource("630202", year=2021))
    mislisted = variant(seed, "pingan-listed-2022", year=2020, agency="平安区人民政府")
    outcome = load_report(con, mislisted, ReportSource("630203", year=2022))
    build_marts(con, 2020, 2022)
    assert con.execute(
        "SELECT year, catalog_year, is_current FROM core.dim_report WHERE report_id = ?",
        [outcome["report_id"]],
    ).fetchone() == (2020, 2022, True)
    rows = con.execute(
        "SELECT division_code, year, report_id, severity, message FROM marts.quality "
        "WHERE rule = 'year_mismatch'"
    ).fetchall()
    assert rows == [
        (
            "630203",
            2022,
            outcome["report_id"],
            "warning",
            "the portal list gives 2022, the report prints 2020: compared as 2020",
        )
    ]
    years = con.execute(
        "SELECT division_code, year FROM marts.district_year ORDER BY division_code"
    ).fetchall()
    assert years == [("630202", 2021), ("630203", 2020)]
