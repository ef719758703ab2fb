"""Publish the read-only analyst copy and export the marts as Parquet.

DuckDB allows one writer per file, and a writer and another process's reader block each
other. Analysts therefore never open the working database: once per batch the pipeline copies
it into a temp file beside the analyst copy and renames it over the old one. An open analyst
session keeps reading the file it opened (the old inode) and never sees a half-built copy.
The copy is written in storage version v1.0.0 so every DuckDB >= 1.0 client opens it. It is
rebuilt table by table rather than with ``COPY FROM DATABASE``: DuckDB 1.0 cannot read the
primary-key and unique indexes DuckDB 2 writes even in v1.0.0 storage ("Failed to deserialize
... field id: 103"), and a read-only copy needs no keys. Comments and views are re-created.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.warehouse.schema import scalar

STORAGE_VERSION = "v1.0.0"
_TARGET = "gongkai_publish"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _copy(con: duckdb.DuckDBPyConnection, source: str) -> None:
    """Tables (data, no keys), views and every comment of ``source`` into the target."""
    con.execute("BEGIN TRANSACTION")
    try:
        db = _quote(source)
        tables = con.execute(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() "
            "WHERE database_name = ? AND NOT internal ORDER BY ALL",
            [source],
        ).fetchall()
        views = con.execute(
            "SELECT schema_name, view_name, comment, sql FROM duckdb_views() "
            "WHERE database_name = ? AND NOT internal ORDER BY ALL",
            [source],
        ).fetchall()
        columns = con.execute(
            "SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = ? AND NOT internal AND comment IS NOT NULL "
            "ORDER BY schema_name, table_name, column_index",
            [source],
        ).fetchall()
        for schema in sorted({s for s, *_ in tables} | {s for s, *_ in views}):
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {_TARGET}.{_quote(schema)}")
        for schema, table, _ in tables:
            con.execute(
                f"CREATE TABLE {_TARGET}.{_quote(schema)}.{_quote(table)} AS "
                f"SELECT * FROM {db}.{_quote(schema)}.{_quote(table)}"
            )
        con.execute(f"USE {_TARGET}")
        for _, _, _, sql in views:
            con.execute(sql)
        described = [("TABLE", s, n, c) for s, n, c in tables] + [
            ("VIEW", s, n, c) for s, n, c, _ in views
        ]
        for kind, schema, name, comment in described:
            if comment is not None:
                con.execute(
                    f"COMMENT ON {kind} {_quote(schema)}.{_quote(name)} IS {_literal(comment)}"
                )
        for schema, table, column, comment in columns:
            con.execute(
                f"COMMENT ON COLUMN {_quote(schema)}.{_quote(table)}.{_quote(column)} "
                f"IS {_literal(comment)}"
            )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _remove(path: Path) -> None:
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)


def publish(
    con_or_path: duckdb.DuckDBPyConnection | str | Path, analyst_copy_path: str | Path
) -> dict:
    """Copy the working database to ``analyst_copy_path`` atomically; return its size."""
    target = Path(analyst_copy_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    own = not isinstance(con_or_path, duckdb.DuckDBPyConnection)
    con = (
        con_or_path
        if isinstance(con_or_path, duckdb.DuckDBPyConnection)
        else duckdb.connect(str(con_or_path))
    )
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    _remove(temp)
    try:
        source = scalar(con, "SELECT current_database()")
        con.execute("CHECKPOINT")
        con.execute(
            f"ATTACH '{temp.as_posix()}' AS {_TARGET} (STORAGE_VERSION '{STORAGE_VERSION}')"
        )
        try:
            _copy(con, source)
        finally:
            con.execute(f"USE {_quote(source)}")
            con.execute(f"DETACH {_TARGET}")
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:  # an interrupt too: no half-written copy is left beside the target
        _remove(temp)
        raise
    finally:
        if own:
            con.close()
    return {"path": str(target), "bytes": target.stat().st_size, "storage_version": STORAGE_VERSION}


def _with_comments(con: duckdb.DuckDBPyConnection, mart: str, table: pa.Table) -> pa.Table:
    """The mart's table and column comments in the Parquet file: each column's comment as its
    Arrow field metadata (``comment``), and all of them as file key-value metadata
    (``gongkai.table_comment``, ``gongkai.column_comments`` as JSON), so a Parquet reader
    (pyarrow, DuckDB's ``parquet_kv_metadata``, pandas) sees what every column means."""
    table_comment = con.execute(
        "SELECT comment FROM duckdb_tables() WHERE database_name = current_database() "
        "AND schema_name = 'marts' AND table_name = ?",
        [mart],
    ).fetchone()
    comments = dict(
        con.execute(
            "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = "
            "current_database() AND schema_name = 'marts' AND table_name = ?",
            [mart],
        ).fetchall()
    )
    fields = [
        f.with_metadata({"comment": comments[f.name]}) if comments.get(f.name) else f
        for f in table.schema
    ]
    metadata: dict[bytes | str, bytes | str] = {
        "gongkai.table": f"marts.{mart}",
        "gongkai.table_comment": str((table_comment[0] if table_comment else None) or ""),
        "gongkai.column_comments": json.dumps(
            {f.name: comments.get(f.name) for f in table.schema}, ensure_ascii=False
        ),
    }
    return table.cast(pa.schema(fields, metadata=metadata))


def export_parquet(
    analyst_copy_or_con: duckdb.DuckDBPyConnection | str | Path, out_dir: str | Path
) -> dict[str, str]:
    """Write every ``marts`` table as ``<out_dir>/<mart>.parquet`` (temp file, then rename)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    own = not isinstance(analyst_copy_or_con, duckdb.DuckDBPyConnection)
    con = (
        analyst_copy_or_con
        if isinstance(analyst_copy_or_con, duckdb.DuckDBPyConnection)
        else duckdb.connect(str(analyst_copy_or_con), read_only=True)
    )
    written = {}
    try:
        marts = [
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts' "
                "AND database_name = current_database() ORDER BY table_name"
            ).fetchall()
        ]
        for name in marts:
            path = out / f"{name}.parquet"
            temp = out / f".{name}.parquet.tmp"
            try:
                table = con.sql(f"SELECT * FROM marts.{_quote(name)}").to_arrow_table()
                pq.write_table(_with_comments(con, name, table), temp, compression="zstd")
                os.replace(temp, path)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
            written[name] = str(path)
    finally:
        if own:
            con.close()
    return written
