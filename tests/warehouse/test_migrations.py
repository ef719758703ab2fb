"""Migrations: a warehouse built at every earlier version upgrades in place without loss."""

from __future__ import annotations

import json

import duckdb
import pytest

from pipeline.records import Listing, RegisteredDistrict, catalog_document, fetch_error_record
from pipeline.warehouse import connect, load_catalog, load_districts, load_report, migrate
from pipeline.warehouse.schema import MigrationError, migrations
from tests.warehouse.conftest import source_for

LATEST = len(migrations())


def tables(con) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "SELECT schema_name || '.' || table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() ORDER BY 1"
        ).fetchall()
    ]


def contents(con) -> dict[str, list]:
    return {
        t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr)
        for t in tables(con)
        if t != "main.schema_version"
    }


def fill(con, version: int, tmp_path, truths) -> None:
    """Put data in every table that exists at ``version``, through the production loaders."""
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
    if version >= 2:
        load_districts(con, [RegisteredDistrict("630202", "乐都区", "海东市", "青海省")])
        for path, document in truths:
            load_report(con, document, source_for(path))


@pytest.mark.parametrize("version", range(1, LATEST))
def test_upgrade_from_every_earlier_version_keeps_data(version, tmp_path, truths):
    path = tmp_path / "old.duckdb"
    with connect(path, target=version) as con:
        assert con.execute("SELECT max(version) FROM main.schema_version").fetchone()[0] == version
        fill(con, version, tmp_path, truths)
        before = contents(con)
        assert all(before.values()), "every table of the old version holds data"
    with duckdb.connect(str(path)) as con:
        assert migrate(con) == list(range(version + 1, LATEST + 1))
        after = contents(con)
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
