"""Jobs, the nightly schedule, the catalog sensor and the automation sensor.

02:00 Asia/Shanghai: crawl every portal (one run per district, parallel across portals, one at
a time per portal). Every minute: the catalog sensor reads the catalog records written since
its cursor (never the whole catalog, never the warehouse) and asks for extraction + load of
each district-year whose documents differ from what its last extraction read. Marts and the
analyst copy are not in those runs: the automation sensor refreshes them once the facts have
settled (assets/warehouse.py, BATCHED).
"""

from __future__ import annotations

import json

import dagster as dg

from assets.extract import EXTRACTED_REPORTS, FINGERPRINT
from assets.names import Names, district_label, district_names, district_year_label
from assets.partitions import Layout, district_year_key
from pipeline.config import Settings
from pipeline.crawl.catalog import current_documents
from pipeline.flow import catalog_changes, catalog_positions
from pipeline.report_choice import document_fingerprint

PORTAL_TAG = "gongkai/portal"
DISTRICT_TAG = "gongkai/district"  # the district's name: the Runs list shows tags
NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Shanghai"
CRAWL_JOB, EXTRACT_LOAD_JOB, MARTS_JOB = "crawl_portals", "extract_and_load", "marts_and_publish"


def _portal_tags(division_code: str, names: Names) -> dict[str, str]:
    """The tag the instance limits to one run per value (dagster.yaml), and the name."""
    return {PORTAL_TAG: division_code, DISTRICT_TAG: district_label(division_code, names)}


def build_jobs(
    layout: Layout, mart_keys: list[dg.AssetKey]
) -> list[dg.UnresolvedAssetJobDefinition]:
    names = district_names(layout.portals)
    crawl_job = dg.define_asset_job(
        CRAWL_JOB,
        selection=dg.AssetSelection.assets("portal_documents"),
        config=dg.PartitionedConfig(
            partitions_def=layout.districts,
            run_config_for_partition_key_fn=lambda _key: {},
            tags_for_partition_key_fn=lambda code: _portal_tags(code, names),
        ),
        description="Crawl one district's portal (one run per district partition).",
    )
    extract_load_job = dg.define_asset_job(
        EXTRACT_LOAD_JOB,
        selection=dg.AssetSelection.assets("extracted_reports", "warehouse_reports"),
        description="Extract district-years from the catalog and load them into the warehouse "
        "(one, or a batch given as a partition range).",
    )
    marts_job = dg.define_asset_job(
        MARTS_JOB,
        selection=dg.AssetSelection.assets(
            "warehouse_catalog", *mart_keys, "analyst_copy", "comparison_report"
        ),
        description="Catalog tables, every mart, the analyst copy and the comparison report.",
    )
    return [crawl_job, extract_load_job, marts_job]


def build_nightly_crawl(layout: Layout) -> dg.ScheduleDefinition:
    names = district_names(layout.portals)

    @dg.schedule(
        job_name=CRAWL_JOB,
        cron_schedule=NIGHTLY_CRON,
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Crawl every portal of the registry at 02:00 Beijing time.",
    )
    def nightly_crawl(context: dg.ScheduleEvaluationContext):
        stamp = (
            context.scheduled_execution_time.strftime("%Y-%m-%d")
            if context.scheduled_execution_time
            else "manual"
        )
        for code in layout.districts.get_partition_keys():
            yield dg.RunRequest(
                run_key=f"{stamp}|{code}",
                partition_key=code,
                tags={**_portal_tags(code, names), "gongkai/night": stamp},
            )

    return nightly_crawl


def extracted_fingerprints(instance, partition_keys: list[str] | None) -> dict[str, str]:
    """The documents fingerprint each district-year's latest extraction recorded."""
    records_filter = dg.AssetRecordsFilter(
        asset_key=EXTRACTED_REPORTS, asset_partitions=partition_keys
    )
    out: dict[str, str] = {}
    cursor = None
    while True:
        page = instance.fetch_materializations(
            records_filter, limit=1000, cursor=cursor, ascending=False
        )
        for record in page.records:
            key = record.partition_key
            if key is None or key in out:
                continue
            value = record.asset_materialization.metadata.get(FINGERPRINT)
            out[key] = value.value if value is not None else ""
        if not page.has_more:
            return out
        cursor = page.cursor


def stale_district_years(
    instance, conf: Settings, layout: Layout, touched: set[tuple[str, int]] | None
) -> list[dg.RunRequest]:
    """Run requests for the district-years (all when ``touched`` is None) whose documents in
    the catalog differ from those their latest extraction read."""
    codes = {p.division_code for p in layout.portals}
    wanted = {
        (code, year)
        for code in codes
        for year in layout.years
        if touched is None or (code, year) in touched
    }
    if not wanted:
        return []
    wanted_codes = {code for code, _ in wanted}
    by_code: dict[str, list[dict]] = {}
    for portal in layout.portals:
        if portal.division_code in wanted_codes:
            for document in current_documents(conf.catalog_dir, portal.id):
                by_code.setdefault(portal.division_code, []).append(document)
    keys = {dy: district_year_key(*dy) for dy in wanted}
    done = extracted_fingerprints(
        instance, None if touched is None else sorted(str(k) for k in keys.values())
    )
    requests = []
    names = district_names(layout.portals)
    for (code, year), key in sorted(keys.items()):
        fingerprint = document_fingerprint(by_code.get(code, []), code, year)
        if fingerprint and fingerprint != done.get(str(key)):
            requests.append(
                dg.RunRequest(
                    run_key=f"{code}|{year}|{fingerprint}",
                    partition_key=key,
                    tags={
                        "gongkai/documents": fingerprint,
                        DISTRICT_TAG: district_year_label(code, year, names),
                    },
                )
            )
    return requests


def build_catalog_sensor(conf: Settings, layout: Layout) -> dg.SensorDefinition:
    @dg.sensor(
        job_name=EXTRACT_LOAD_JOB,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description="Extract and load the district-years whose catalog documents are new or "
        "changed: reads the catalog records written since its cursor, and compares each "
        "touched district-year with what its last extraction read.",
    )
    def catalog_sensor(context: dg.SensorEvaluationContext):
        if context.cursor:
            touched, positions = catalog_changes(conf.catalog_dir, json.loads(context.cursor))
            if not touched:
                return dg.SensorResult(
                    skip_reason="no new catalog record since the last tick",
                    cursor=json.dumps(positions, sort_keys=True),
                )
        else:  # first tick: everything, against what earlier runs already extracted
            touched, positions = None, catalog_positions(conf.catalog_dir)
        requests = stale_district_years(context.instance, conf, layout, touched)
        return dg.SensorResult(run_requests=requests, cursor=json.dumps(positions, sort_keys=True))

    return catalog_sensor


def build_automation_sensor(targets: list[dg.AssetKey]) -> dg.AutomationConditionSensorDefinition:
    return dg.AutomationConditionSensorDefinition(
        "refresh_marts",
        target=dg.AssetSelection.assets(*targets),
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=60,
        description="Refreshes the catalog tables, the marts and the analyst copy once after "
        "facts change (batched: waits until upstream runs and backfills have finished).",
    )
