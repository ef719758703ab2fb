"""One warehouse batch after loads: catalog tables, marts, then the analyst copy.

Part of the stages of ``pipeline.flow`` (which re-exports these), kept inside the warehouse
package so its command line (``python -m pipeline warehouse refresh``) calls the same code.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from pipeline.config import Settings
from pipeline.records import RegisteredDistrict
from pipeline.warehouse.catalog_load import load_catalog
from pipeline.warehouse.districts import load_districts
from pipeline.warehouse.marts import build_marts
from pipeline.warehouse.publish import publish


def load_catalog_tables(
    con: duckdb.DuckDBPyConnection, catalog_dir: Path, districts: Iterable[RegisteredDistrict]
) -> dict:
    """raw.* from catalog files not loaded before, core.dim_district from divisions + registry."""
    return {"districts": load_districts(con, districts), **load_catalog(con, catalog_dir)}


def rebuild_marts(con: duckdb.DuckDBPyConnection, conf: Settings) -> dict[str, int]:
    return build_marts(con, conf.first_year, conf.last_year, conf.min_rank_base)


def failure_rate(con: duckdb.DuckDBPyConnection) -> tuple[float, dict[str, int]]:
    """Share of current reports whose extraction failed, and the current reports by status."""
    statuses = dict(
        con.execute(
            "SELECT status, count(*) FROM core.dim_report WHERE is_current GROUP BY status"
        ).fetchall()
    )
    total = sum(statuses.values())
    return (statuses.get("failed", 0) / total if total else 0.0), statuses


class PublishBlocked(RuntimeError):
    """Too many current reports failed: the extractor is suspect, the copy stays as it was."""


def publish_copy(con: duckdb.DuckDBPyConnection, conf: Settings) -> dict:
    """Publish the analyst copy, unless the failure rate is above ``max_failure_rate``."""
    rate, statuses = failure_rate(con)
    if rate > conf.max_failure_rate:
        raise PublishBlocked(
            f"{rate:.1%} of current reports failed (limit {conf.max_failure_rate:.0%}): "
            f"analyst copy not published; reports by status: {statuses}"
        )
    return publish(con, conf.analyst_copy_path)


def refresh(
    con: duckdb.DuckDBPyConnection,
    conf: Settings,
    districts: Iterable[RegisteredDistrict],
    catalog_dir: Path | None = None,
) -> dict:
    """One batch after loads: catalog tables (default ``conf.catalog_dir``), marts, then the
    analyst copy."""
    summary = {
        "catalog": load_catalog_tables(con, catalog_dir or conf.catalog_dir, districts),
        "marts": rebuild_marts(con, conf),
    }
    summary["published"] = publish_copy(con, conf)
    return summary
