"""The DuckDB warehouse: raw crawl catalog, core dimensions and facts, comparison marts.

See docs/warehouse.md for the schema, example queries and the analyst copy.
"""

from pipeline.records import ReportSource
from pipeline.warehouse.catalog_load import load_catalog
from pipeline.warehouse.districts import load_districts
from pipeline.warehouse.marts import build_marts
from pipeline.warehouse.publish import export_parquet, publish
from pipeline.warehouse.report_load import load_report
from pipeline.warehouse.schema import connect, migrate

__all__ = [
    "ReportSource",
    "build_marts",
    "connect",
    "export_parquet",
    "load_catalog",
    "load_districts",
    "load_report",
    "migrate",
    "publish",
]
