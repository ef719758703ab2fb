"""The Dagster graph over a hand-written catalog: reruns, checks, schedule, sensor, automation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from assets.automation import NIGHTLY_CRON, PORTAL_TAG, TIMEZONE, catalog_sensor, nightly_crawl
from assets.definitions import defs
from assets.partitions import district_year_key, districts
from assets.warehouse import MART_KEYS, analyst_copy
from pipeline.config import settings
from tests.orchestration.conftest import report_page

YEARS = (2020, 2021)


@pytest.fixture
def codes():
    keys = districts.get_partition_keys()
    assert len(keys) >= 2, "the portal registry needs at least two districts"
    return keys[:2]


def extract_and_load(instance, code, year) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def("extract_and_load")
    return job.execute_in_process(
        instance=instance, partition_key=district_year_key(code, year), raise_on_error=False
    )


def facts(extra_where: str = "") -> dict:
    """Every fact row of the working warehouse, keyed by report and cell."""
    con = duckdb.connect(str(settings().warehouse_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT r.division_code, r.year, r.is_current, r.source_sha256, c.fact_table, "
            "c.row_code, c.column_code, c.count, c.raw FROM core.report_cells c "
            f"JOIN core.dim_report r USING (report_id) {extra_where}"
        ).fetchall()
    finally:
        con.close()
    return {row[:7]: row[7:] for row in rows}


def check_result(result, name: str):
    [evaluation] = [e for e in result.get_asset_check_evaluations() if e.check_name == name]
    return evaluation


def test_rerun_of_one_district_year_changes_only_its_rows(catalog, instance, codes):
    catalog.commit([catalog.document(c, y, report_page(c, y)) for c in codes for y in YEARS])
    for code in codes:
        for year in YEARS:
            assert extract_and_load(instance, code, year).success
    before = facts()
    assert {(k[0], k[1]) for k in before} == {(c, y) for c in codes for y in YEARS}

    changed = catalog.document(codes[0], 2021, report_page(codes[0], 2021, base=8))
    catalog.commit([changed])
    assert extract_and_load(instance, codes[0], 2021).success
    after = facts()

    untouched = {k: v for k, v in before.items() if (k[0], k[1]) != (codes[0], 2021)}
    assert {k: v for k, v in after.items() if (k[0], k[1]) != (codes[0], 2021)} == untouched
    current = {k: v for k, v in after.items() if (k[0], k[1]) == (codes[0], 2021) and k[2]}
    assert current and {k[3] for k in current} == {changed["sha256"]}
    assert current != {k: v for k, v in before.items() if (k[0], k[1]) == (codes[0], 2021)}


def test_source_error_warns_and_loads(catalog, instance, codes):
    catalog.commit(
        [catalog.document(codes[1], 2020, report_page(codes[1], 2020, planted_error=True))]
    )

    result = extract_and_load(instance, codes[1], 2020)

    assert result.success
    rules = check_result(result, "contract_rules")
    assert not rules.passed and rules.severity == dg.AssetCheckSeverity.WARN
    assert check_result(result, "extraction_faults").passed
    assert check_result(result, "load_complete").passed
    assert facts(f"WHERE r.division_code = '{codes[1]}'")


def test_pipeline_fault_is_an_error_that_blocks_the_load(catalog, instance, codes):
    record = catalog.document(codes[1], 2021, report_page(codes[1], 2021))
    (settings().archive_dir / record["archive_path"]).unlink()
    catalog.commit([record])

    result = extract_and_load(instance, codes[1], 2021)

    fault = check_result(result, "extraction_faults")
    assert not fault.passed and fault.severity == dg.AssetCheckSeverity.ERROR
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == {dg.AssetKey("extracted_reports")}
    assert not settings().warehouse_path.exists() or not facts(
        f"WHERE r.division_code = '{codes[1]}' AND r.year = 2021"
    )


@pytest.mark.filterwarnings("ignore::dagster.BetaWarning")  # raised inside Dagster's tester
def test_marts_and_analyst_copy_refresh_once_after_a_backfill(catalog, instance, codes):
    baseline = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert baseline.total_requested == 0
    catalog.commit([catalog.document(c, y, report_page(c, y)) for c in codes for y in YEARS])
    for code in codes:
        for year in YEARS:
            assert extract_and_load(instance, code, year).success

    first = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=baseline.cursor)
    # Four district-years changed: each mart is requested once, not once per partition; the
    # catalog tables wait for a crawl, the analyst copy for the marts' blocking checks.
    assert {key: first.get_num_requested(key) for key in MART_KEYS} == dict.fromkeys(MART_KEYS, 1)
    assert first.total_requested == len(MART_KEYS)

    settled = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
    assert settled.total_requested == 0

    published = defs.resolve_job_def("marts_and_publish").execute_in_process(instance=instance)
    assert published.success
    assert settings().analyst_copy_path.is_file()
    after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=settled.cursor)
    assert after.get_num_requested(analyst_copy.key) == 0
    assert all(after.get_num_requested(key) == 0 for key in MART_KEYS)


def test_nightly_schedule_crawls_every_portal():
    when = datetime(2025, 3, 1, 2, 0, tzinfo=ZoneInfo(TIMEZONE))
    context = dg.build_schedule_context(scheduled_execution_time=when)

    requests = list(nightly_crawl(context))

    assert nightly_crawl.cron_schedule == NIGHTLY_CRON == "0 2 * * *"
    assert nightly_crawl.execution_timezone == "Asia/Shanghai"
    assert [r.partition_key for r in requests] == districts.get_partition_keys()
    assert all(r.tags[PORTAL_TAG] == r.partition_key for r in requests)
    assert len({r.run_key for r in requests}) == len(requests)


def test_sensor_reruns_changed_documents_only(catalog, instance, codes):
    catalog.commit([catalog.document(c, y, report_page(c, y)) for c in codes for y in YEARS])
    context = dg.build_sensor_context(instance=instance)
    first = catalog_sensor(context)
    keys = {r.partition_key: r.run_key for r in first.run_requests}
    assert set(keys) == {district_year_key(c, y) for c in codes for y in YEARS}

    idle = catalog_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    assert isinstance(idle, dg.SkipReason)

    # A night that re-archives an unchanged document and changes another one.
    unchanged = catalog.document(codes[1], 2020, report_page(codes[1], 2020))
    changed = catalog.document(codes[0], 2021, report_page(codes[0], 2021, base=8))
    catalog.commit([unchanged, changed])
    second = catalog_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    new_keys = {r.partition_key: r.run_key for r in second.run_requests}

    rerun = {k for k, v in new_keys.items() if v not in keys.values()}
    assert rerun == {district_year_key(codes[0], 2021)}
    assert new_keys[district_year_key(codes[1], 2020)] == keys[district_year_key(codes[1], 2020)]
