"""The code location: ``dagster dev -w workspace.yaml`` and ``python -m assets.run`` load this."""

from __future__ import annotations

import dagster as dg

from assets.automation import (
    automation_sensor,
    catalog_sensor,
    crawl_job,
    extract_load_job,
    marts_job,
    nightly_crawl,
)
from assets.checks import CHECKS
from assets.crawl import portal_documents
from assets.extract import extracted_reports
from assets.resources import Warehouse
from assets.warehouse import analyst_copy, marts, warehouse_catalog, warehouse_reports

defs = dg.Definitions(
    assets=[
        portal_documents,
        extracted_reports,
        warehouse_reports,
        warehouse_catalog,
        marts,
        analyst_copy,
    ],
    asset_checks=CHECKS,
    jobs=[crawl_job, extract_load_job, marts_job],
    schedules=[nightly_crawl],
    sensors=[catalog_sensor, automation_sensor],
    resources={"warehouse": Warehouse()},
)
