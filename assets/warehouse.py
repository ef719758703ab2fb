"""The warehouse load (per district × year), the marts (one asset each) and the analyst copy.

Every asset here opens DuckDB, so all are in the ``duckdb`` pool of size 1. Marts and the
analyst copy are unpartitioned: they refresh once after facts change (automation condition
below), never once per partition of a backfill.
"""

import dagster as dg

from assets.crawl import portal_documents
from assets.extract import extracted_reports
from assets.partitions import district_years, registry, split_key
from assets.resources import DUCKDB_POOL, Warehouse
from pipeline.config import settings
from pipeline.report_choice import read_results
from pipeline.warehouse import (
    ReportSource,
    build_marts,
    load_catalog,
    load_districts,
    load_report,
    publish,
)
from pipeline.warehouse.marts import mart_dependencies, mart_files

# Refresh when something upstream changed, once whatever is upstream has finished (a backfill
# of 1,000 district-years is one refresh), and never past a failed blocking check.
_AC = dg.AutomationCondition
BATCHED = (
    _AC.any_deps_updated().since_last_handled()
    & ~_AC.any_deps_in_progress()
    & ~_AC.in_progress()
    & _AC.all_deps_blocking_checks_passed()
).with_label("batched: after upstream changes settle")


@dg.asset(
    partitions_def=district_years,
    deps=[extracted_reports],
    group_name="warehouse",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
    description="Load the chosen report(s) of one district × year into core.* (one transaction "
    "per report; a changed document adds a version, the current one is recomputed).",
)
def warehouse_reports(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    code, year = split_key(context)
    results = read_results(code, year)
    if results is None:
        raise dg.Failure(
            f"{code} {year} was never extracted: materialize extracted_reports first",
            allow_retries=False,
        )
    loaded = []
    with warehouse.connect() as con:
        for result in results:
            outcome = load_report(con, result.contract(), ReportSource(**result.source_fields()))
            loaded.append({"url": result.url, "agency_kind": result.agency_kind, **outcome})
        rows = con.execute(
            "SELECT count(*) FROM core.report_cells WHERE division_code = ? AND year = ?",
            [code, year],
        ).fetchone()[0]
    return dg.MaterializeResult(
        metadata={
            "reports loaded": len(loaded),
            "cells loaded": sum(r["cells"] for r in loaded),
            "fact rows for this district-year": rows,
            "loads": dg.MetadataValue.json(loaded),
        }
    )


@dg.asset(
    deps=[portal_documents],
    group_name="warehouse",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
    automation_condition=BATCHED,
    description="raw.* from the crawl catalog files not loaded before, and core.dim_district "
    "from data/divisions.csv plus the portal registry.",
)
def warehouse_catalog(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        districts = load_districts(con, [portal.district for portal in registry()])
        new = load_catalog(con, settings().catalog_dir)
    return dg.MaterializeResult(
        metadata={
            "districts": districts,
            **{f"new {k.replace('_', ' ')}": v for k, v in new.items()},
        }
    )


def _mart_specs() -> list[dg.AssetSpec]:
    specs = []
    dependencies = mart_dependencies()
    for path in mart_files():
        needs = dependencies[path.stem]
        header = "\n".join(
            line[2:].strip()
            for line in path.read_text(encoding="utf-8").splitlines()[:8]
            if line.startswith("--") and "depends:" not in line
        )
        specs.append(
            dg.AssetSpec(
                dg.AssetKey(["marts", path.stem]),
                deps=[
                    warehouse_reports,
                    warehouse_catalog,
                    *(dg.AssetKey(["marts", n]) for n in needs),
                ],
                group_name="marts",
                kinds={"duckdb"},
                description=header or f"marts.{path.stem} (sql/marts/{path.name})",
                automation_condition=BATCHED,
                metadata={"sql": f"sql/marts/{path.name}"},
            )
        )
    return specs


MART_SPECS = _mart_specs()
MART_KEYS = [spec.key for spec in MART_SPECS]


def table_schema(con, table: str) -> dg.TableSchema:
    schema, name = table.split(".")
    rows = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ? "
        "AND table_name = ? AND database_name = current_database() ORDER BY column_index",
        [schema, name],
    ).fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(c, t, description=d) for c, t, d in rows])


@dg.multi_asset(specs=MART_SPECS, pool=DUCKDB_POOL, name="marts")
def marts(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """All marts rebuild in one transaction (build_marts); each reports its rows and schema."""
    conf = settings()
    with warehouse.connect() as con:
        counts = build_marts(con, conf.first_year, conf.last_year)
        for key in MART_KEYS:
            name = key.path[-1]
            yield dg.MaterializeResult(
                asset_key=key,
                metadata={
                    "dagster/row_count": counts[name],
                    "dagster/column_schema": table_schema(con, f"marts.{name}"),
                    "dagster/table_name": f"marts.{name}",
                },
            )


@dg.asset(
    deps=MART_KEYS,
    group_name="publish",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
    automation_condition=BATCHED,
    description="The read-only analyst copy (GONGKAI_ANALYST_COPY): the working warehouse "
    "copied into a temp file and renamed over the old copy, once per batch.",
)
def analyst_copy(warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        info = publish(con, warehouse.analyst_copy_path)
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(info["path"]),
            "bytes": info["bytes"],
            "storage version": info["storage_version"],
            "open with": f"duckdb -readonly {info['path']}",
        }
    )
