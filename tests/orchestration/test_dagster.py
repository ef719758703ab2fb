"""The Dagster graph over a hand-written catalog: reruns, checks, schedule, sensor, automation."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb
import pytest

from assets.automation import NIGHTLY_CRON, PORTAL_TAG, TIMEZONE
from assets.partitions import district_year_key
from assets.run import RANGE_END, RANGE_START
from tests.orchestration.conftest import report_page

YEARS = (2020, 2021)


@pytest.fixture
def codes(defs):
    keys = defs.resolve_job_def("crawl_portals").partitions_def.get_partition_keys()
    assert len(keys) >= 2, "the portal registry needs at least two districts"
    return keys[:2]


@pytest.fixture
def extract_and_load(defs, instance):
    def run(code, year) -> dg.ExecuteInProcessResult:
        return defs.resolve_job_def("extract_and_load").execute_in_process(
            instance=instance, partition_key=district_year_key(code, year), raise_on_error=False
        )

    return run


@pytest.fixture
def facts(conf):
    def read(extra_where: str = "") -> dict:
        """Every fact row of the working warehouse, keyed by report and cell."""
        return warehouse_facts(conf, extra_where)

    return read


def mart_keys(defs) -> list[dg.AssetKey]:
    return [k for k in defs.resolve_all_asset_keys() if k.path[0] == "marts"]


def warehouse_facts(conf, extra_where: str = "") -> dict:
    con = duckdb.connect(str(conf.warehouse_path), read_only=True)
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


def test_rerun_of_one_district_year_changes_only_its_rows(catalog, extract_and_load, facts, codes):
    catalog.commit([catalog.document(c, y, report_page(c, y)) for c in codes for y in YEARS])
    for code in codes:
        for year in YEARS:
            assert extract_and_load(code, year).success
    before = facts()
    assert {(k[0], k[1]) for k in before} == {(c, y) for c in codes for y in YEARS}

    changed = catalog.document(codes[0], 2021, report_page(codes[0], 2021, base=8))
    catalog.commit([changed])
    assert extract_and_load(codes[0], 2021).success
    after = facts()

    untouched = {k: v for k, v in before.items() if (k[0], k[1]) != (codes[0], 2021)}
    assert {k: v for k, v in after.items() if (k[0], k[1]) != (codes[0], 2021)} == untouched
    current = {k: v for k, v in after.items() if (k[0], k[1]) == (codes[0], 2021) and k[2]}
    assert current and {k[3] for k in current} == {changed["sha256"]}
    assert current != {k: v for k, v in before.items() if (k[0], k[1]) == (codes[0], 2021)}


def test_source_error_warns_and_loads(catalog, extract_and_load, facts, codes):
    catalog.commit(
        [catalog.document(codes[1], 2020, report_page(codes[1], 2020, planted_error=True))]
    )

    result = extract_and_load(codes[1], 2020)

    assert result.success
    rules = check_result(result, "contract_rules")
    assert not rules.passed and rules.severity == dg.AssetCheckSeverity.WARN
    assert check_result(result, "extraction_faults").passed
    assert check_result(result, "load_complete").passed
    assert facts(f"WHERE r.division_code = '{codes[1]}'")


def test_pipeline_fault_is_an_error_that_blocks_the_load(
    catalog, conf, extract_and_load, facts, codes
):
    record = catalog.document(codes[1], 2021, report_page(codes[1], 2021))
    (conf.archive_dir / record["archive_path"]).unlink()
    catalog.commit([record])

    result = extract_and_load(codes[1], 2021)

    fault = check_result(result, "extraction_faults")
    assert not fault.passed and fault.severity == dg.AssetCheckSeverity.ERROR
    assert fault.partition == f"{codes[1]}|2021"
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert materialized == {dg.AssetKey("extracted_reports")}
    assert not result.success
    assert not conf.warehouse_path.exists() or not facts(
        f"WHERE r.division_code = '{codes[1]}' AND r.year = 2021"
    )


def test_a_batch_loads_around_a_faulty_district_year(catalog, conf, defs, instance, facts, codes):
    records = [catalog.document(c, y, report_page(c, y)) for c in codes for y in YEARS]
    broken = records[-1]
    (conf.archive_dir / broken["archive_path"]).unlink()
    catalog.commit(records)
    keys = sorted(str(district_year_key(c, y)) for c in codes for y in YEARS)

    result = defs.resolve_job_def("extract_and_load").execute_in_process(
        instance=instance, tags={RANGE_START: keys[0], RANGE_END: keys[-1]}, raise_on_error=False
    )

    bad = f"{broken['division_code']}|{broken['year']}"
    assert not result.success  # the run names the district-year it held back
    faults = {
        e.partition: e.passed
        for e in result.get_asset_check_evaluations()
        if e.check_name == "extraction_faults"
    }
    assert faults == {k: k != bad for k in keys}
    assert instance.get_materialized_partitions(dg.AssetKey("extracted_reports")) == set(keys)
    loaded = set(keys) - {bad}
    assert instance.get_materialized_partitions(dg.AssetKey("warehouse_reports")) == loaded
    assert {f"{k[0]}|{k[1]}" for k in facts()} == loaded
    complete = {
        e.partition
        for e in result.get_asset_check_evaluations()
        if e.check_name == "load_complete" and e.passed
    }
    assert complete == loaded

    # Fixed (the document archived again), the faulty district-year reruns alone.
    catalog.document(broken["division_code"], broken["year"], report_page(codes[1], 2021))
    code, year = bad.split("|")
    assert (
        defs.resolve_job_def("extract_and_load")
        .execute_in_process(instance=instance, partition_key=district_year_key(code, year))
        .success
    )
    assert instance.get_materialized_partitions(dg.AssetKey("warehouse_reports")) == set(keys)


@pytest.mark.filterwarnings("ignore::dagster.BetaWarning")  # raised inside Dagster's tester
def test_marts_and_analyst_copy_refresh_once_after_a_backfill(
    catalog, conf, defs, instance, extract_and_load, codes
):
    marts = mart_keys(defs)
    analyst_copy = dg.AssetKey("analyst_copy")
    baseline = dg.evaluate_automation_conditions(defs=defs, instance=instance)
    assert baseline.total_requested == 0
    catalog.commit([catalog.document(c, y, report_page(c, y)) for c in codes for y in YEARS])
    for code in codes:
        for year in YEARS:
            assert extract_and_load(code, year).success

    first = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=baseline.cursor)
    # Four district-years changed: each mart is requested once, not once per partition; the
    # catalog tables wait for a crawl, the analyst copy for the marts' blocking checks.
    assert {key: first.get_num_requested(key) for key in marts} == dict.fromkeys(marts, 1)
    assert first.total_requested == len(marts)

    settled = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=first.cursor)
    assert settled.total_requested == 0

    published = defs.resolve_job_def("marts_and_publish").execute_in_process(instance=instance)
    assert published.success
    assert conf.analyst_copy_path.is_file()
    assert (conf.report_dir / "index.html").is_file()  # the report is published with it
    after = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=settled.cursor)
    assert after.get_num_requested(analyst_copy) == 0
    assert all(after.get_num_requested(key) == 0 for key in marts)


def test_nightly_schedule_crawls_every_portal(defs):
    when = datetime(2025, 3, 1, 2, 0, tzinfo=ZoneInfo(TIMEZONE))
    nightly_crawl = defs.resolve_schedule_def("nightly_crawl")
    context = dg.build_schedule_context(scheduled_execution_time=when)

    requests = list(nightly_crawl(context))

    assert nightly_crawl.cron_schedule == NIGHTLY_CRON == "0 2 * * *"
    assert nightly_crawl.execution_timezone == "Asia/Shanghai"
    districts = defs.resolve_job_def("crawl_portals").partitions_def.get_partition_keys()
    assert [r.partition_key for r in requests] == districts
    assert all(r.tags[PORTAL_TAG] == r.partition_key for r in requests)
    assert len({r.run_key for r in requests}) == len(requests)


def test_sensor_reads_new_records_and_reruns_changed_documents_only(
    catalog, defs, instance, extract_and_load, codes
):
    catalog_sensor = defs.resolve_sensor_def("catalog_sensor")
    catalog.commit([catalog.document(c, y, report_page(c, y)) for c in codes for y in YEARS])
    first = catalog_sensor(dg.build_sensor_context(instance=instance))
    keys = {r.partition_key: r.run_key for r in first.run_requests}
    assert set(keys) == {district_year_key(c, y) for c in codes for y in YEARS}

    idle = catalog_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    assert not idle.run_requests and idle.skip_reason

    # A night that re-archives an unchanged document (still not extracted) and changes another.
    unchanged = catalog.document(codes[1], 2020, report_page(codes[1], 2020))
    changed = catalog.document(codes[0], 2021, report_page(codes[0], 2021, base=8))
    catalog.commit([unchanged, changed])
    second = catalog_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    new_keys = {r.partition_key: r.run_key for r in second.run_requests}
    assert set(new_keys) == {district_year_key(codes[0], 2021), district_year_key(codes[1], 2020)}
    assert new_keys[district_year_key(codes[0], 2021)] != keys[district_year_key(codes[0], 2021)]
    assert new_keys[district_year_key(codes[1], 2020)] == keys[district_year_key(codes[1], 2020)]

    # Once extracted, the unchanged one is no longer requested; only the changed one is.
    assert extract_and_load(codes[1], 2020).success
    third = catalog_sensor(dg.build_sensor_context(instance=instance, cursor=first.cursor))
    assert {r.partition_key for r in third.run_requests} == {district_year_key(codes[0], 2021)}


def test_first_sensor_tick_requests_nothing_already_extracted(
    catalog, defs, instance, extract_and_load, codes
):
    catalog.commit([catalog.document(c, y, report_page(c, y)) for c in codes for y in YEARS])
    for code in codes:
        for year in YEARS:
            assert extract_and_load(code, year).success

    tick = defs.resolve_sensor_def("catalog_sensor")(dg.build_sensor_context(instance=instance))

    assert tick.run_requests == []
    assert tick.cursor  # later ticks read only what is new
