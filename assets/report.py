"""The comparison report: static HTML pages with charts, drawn from the marts after each rebuild.

It reads the working warehouse (so it is in the ``duckdb`` pool) and replaces the report
directory whole; the pages open from disk with no server and no network.
"""

import dagster as dg

from assets.resources import DUCKDB_POOL, Warehouse
from assets.warehouse import BATCHED, MART_KEYS
from pipeline.config import settings
from pipeline.report import build_report


@dg.asset(
    deps=MART_KEYS,
    group_name="publish",
    kinds={"html"},
    pool=DUCKDB_POOL,
    automation_condition=BATCHED,
    description="The comparison report (GONGKAI_REPORT_DIR): one static HTML page of charts per "
    "city and an index, drawn from the marts; opens from disk, no server, no network. "
    "Also `make report` (from the analyst copy).",
)
def comparison_report(warehouse: Warehouse) -> dg.MaterializeResult:
    conf = settings()
    with warehouse.connect() as con:
        report = build_report(con, conf.report_dir, conf.years)
    return dg.MaterializeResult(
        metadata={
            "index": dg.MetadataValue.path(str(report.index)),
            "open with": f"xdg-open {report.index} (any browser, from disk)",
            "city pages": dg.MetadataValue.json({c: str(p) for c, p in report.pages.items()}),
            "charts": report.charts,
        }
    )
