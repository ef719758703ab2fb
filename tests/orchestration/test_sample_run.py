"""``make run``'s path, in a temporary instance:"
" the graph stage by stage over the sample portals."""

from __future__ import annotations

import socket
from dataclasses import replace
from datetime import date
from decimal import Decimal

import dagster as dg
import duckdb
import pytest

from assets.definitions import build_definitions
from assets.run import LAUNCHED_BY, PortTaken, run_all, serve_samples
from pipeline.portals.registry import load_portals
from pipeline.samples.facts import load_facts
from pipeline.samples.serve import serving
from pipeline.samples.site import SITE_DIR, ensure_site
from tests.orchestration.conftest import moved_registry

TABLE_OF = {"fact_applications": "applications", "fact_appeals": "appeals"}
PLANTED_WARNINGS = {
    ("extracted_reports", "contract_rules"),
    ("marts/quality", "cross_year_continuity"),
}


def warehouse_facts(conf) -> dict[tuple, dict]:
    """Current reports' cells per (division code, year, agency kind, agency)."""
    con = duckdb.connect(str(conf.analyst_copy_path), read_only=True)
    try:
        rows = con.execute(
            "SELECT r.division_code, r.year, r.agency_kind, r.version_key, c.fact_table, "
            "c.row_code, c.column_code, c.count, c.amount_wan_yuan FROM core.report_cells c "
            "JOIN core.dim_report r USING (report_id) WHERE r.is_current"
        ).fetchall()
    finally:
        con.close()
    out: dict[tuple, dict] = {}
    for code, year, kind, _, fact, row, col, count, amount in rows:
        value = count if count is not None else amount
        out.setdefault((code, year, kind), {})[
            (TABLE_OF.get(fact, "active_disclosure"), row, col)
        ] = value
    return out


def expected_facts(facts: dict) -> dict[tuple, dict]:
    code_of = {p["id"]: p["division_code"] for p in facts["portals"]}
    out = {}
    for report in facts["reports"]:
        cells = {}
        for table, (a, b) in (
            ("active_disclosure", ("item", "measure")),
            ("applications", ("outcome", "requester")),
            ("appeals", ("proceeding", "result")),
        ):
            for entry in report["facts"][table]:
                value = entry["value"]
                cells[(table, entry[a], entry[b])] = (
                    Decimal(str(value)) if isinstance(value, float) else value
                )
        out[(code_of[report["portal"]], report["year"], report["agency_kind"])] = cells
    return out


