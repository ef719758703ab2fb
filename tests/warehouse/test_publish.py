"""The analyst copy: atomic, DuckDB-1.0 readable, self-documenting, never blocked by the load."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.records import RegisteredDistrict
from pipeline.warehouse import (
    build_marts,
    connect,
    export_parquet,
    load_districts,
    load_report,
    publish,
)
from tests.warehouse.conftest import source_for

REPO = Path(__file__).resolve().parents[2]
SCHEMAS = ("raw", "core", "marts")
# Storage version number in the DuckDB file header for STORAGE_VERSION 'v1.0.0'
# (DuckDB 1.0 and 1.1 write and read version 64).
V1_0_0 = 64

LOADER = """
import hashlib, json, sys, time
from pathlib import Path
from pipeline.warehouse import ReportSource, build_marts, connect, load_report, publish
work, copy, truth, started, go = map(Path, sys.argv[1:6])
document = json.loads(truth.read_text(encoding="utf-8"))
con = connect(work)
started.touch()
while not go.exists():
    time.sleep(0.01)
for i in range(30):
    document["source"]["sha256"] = hashlib.sha256(str(i).encode()).hexdigest()
    document["report"]["year"] = 1990 + i
    load_report(con, document, ReportSource("630202"))
build_marts(con, 1990, 2024)
publish(con, copy)
"""


def undocumented(con) -> list[tuple]:
    in_scope = (
        "(schema_name IN ('raw', 'core', 'marts') OR (schema_name = 'main' AND "
        "table_name = 'schema_version'))"
    )
    return con.execute(
        f"SELECT 'table', schema_name, table_name, NULL FROM duckdb_tables() "
        f"WHERE {in_scope} AND (comment IS NULL OR comment = '') UNION ALL "
        f"SELECT 'view', schema_name, view_name, NULL FROM duckdb_views() "
        f"WHERE schema_name IN {SCHEMAS} AND (comment IS NULL OR comment = '') UNION ALL "
        f"SELECT 'column', schema_name, table_name, column_name FROM duckdb_columns() "
        f"WHERE {in_scope} AND (comment IS NULL OR comment = '')"
    ).fetchall()


def test_every_table_view_and_column_is_documented(loaded, tmp_path):
    build_marts(loaded, 2019, 2024)
    build_marts(loaded, 2019, 2024)  # CREATE OR REPLACE drops comments: they come back
    assert undocumented(loaded) == []
    marts = {
        t
        for (t,) in loaded.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall()
    }
    assert marts == {
        "district_year",
        "city_ranking",
        "requester_mix",
        "outcome_mix",
        "coverage",
        "quality",
        "withheld_grounds",
        "timeliness",
        "revisions",
        "text_reuse",
    }
    publish(loaded, tmp_path / "copy.duckdb")
    with duckdb.connect(str(tmp_path / "copy.duckdb"), read_only=True) as copy:
        assert undocumented(copy) == []


def test_published_copy_is_v1_storage_and_complete(loaded, tmp_path):
    build_marts(loaded, 2019, 2024)
    target = tmp_path / "analyst" / "gongkai.duckdb"
    result = publish(loaded, target)
    assert result["bytes"] == target.stat().st_size
    header = target.read_bytes()[:20]
    assert header[8:12] == b"DUCK" and struct.unpack("<Q", header[12:20])[0] == V1_0_0
    assert [p.name for p in target.parent.iterdir()] == ["gongkai.duckdb"]  # no temp left
    with duckdb.connect(str(target), read_only=True) as copy:
        # DuckDB 1.0 cannot read key indexes written by DuckDB 2 (even in v1.0.0 storage):
        # the read-only copy carries none (checked by hand with the duckdb 1.0.0 client).
        assert copy.execute("SELECT count(*) FROM duckdb_indexes()").fetchone()[0] == 0
        assert (
            copy.execute(
                "SELECT count(*) FROM duckdb_constraints() WHERE constraint_type "
                "IN ('PRIMARY KEY', 'UNIQUE')"
            ).fetchone()[0]
            == 0
        )
        for table in ("core.report_cells", "marts.district_year", "main.schema_version"):
            assert (
                copy.execute(f"SELECT count(*) FROM {table}").fetchone()
                == loaded.execute(f"SELECT count(*) FROM {table}").fetchone()
            )
    written = export_parquet(target, tmp_path / "export")
    assert set(written) == {
        "district_year",
        "city_ranking",
        "requester_mix",
        "outcome_mix",
        "coverage",
        "quality",
        "withheld_grounds",
        "timeliness",
        "revisions",
        "text_reuse",
    }
    assert pq.read_table(written["district_year"]).num_rows == 5
    # every column explains itself in the Parquet file; money keeps its decimal type
    schema = pq.read_schema(written["district_year"])
    with duckdb.connect(str(target), read_only=True) as copy:
        comments = dict(
            copy.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'marts' "
                "AND table_name = 'district_year'"
            ).fetchall()
        )
    for field in schema:
        assert field.metadata[b"comment"].decode() == comments[field.name], field.name
    assert json.loads(schema.metadata[b"gongkai.column_comments"]) == comments
    assert schema.metadata[b"gongkai.table_comment"].decode().startswith("区县年度指标")
    assert schema.field("fees_wan_yuan").type == pa.decimal128(18, 6)
    with duckdb.connect() as reader:
        kv = reader.execute(
            "SELECT value FROM parquet_kv_metadata(?) WHERE key = 'gongkai.table'",
            [written["district_year"]],
        ).fetchall()
    assert kv == [(b"marts.district_year",)]


def test_analyst_session_keeps_answering_while_a_load_runs(tmp_path, truths):
    work, copy = tmp_path / "work.duckdb", tmp_path / "gongkai.duckdb"
    truth_path, document = next((p, d) for p, d in truths if p.name.startswith("乐都区"))
    with connect(work) as con:
        load_districts(con, [RegisteredDistrict("630202", "乐都区", "海东市", "青海省")])
        load_report(con, document, source_for(truth_path))
        build_marts(con, 2019, 2024)
        publish(con, copy)
    analyst = duckdb.connect(str(copy), read_only=True)
    query = "SELECT count(*), sum(applications_received) FROM marts.district_year"
    before = analyst.execute(query).fetchone()
    assert before == (1, 6)
    started, go = tmp_path / "started", tmp_path / "go"
    # the seed prints no sha256; the loader sets one per planted year
    loader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            LOADER,
            str(work),
            str(copy),
            str(truth_path),
            str(started),
            str(go),
        ],
        cwd=REPO,
    )
    try:
        while not started.exists():
            assert loader.poll() is None, "loader died before connecting"
            time.sleep(0.01)
        # the loader holds the working database open for writing; the analyst is unaffected
        assert analyst.execute(query).fetchone() == before
        go.touch()
        answers = 0
        while loader.poll() is None:
            assert analyst.execute(query).fetchone() == before  # never a half-built state
            answers += 1
        assert loader.returncode == 0
        assert answers > 0
        # the open session still reads the copy it opened ...
        assert analyst.execute(query).fetchone() == before
    finally:
        if loader.poll() is None:
            loader.kill()
        analyst.close()
    # ... and a new session sees the newly published batch
    with duckdb.connect(str(copy), read_only=True) as fresh:
        assert fresh.execute(query).fetchone()[0] == 31
