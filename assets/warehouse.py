"""The warehouse load (batches of district-years), the marts (one asset each), the analyst copy.

Every asset here opens DuckDB, so all are in the ``duckdb`` pool of size 1. Marts and the
analyst copy are unpartitioned: they refresh once after facts change (automation condition
below), never once per partition of a backfill.
"""

import dagster as dg

from assets.extract import BATCH, EXTRACTED_REPORTS, NAMES_NOTE
from assets.names import district_names, district_year_label
from assets.partitions import Layout, district_years_of, partitioned_check
from assets.resources import DUCKDB_POOL, GongkaiSettings, Warehouse
from pipeline.flow import (
    load_batch,
    load_catalog_tables,
    publish_copy,
    rebuild_marts,
)
from pipeline.report.frames import load_marts
from pipeline.report.preview import mart_preview
from pipeline.warehouse.marts import read_marts

WAREHOUSE_REPORTS = dg.AssetKey("warehouse_reports")
LOAD_COMPLETE = "load_complete"

# Refresh when something upstream changed, once whatever is upstream has finished (a backfill
# of 1,000 district-years is one refresh). The per-district-year gates are in the load itself
# (a held-back or incomplete district-year is not materialised, so it triggers nothing); the
# analyst copy also waits for the marts' blocking checks.
_AC = dg.AutomationCondition
BATCHED = (
    _AC.any_deps_updated().since_last_handled() & ~_AC.any_deps_in_progress() & ~_AC.in_progress()
).with_label("batched: after upstream changes settle")
PUBLISH = (BATCHED & _AC.all_deps_blocking_checks_passed()).with_label(
    "batched, and the marts' blocking checks passed"
)


def build_warehouse_reports(layout: Layout) -> dg.AssetsDefinition:
    """The load of a batch of district-years, gated per district-year.

    Dagster blocks on a failed check per run, not per partition, so the gates are here: a
    district-year whose extraction hit a pipeline fault is not loaded, one whose load lost rows
    is not materialised; the rest of the batch is, and the run then fails naming the held-back
    ones, so a backfill lists them as failed and each can be rerun alone.
    """
    partitions = layout.district_years
    names = district_names(layout.portals)

    @dg.multi_asset(
        specs=[
            dg.AssetSpec(
                WAREHOUSE_REPORTS,
                partitions_def=partitions,
                deps=[EXTRACTED_REPORTS],
                group_name="warehouse",
                kinds={"duckdb"},
                description="Load the chosen report(s) of each district × year into core.* "
                "(one transaction per report; a changed document adds a version, the current "
                "one is recomputed). A district-year with a pipeline fault is held back.",
            )
        ],
        check_specs=[
            partitioned_check(
                LOAD_COMPLETE,
                WAREHOUSE_REPORTS,
                partitions,
                description="Every report of the district-year is in core.dim_report with as "
                "many fact rows as its extraction has cells: a load that lost rows is an error; "
                "the district-year is not materialised and its run fails." + NAMES_NOTE,
            )
        ],
        backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=BATCH),
        can_subset=True,  # materialised per loaded district-year, not for the whole range
        pool=DUCKDB_POOL,
        name="warehouse_reports",
    )
    def warehouse_reports(
        context: dg.AssetExecutionContext, warehouse: Warehouse, gongkai: GongkaiSettings
    ):
        conf = gongkai.settings()
        keys = dict(zip(district_years_of(context), context.partition_keys, strict=True))
        with warehouse.connect() as con:
            outcomes = load_batch(con, keys, conf)
        held_back = []
        for outcome in outcomes:
            key = keys[outcome.division_code, outcome.year]
            label = district_year_label(outcome.division_code, outcome.year, names)
            if not outcome.loaded:
                held_back.append(f"{key}: {outcome.not_loaded}")
                continue
            yield dg.AssetCheckEvaluation(
                asset_key=WAREHOUSE_REPORTS,
                check_name=LOAD_COMPLETE,
                passed=not outcome.problems,
                severity=dg.AssetCheckSeverity.ERROR,
                partition=key,
                description=f"{label}: "
                + (
                    f"{len(outcome.problems)} report(s) incompletely loaded"
                    if outcome.problems
                    else "loaded in full"
                ),
                metadata={
                    "district-year": label,
                    "reports": len(outcome.loads),
                    "problems": dg.MetadataValue.json(outcome.problems),
                },
            )
            if outcome.problems:
                held_back.append(f"{key}: load incomplete (check load_complete)")
                continue
            yield dg.AssetMaterialization(
                asset_key=WAREHOUSE_REPORTS,
                partition=key,
                metadata={
                    "district-year": label,
                    "reports loaded": len(outcome.loads),
                    "cells loaded": sum(r["cells"] for r in outcome.loads),
                    "loads": dg.MetadataValue.json(outcome.loads),
                },
            )
        if held_back:
            raise dg.Failure(
                f"{len(held_back)} of {len(outcomes)} district-years not loaded "
                "(the others were): " + "; ".join(held_back[:20]),
                allow_retries=False,
                metadata={"not loaded": dg.MetadataValue.json(held_back)},
            )

    return warehouse_reports