def test_sample_graph_stage_by_stage(conf, instance, tmp_path):
    with serving(ensure_site(SITE_DIR), port=0) as server:
        registry = moved_registry(conf.portals_file, server.port, tmp_path / "portals.yaml")
        conf = replace(conf, portals_file=registry)
        defs = build_definitions(conf)
        session = run_all(instance, defs)

    assert session.failures == []
    districts = defs.resolve_job_def("crawl_portals").partitions_def
    district_years = defs.resolve_job_def("extract_and_load").partitions_def
    for definition, asset in (
        (districts, "portal_documents"),
        (district_years, "extracted_reports"),
        (district_years, "warehouse_reports"),
    ):
        materialized = instance.get_materialized_partitions(dg.AssetKey(asset))
        assert materialized == set(definition.get_partition_keys()), asset
    runs = instance.get_runs()
    assert runs and all(r.tags.get(k) == v for r in runs for k, v in LAUNCHED_BY.items())
    assert not any(k in r.tags for r in runs for k in ("dagster/run_key", "dagster/sensor_name"))

    # make ui afterwards: the catalog sensor's first tick finds nothing left to extract.
    tick = defs.resolve_sensor_def("catalog_sensor")(dg.build_sensor_context(instance=instance))
    assert tick.run_requests == []

    facts = load_facts()
    actual = warehouse_facts(conf)
    expected = expected_facts(facts)
    assert set(actual) == set(expected)
    for key, cells in expected.items():
        assert {
            k: (Decimal(str(v)) if isinstance(v, Decimal) else v) for k, v in actual[key].items()
        } == cells, key

    failed = {(asset, check) for (asset, check, _), e in session.checks.items() if not e.passed}
    assert failed == PLANTED_WARNINGS
    assert session.failed_checks("ERROR") == []
    planted = {
        f"{p['division_code']}|{r['year']}"
        for r in facts["reports"]
        if r["planted_error"]
        for p in facts["portals"]
        if p["id"] == r["portal"]
    }
    assert {
        k for (a, c, k), e in session.checks.items() if c == "contract_rules" and not e.passed
    } == planted
    code_of = {p["id"]: p["division_code"] for p in facts["portals"]}
    quality, blanks, reports, timeliness = sample_marts(conf)
    # timeliness from the printed dates: days after 31 March of the next year; 化隆 2023 prints
    # none, so only Last-Modified is known and no figure is made
    expected_days = {}
    for r in facts["reports"]:
        if r["agency_kind"] != "district":
            continue
        key = (code_of[r["portal"]], r["year"])
        published = r["published"] and date.fromisoformat(r["published"])
        expected_days[key] = published and (published - date(r["year"] + 1, 3, 31)).days
    assert {k: days for k, (days, _) in timeliness.items()} == expected_days
    assert "Last-Modified" in timeliness[("630224", 2023)][1]
    assert {k for k, (days, _) in timeliness.items() if days and days > 0} == {
        ("630225", 2019),
        ("630223", 2022),
    }
    # provenance: every report has a publication date and its source, and only 乐都区 2021
    # (the real published figures) is not sample data
    assert all(published is not None and source for _, _, published, source, _ in reports)
    assert {(code, year) for code, year, *_, sample in reports if not sample} == {("630202", 2021)}
    expected_quality = {
        (code_of[r["portal"]], r["year"], "report", f["rule"], f["where"])
        for r in facts["reports"]
        if r["agency_kind"] == "district"
        for f in r["expected_findings"]
    } | {
        (
            code_of[b["portal"]],
            b["year"],
            "cross_year",
            "carried_over_continuity",
            f"applications/{b['requester']}",
        )
        for b in facts["expected_cross_year"]
    }
    assert quality == expected_quality  # the planted errors, and nothing spurious
    assert blanks == {
        (code_of[r["portal"]], r["year"]) for r in facts["reports"] if r.get("blank_cells")
    }


def sample_marts(conf) -> tuple[set, set, list, dict]:
    """marts.quality's issues, the district-years whose figures read a blank cell, and each
    report's publication date, its source and whether it is sample data, and each district
    year's days after the deadline with the reason when there are none."""
    con = duckdb.connect(str(conf.analyst_copy_path), read_only=True)
    try:
        quality = set(
            con.execute(
                "SELECT division_code, year, source, rule, location FROM marts.quality"
            ).fetchall()
        )
        blanks = set(
            con.execute(
                "SELECT division_code, year FROM marts.district_year WHERE blank_input_cells > 0"
            ).fetchall()
        )
        timeliness = {
            (code, year): (days, note)
            for code, year, days, note in con.execute(
                "SELECT division_code, year, days_after_deadline, days_after_deadline_note "
                "FROM marts.district_year"
            ).fetchall()
        }
        reports = con.execute(
            "SELECT division_code, year, published_at, published_source, is_sample "
            "FROM core.dim_report"
        ).fetchall()
    finally:
        con.close()
    return quality, blanks, reports, timeliness


def test_a_taken_port_stops_make_run_with_a_message(conf, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.2", 0))
        taken.listen()
        port = taken.getsockname()[1]
        registry = moved_registry(conf.portals_file, port, tmp_path / "portals.yaml")
        with pytest.raises(PortTaken) as stop:
            serve_samples(load_portals(registry))
    message = str(stop.value)
    assert f"port {port}" in message and "GONGKAI_PORTALS" in message
