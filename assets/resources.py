"""The warehouse as a Dagster resource: one DuckDB connection per step, closed after it.

DuckDB allows one writer per file, so every asset that opens it is in the ``duckdb`` pool
(size 1 in data/dagster_home/dagster.yaml); crawling and extraction never touch it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipeline import warehouse
from pipeline.config import settings

DUCKDB_POOL = "duckdb"


class Warehouse(dg.ConfigurableResource):
    """The working warehouse and its analyst copy; unset paths follow ``GONGKAI_WAREHOUSE`` and
    ``GONGKAI_ANALYST_COPY`` at run time."""

    path: str | None = None
    analyst_copy: str | None = None

    @property
    def warehouse_path(self) -> str:
        return self.path or str(settings().warehouse_path)

    @property
    def analyst_copy_path(self) -> str:
        return self.analyst_copy or str(settings().analyst_copy_path)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        con = warehouse.connect(self.warehouse_path)
        try:
            yield con
        finally:
            con.close()
