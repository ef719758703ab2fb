"""Resources configured from the environment: the settings and the DuckDB warehouse.

Each ``GONGKAI_*`` variable set when the code location loads becomes an ``EnvVar`` (resolved
in the run, shown as such in the UI); unset ones keep their defaults. Tests configure both
from their own :class:`~pipeline.config.Settings` instead, without touching ``os.environ``.

DuckDB allows one writer per file, so every asset that opens it is in the ``duckdb`` pool
(size 1 in data/dagster_home/dagster.yaml); crawling and extraction never touch it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource

from pipeline.config import VARIABLES, Settings
from pipeline.warehouse import migrate

DUCKDB_POOL = "duckdb"


class GongkaiSettings(dg.ConfigurableResource):
    """The ``GONGKAI_*`` settings as text, one field per variable (None keeps the default)."""

    portals_file: str | None = None
    archive_dir: str | None = None
    warehouse_path: str | None = None
    analyst_copy_path: str | None = None
    export_dir: str | None = None
    first_year: str | None = None
    last_year: str | None = None
    request_delay: str | None = None
    max_body_bytes: str | None = None
    user_agent: str | None = None
    reader_timeout: str | None = None
    reader_memory_mb: str | None = None
    extracted_dir: str | None = None
    max_failure_rate: str | None = None
    min_rank_base: str | None = None
    workers: str | None = None
    report_dir: str | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> GongkaiSettings:
        environ = os.environ if environ is None else environ
        return cls(
            **{attr: dg.EnvVar(name) for name, (attr, _) in VARIABLES.items() if environ.get(name)}
        )

    @classmethod
    def of(cls, conf: Settings) -> GongkaiSettings:
        return cls(**{VARIABLES[name][0]: value for name, value in conf.environ().items()})

    def settings(self) -> Settings:
        """Parsed by the one parser of every variable (pipeline.config)."""
        return Settings.from_env(
            {name: getattr(self, attr) or "" for name, (attr, _) in VARIABLES.items()}
        )


class Warehouse(DuckDBResource):
    """The working warehouse (``GONGKAI_WAREHOUSE``), migrated when a step connects."""

    @classmethod
    def from_environment(cls, conf: Settings, environ: Mapping[str, str] | None = None):
        environ = os.environ if environ is None else environ
        if environ.get("GONGKAI_WAREHOUSE"):
            return cls(database=dg.EnvVar("GONGKAI_WAREHOUSE"))
        return cls.of(conf)

    @classmethod
    def of(cls, conf: Settings) -> Warehouse:
        return cls(database=str(conf.warehouse_path))

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        with self.get_connection() as con:
            try:
                migrate(con)
                yield con
            finally:
                con.close()