@dg.asset(
    deps=["portal_documents"],
    group_name="warehouse",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
    automation_condition=BATCHED,
    description="raw.* from the crawl catalog files not loaded before, and core.dim_district "
    "from data/divisions.csv plus the portal registry.",
)
def warehouse_catalog(warehouse: Warehouse, gongkai: GongkaiSettings) -> dg.MaterializeResult:
    from pipeline.portals.registry import load_portals

    conf = gongkai.settings()
    with warehouse.connect() as con:
        portals = load_portals(conf.portals_file, conf)
        new = load_catalog_tables(con, conf.catalog_dir, [p.district for p in portals])
    districts = new.pop("districts")
    return dg.MaterializeResult(
        metadata={
            "districts": districts,
            **{f"new {k.replace('_', ' ')}": v for k, v in new.items()},
        }
    )


def mart_specs() -> list[dg.AssetSpec]:
    """One asset per sql/marts/*.sql, dependencies from each file's ``-- depends:`` line."""
    specs = []
    for mart in read_marts():
        specs.append(
            dg.AssetSpec(
                dg.AssetKey(["marts", mart.name]),
                deps=[
                    WAREHOUSE_REPORTS,
                    "warehouse_catalog",
                    *(dg.AssetKey(["marts", n]) for n in mart.depends),
                ],
                group_name="marts",
                kinds={"duckdb"},
                description=mart.description or f"marts.{mart.name} (sql/marts/{mart.path.name})",
                automation_condition=BATCHED,
                metadata={"sql": f"sql/marts/{mart.path.name}"},
            )
        )
    return specs


def table_schema(con, table: str) -> dg.TableSchema:
    schema, name = table.split(".")
    rows = con.execute(
        "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE schema_name = ? "
        "AND table_name = ? AND database_name = current_database() ORDER BY column_index",
        [schema, name],
    ).fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(c, t, description=d) for c, t, d in rows])


def build_marts(specs: list[dg.AssetSpec]) -> dg.AssetsDefinition:
    keys = [spec.key for spec in specs]

    @dg.multi_asset(specs=specs, pool=DUCKDB_POOL, name="marts")
    def marts(context: dg.AssetExecutionContext, warehouse: Warehouse, gongkai: GongkaiSettings):
        """All marts rebuild in one transaction; each reports its rows, its schema and a preview
        (a small chart and the top rows) for the UI."""
        conf = gongkai.settings()
        with warehouse.connect() as con:
            counts = rebuild_marts(con, conf)
            drawn = load_marts(con, conf.years)
            for key in keys:
                name = key.path[-1]
                yield dg.MaterializeResult(
                    asset_key=key,
                    metadata={
                        "dagster/row_count": counts[name],
                        "dagster/column_schema": table_schema(con, f"marts.{name}"),
                        "dagster/table_name": f"marts.{name}",
                        "preview": dg.MetadataValue.md(mart_preview(con, name, drawn)),
                    },
                )

    return marts


def build_analyst_copy(mart_keys: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        deps=mart_keys,
        group_name="publish",
        kinds={"duckdb"},
        pool=DUCKDB_POOL,
        automation_condition=PUBLISH,
        description="The read-only analyst copy (GONGKAI_ANALYST_COPY): the working warehouse "
        "copied into a temp file and renamed over the old copy, once per batch.",
    )
    def analyst_copy(warehouse: Warehouse, gongkai: GongkaiSettings) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            info = publish_copy(con, gongkai.settings())
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(info["path"]),
                "bytes": info["bytes"],
                "storage version": info["storage_version"],
                "open with": f"duckdb -readonly {info['path']}",
            }
        )

    return analyst_copy
