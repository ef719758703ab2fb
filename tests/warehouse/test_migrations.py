"""Migrations: a warehouse built at every earlier version upgrades in place without loss."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import duckdb
import pytest

from pipeline.records import Listing, RegisteredDistrict, catalog_document, fetch_error_record
from pipeline.warehouse import connect, load_catalog, load_districts, load_report, migrate
from pipeline.warehouse.districts import DIVISIONS_CSV
from pipeline.warehouse.schema import SQL_DIR, MigrationError, migrations
from tests.warehouse.conftest import source_for

LATEST = len(migrations())


def table_columns(con) -> dict[str, list[str]]:
    """Each table of the warehouse (but the version table) → its columns, in order."""
    found: dict[str, list[str]] = {}
    for table, column in con.execute(
        "SELECT schema_name || '.' || table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND NOT internal "
        "AND table_oid IN (SELECT table_oid FROM duckdb_tables()) "
        "ORDER BY schema_name, table_name, column_index"
    ).fetchall():
        if table != "main.schema_version":
            found.setdefault(table, []).append(column)
    return found


def contents(con, columns: dict[str, list[str]]) -> dict[str, list]:
    return {
        t: sorted(con.execute(f"SELECT {', '.join(cols)} FROM {t}").fetchall(), key=repr)
        for t, cols in columns.items()
    }


def fill(con, tmp_path, truths) -> None:
    """Put data in every table of an older warehouse, through the production loaders.

    The loaders write the current schema, so they fill a current warehouse and its rows are
    copied into the columns the older tables have.
    """
    loaded = tmp_path / "loaded.duckdb"
    with connect(loaded) as current:
        load_everything(current, tmp_path, truths)
    con.execute(f"ATTACH '{loaded}' AS loaded (READ_ONLY)")
    try:
        for table, columns in table_columns(con).items():
            if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
                continue  # filled by the migration itself (core.dim_code)
            names = ", ".join(columns)
            con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM loaded.{table}")
    finally:
        con.execute("DETACH loaded")


def load_everything(con, tmp_path, truths) -> None:
    catalog = tmp_path / "catalog" / "p"
    catalog.mkdir(parents=True)
    record = catalog_document(
        run_id="r",
        portal="p",
        division_code="630202",
        url="http://example.test/",
        listing=Listing("2021年报告", 2021, "乐都区人民政府", "district", "article"),
        sha256="ab" * 32,
        archive_path="ab/ab.html",
        sniffed_type="html",
        size=1,
        fetched_at="2024-01-01T00:00:00Z",
    )
    error = fetch_error_record(
        run_id="r",
        portal="p",
        division_code="630202",
        url="http://example.test/x",
        error_class="http",
        http_status=404,
        message="not found",
        at="2024-01-01T00:00:00Z",
    )
    (catalog / "r.jsonl").write_text(
        json.dumps(record) + "\n" + json.dumps(error) + "\n", encoding="utf-8"
    )
    load_catalog(con, tmp_path / "catalog")
    load_districts(con, [RegisteredDistrict("630202", "乐都区", "海东市", "青海省")])
    for path, document in truths:  # truth files carry no narrative: give each one (006)
        load_report(con, {"text": "一、总体情况 示例正文", **document}, source_for(path))


@pytest.mark.parametrize("version", range(1, LATEST))
def test_upgrade_from_every_earlier_version_keeps_data(version, tmp_path, truths):
    path = tmp_path / "old.duckdb"
    with connect(path, target=version) as con:
        assert con.execute("SELECT max(version) FROM main.schema_version").fetchone()[0] == version
        fill(con, tmp_path, truths)
        columns = table_columns(con)
        before = contents(con, columns)
        assert all(before.values()), "every table of the old version holds data"
    with duckdb.connect(str(path)) as con:
        assert migrate(con) == list(range(version + 1, LATEST + 1))
        after = contents(con, columns)
        for table, rows in before.items():
            assert after[table] == rows, table
        assert migrate(con) == []
        assert [
            v
            for (v,) in con.execute(
                "SELECT version FROM main.schema_version ORDER BY version"
            ).fetchall()
        ] == list(range(1, LATEST + 1))


def test_migrations_are_idempotent_and_checked(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    with connect(path) as con:
        assert migrate(con) == []
        con.execute("UPDATE main.schema_version SET checksum = 'edited' WHERE version = 1")
        with pytest.raises(MigrationError, match="changed after it was applied"):
            migrate(con)


def test_the_package_reads_the_repository_sql_and_divisions():
    """sql/ and data/divisions.csv are linked into pipeline/warehouse/ and shipped in the wheel."""
    repo = Path(__file__).resolve().parents[2]
    assert SQL_DIR.resolve() == repo / "sql"
    assert DIVISIONS_CSV.resolve() == repo / "data" / "divisions.csv"
    shipped = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    globs = shipped["tool"]["setuptools"]["package-data"]["pipeline.warehouse"]
    package = repo / "pipeline" / "warehouse"
    found = {p for pattern in globs for p in package.glob(pattern)}
    assert found == {*SQL_DIR.glob("migrations/*.sql"), *SQL_DIR.glob("marts/*.sql"), DIVISIONS_CSV}
