"""Open the working warehouse and bring its schema up to date.

DDL lives in ``sql/migrations/NNN_name.sql``, applied in order, each in its own transaction,
and recorded in ``main.schema_version`` so a warehouse built by an older version upgrades in
place. An applied migration is never edited: a changed checksum stops the upgrade.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from pipeline import contract

# sql/ of the repository, linked into the package so an installed warehouse finds it too.
SQL_DIR = Path(__file__).parent / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

_SCHEMA_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS main.schema_version (
    version     INTEGER PRIMARY KEY,
    name        VARCHAR NOT NULL,
    checksum    VARCHAR NOT NULL,
    applied_at  TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE main.schema_version IS '架构版本：已执行的 sql/migrations 迁移文件，每个一行'
    ' (one row per applied migration file of sql/migrations)';
COMMENT ON COLUMN main.schema_version.version IS '版本号：迁移文件名前三位数字'
    ' (the NNN of NNN_name.sql)';
COMMENT ON COLUMN main.schema_version.name IS '迁移名称 (file name of the migration)';
COMMENT ON COLUMN main.schema_version.checksum IS '校验和：文件内容 SHA-256，已执行的迁移不得修改'
    ' (sha256 of the file; applied migrations must not change)';
COMMENT ON COLUMN main.schema_version.applied_at IS '执行时间 (when it was applied)';
"""


class MigrationError(RuntimeError):
    """The warehouse and the migration files disagree; nothing was changed."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in version order; a gap or duplicate number is an error."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNN_name.sql")
        found.append(Migration(int(match.group(1)), path.name, path.read_text(encoding="utf-8")))
    if not found:
        raise MigrationError(f"no migration files in {directory}")
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise MigrationError(f"migration versions must run 1..n without gaps, found {versions}")
    return found


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> Any:
    """The first value of a query that returns a row by construction (a count, a max)."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise LookupError(f"the query returned no row: {sql}")
    return row[0]


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    con.execute(_SCHEMA_VERSION_DDL)
    return scalar(con, "SELECT coalesce(max(version), 0) FROM main.schema_version")


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply the migrations not yet recorded (up to ``target``); return the versions applied."""
    con.execute(_SCHEMA_VERSION_DDL)
    recorded = dict(con.execute("SELECT version, checksum FROM main.schema_version").fetchall())
    applied = []
    for migration in migrations():
        if target is not None and migration.version > target:
            break
        if migration.version in recorded:
            if recorded[migration.version] != migration.checksum:
                raise MigrationError(
                    f"{migration.name} changed after it was applied; add a new migration instead"
                )
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO main.schema_version (version, name, checksum, applied_at) "
                "VALUES (?, ?, ?, now())",
                [migration.version, migration.name, migration.checksum],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    if target is None or target >= 2:
        sync_codes(con)
    return applied


def _code_rows() -> list[tuple]:
    rows: list[tuple] = []
    group_of = {o: g for g, outcomes in contract.OUTCOME_GROUPS.items() for o in outcomes}
    group_label = {
        **contract.OUTCOME_GROUP_LABELS,
        "granted": contract.OUTCOMES["granted"],
        "partially_granted": "（二）部分公开",
    }
    axes = {
        "item": contract.AD_ITEMS,
        "measure": contract.AD_MEASURES,
        "outcome": contract.OUTCOMES,
        "requester": contract.REQUESTERS,
        "proceeding": contract.PROCEEDINGS,
        "result": contract.RESULTS,
    }
    for axis, codes in axes.items():
        for position, (code, label) in enumerate(codes.items()):
            group = group_of.get(code) if axis == "outcome" else None
            label_of_group = group_label.get(group) if group else None
            rows.append((axis, code, label, group, label_of_group, position))
    return rows


def sync_codes(con: duckdb.DuckDBPyConnection) -> None:
    """Refresh core.dim_code from pipeline/contract.py, the one list of codes."""
    rows = _code_rows()
    current = con.execute(
        "SELECT axis, code, label, code_group, group_label, position FROM core.dim_code "
        "ORDER BY axis, position"
    ).fetchall()
    if sorted(current) == sorted(rows):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM core.dim_code")
        con.executemany(
            "INSERT INTO core.dim_code (axis, code, label, code_group, group_label, position) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def connect(path: str | Path, target: int | None = None) -> duckdb.DuckDBPyConnection:
    """Open (or create) the working warehouse and migrate it to the latest version."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    migrate(con, target)
    return con
