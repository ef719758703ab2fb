"""``make run``'s path, in a temporary instance:"
" the graph stage by stage over the sample portals."""

from __future__ import annotations

from decimal import Decimal

import dagster as dg
import duckdb

from assets.partitions import district_years, districts
from assets.run import run_all, sample_portals
from pipeline.config import settings
from pipeline.samples.facts import load_facts

TABLE_OF = {"fact_applications": "applications", "fact_appeals": "appeals"}
PLANTED_WARNINGS = {
    ("extracted_reports", "contract_rules"),
    ("marts/quality", "cross_year_continuity"),
}


def warehouse_facts() -> dict[tuple, dict]:
    """Current reports' cells per (division code, year, agency kind, agency)."""
    con = duckdb.connect(str(settings().analyst_copy_path), read_only=True)
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


def test_sample_graph_stage_by_stage(env, instance, monkeypatch):
    with sample_portals(settings()) as registry:
        monkeypatch.setenv("GONGKAI_PORTALS", str(registry))
        session = run_all(instance)

    assert session.failures == []
    for definition, asset in (
        (districts, "portal_documents"),
        (district_years, "extracted_reports"),
        (district_years, "warehouse_reports"),
    ):
        materialized = instance.get_materialized_partitions(dg.AssetKey(asset))
        assert materialized == set(definition.get_partition_keys()), asset

    facts = load_facts()
    actual = warehouse_facts()
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
