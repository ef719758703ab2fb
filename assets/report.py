"""The comparison report: static HTML pages with charts, drawn from the marts after each rebuild.

It reads the working warehouse (so it is in the ``duckdb`` pool) and replaces the report
directory whole; the pages open from disk with no server and no network.
"""

import dagster as dg

from assets.resources import DUCKDB_POOL, GongkaiSettings, Warehouse
from assets.warehouse import PUBLISH
from pipeline.report import load_marts, write_report

COMPARISON_REPORT = dg.AssetKey("comparison_report")


def build_comparison_report(mart_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=COMPARISON_REPORT,
        deps=mart_keys,
        group_name="publish",
        kinds={"html"},
        pool=DUCKDB_POOL,
        automation_condition=PUBLISH,  # published with the analyst copy
        description="The comparison report (GONGKAI_REPORT_DIR): one static HTML page of charts "
        "per city and an index, drawn from the marts; opens from disk, no server, no network. "
        "Also `make report` (from the analyst copy).",
    )
    def comparison_report(warehouse: Warehouse, gongkai: GongkaiSettings) -> dg.MaterializeResult:
        conf = gongkai.settings()
        with warehouse.connect() as con:
            marts = load_marts(con, conf.years)
        # drawn after the connection is closed: no DuckDB lock is held while matplotlib works
        report = write_report(marts, conf.report_dir, conf.workers)
        return dg.MaterializeResult(
            metadata={
                "index": dg.MetadataValue.path(str(report.index)),
                "open with": f"xdg-open {report.index} (any browser, from disk)",
                "city pages": dg.MetadataValue.json({c: str(p) for c, p in report.pages.items()}),
                "charts": report.charts,
            }
        )

    return comparison_report
