"""Jobs, the nightly schedule, the catalog sensor and the automation sensor.

02:00 Asia/Shanghai: crawl every portal (one run per district, parallel across portals, one at
a time per portal). Every minute: the catalog sensor reads the crawl catalog files (never the
warehouse) and asks for extraction + load of each district-year whose documents are new or
changed; its run key holds the documents' hashes, so an unchanged document never reruns.
Marts and the analyst copy are not in those runs: the automation sensor refreshes them once
the facts have settled (assets/warehouse.py, BATCHED).
"""

import hashlib

import dagster as dg

from assets.crawl import portal_documents
from assets.extract import extracted_reports
from assets.partitions import (
    district_year_key,
    districts,
    portals_by_code,
)
from assets.warehouse import MART_KEYS, analyst_copy, warehouse_catalog, warehouse_reports
from pipeline.config import settings
from pipeline.crawl.catalog import current_documents, run_files
from pipeline.report_choice import document_fingerprint

PORTAL_TAG = "gongkai/portal"
NIGHTLY_CRON = "0 2 * * *"
TIMEZONE = "Asia/Shanghai"


def _portal_tags(division_code: str) -> dict[str, str]:
    """The tag the instance limits to one run per value (dagster.yaml)."""
    return {PORTAL_TAG: division_code}


crawl_job = dg.define_asset_job(
    "crawl_portals",
    selection=dg.AssetSelection.assets(portal_documents),
    config=dg.PartitionedConfig(
        partitions_def=districts,
        run_config_for_partition_key_fn=lambda _key: {},
        tags_for_partition_key_fn=_portal_tags,
    ),
    description="Crawl one district's portal (one run per district partition).",
)
extract_load_job = dg.define_asset_job(
    "extract_and_load",
    selection=dg.AssetSelection.assets(extracted_reports, warehouse_reports),
    description="Extract one district × year from the catalog and load it into the warehouse.",
)
marts_job = dg.define_asset_job(
    "marts_and_publish",
    selection=dg.AssetSelection.assets(warehouse_catalog, *MART_KEYS, analyst_copy),
    description="Catalog tables, every mart and the analyst copy, in one run.",
)


@dg.schedule(
    job=crawl_job,
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
    for code in districts.get_partition_keys():
        yield dg.RunRequest(
            run_key=f"{stamp}|{code}",
            partition_key=code,
            tags={**_portal_tags(code), "gongkai/night": stamp},
        )


def catalog_state(catalog_dir) -> str:
    """A fingerprint of the committed catalog files: a tick where it is unchanged does nothing."""
    digest = hashlib.sha256()
    for path in run_files(catalog_dir):
        digest.update(f"{path}:{path.stat().st_size}\n".encode())
    return digest.hexdigest()


def extraction_requests(
    documents: list[dict], codes: list[str], years: list[int]
) -> list[dg.RunRequest]:
    """One run per district-year that has documents; the run key carries their hashes."""
    wanted = {
        (d.get("division_code"), d.get("year"))
        for d in documents
        if d.get("role", "article") == "article"
    }
    requests = []
    for code in codes:
        for year in years:
            if (code, year) not in wanted:
                continue
            fingerprint = document_fingerprint(documents, code, year)
            requests.append(
                dg.RunRequest(
                    run_key=f"{code}|{year}|{fingerprint}",
                    partition_key=district_year_key(code, year),
                    tags={"gongkai/documents": fingerprint},
                )
            )
    return requests


@dg.sensor(
    job=extract_load_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Extract and load the district-years whose catalog documents are new or "
    "changed (reads the crawl catalog files, never the warehouse).",
)
def catalog_sensor(context: dg.SensorEvaluationContext):
    conf = settings()
    state = catalog_state(conf.catalog_dir)
    if context.cursor == state:
        return dg.SkipReason("no new catalog file since the last tick")
    documents = current_documents(conf.catalog_dir)
    requests = extraction_requests(documents, sorted(portals_by_code()), conf.years)
    return dg.SensorResult(run_requests=requests, cursor=state)


automation_sensor = dg.AutomationConditionSensorDefinition(
    "refresh_marts",
    target=dg.AssetSelection.assets(warehouse_catalog, *MART_KEYS, analyst_copy),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="Refreshes the catalog tables, the marts and the analyst copy once after facts "
    "change (batched: waits until upstream runs and backfills have finished).",
)
