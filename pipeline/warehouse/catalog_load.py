"""Load the crawl catalog (``<catalog_dir>/<portal>/*.jsonl``) into ``raw``.

Catalog files are written once and never modified, so a file recorded in
``raw.catalog_files`` is skipped on the next run: only new records are loaded. Each file is
loaded in one transaction with its ``raw.catalog_files`` row, so a crash never loads half a
file or loads one twice.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.records import catalog_lines

_MAX_DETAIL = 20
_STR, _INT, _BOOL = pa.string(), pa.int64(), pa.bool_()
# catalog key -> (column, type); timestamps arrive as ISO strings and are cast in SQL.
DOCUMENT_FIELDS = {
    "run_id": ("run_id", _STR),
    "portal": ("portal", _STR),
    "division_code": ("division_code", _STR),
    "url": ("url", _STR),
    "final_url": ("final_url", _STR),
    "title": ("title", _STR),
    "year": ("year", _INT),
    "agency": ("agency", _STR),
    "agency_kind": ("agency_kind", _STR),
    "role": ("role", _STR),
    "parent_url": ("parent_url", _STR),
    "http_status": ("http_status", _INT),
    "etag": ("etag", _STR),
    "last_modified": ("last_modified", _STR),
    "content_type": ("content_type", _STR),
    "sniffed_type": ("sniffed_type", _STR),
    "bytes": ("bytes", _INT),
    "sha256": ("sha256", _STR),
    "archive_path": ("archive_path", _STR),
    "is_sample": ("is_sample", _BOOL),
    "first_seen": ("first_seen", _STR),
    "last_seen": ("last_seen", _STR),
    "fetched_at": ("fetched_at", _STR),
    "change": ("change", _STR),
    "published_at": ("published_at", _STR),
    "published_source": ("published_source", _STR),
}
ERROR_FIELDS = {
    "run_id": ("run_id", _STR),
    "portal": ("portal", _STR),
    "division_code": ("division_code", _STR),
    "url": ("url", _STR),
    "class": ("error_class", _STR),
    "http_status": ("http_status", _INT),
    "message": ("message", _STR),
    "attempts": ("attempts", _INT),
    "at": ("failed_at", _STR),
}
_TIMESTAMPS = {"first_seen", "last_seen", "fetched_at", "failed_at", "published_at"}


def _coerce(value, kind):
    """A catalog value in the column's type; a value of the wrong type becomes null."""
    if value is None:
        return None
    if kind == _BOOL:
        return value if isinstance(value, bool) else None
    if kind == _INT:
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class _Batch:
    def __init__(self, fields: dict) -> None:
        self.fields = fields
        self.rows: dict[str, list] = {"catalog_file": [], "line_no": []}
        self.rows.update({column: [] for column, _ in fields.values()})

    def add(self, catalog_file: str, line_no: int, record: dict) -> None:
        self.rows["catalog_file"].append(catalog_file)
        self.rows["line_no"].append(line_no)
        for key, (column, kind) in self.fields.items():
            self.rows[column].append(_coerce(record.get(key), kind))

    def __len__(self) -> int:
        return len(self.rows["line_no"])

    def insert(self, con, table: str) -> None:
        if not len(self):
            return
        schema = pa.schema(
            [("catalog_file", _STR), ("line_no", pa.int32())]
            + [(column, kind) for column, kind in self.fields.values()]
        )
        con.register("catalog_rows", pa.table(self.rows, schema=schema))
        select = ", ".join(
            f"TRY_CAST({c} AS TIMESTAMPTZ)" if c in _TIMESTAMPS else c for c in schema.names
        )
        try:
            con.execute(
                f"INSERT INTO {table} ({', '.join(schema.names)}) SELECT {select} FROM catalog_rows"
            )
        finally:
            con.unregister("catalog_rows")


def _parse(path: Path, name: str):
    documents, errors = _Batch(DOCUMENT_FIELDS), _Batch(ERROR_FIELDS)
    ignored, invalid = 0, 0
    detail: list[str] = []
    data = path.read_bytes()
    lines = 0
    for line_no, record, reason in catalog_lines(data):
        lines += 1
        if record is not None:
            kind = record.get("kind")
            if kind == "document":
                reason = None if record.get("url") else "document without url"
                if reason is None:
                    documents.add(name, line_no, record)
            elif kind == "fetch_error":
                reason = None if record.get("url") else "fetch_error without url"
                if reason is None:
                    errors.add(name, line_no, record)
            else:
                ignored += 1
        if reason is not None:
            invalid += 1
            if len(detail) < _MAX_DETAIL:
                detail.append(f"line {line_no}: {reason}")
    summary = {
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "lines": lines,
        "ignored": ignored,
        "invalid_lines": invalid,
        "invalid_detail": detail,
    }
    return documents, errors, summary


def load_catalog(con: duckdb.DuckDBPyConnection, catalog_dir: str | Path) -> dict:
    """Load catalog files not loaded before; return counts of what was new."""
    catalog_dir = Path(catalog_dir)
    totals = {"files": 0, "documents": 0, "fetch_errors": 0, "ignored": 0, "invalid_lines": 0}
    if not catalog_dir.is_dir():
        return totals
    loaded = {p for (p,) in con.execute("SELECT path FROM raw.catalog_files").fetchall()}
    for path in sorted(catalog_dir.glob("*/[!.]*.jsonl")):
        name = path.relative_to(catalog_dir).as_posix()
        if name in loaded:
            continue
        documents, errors, summary = _parse(path, name)
        con.execute("BEGIN TRANSACTION")
        try:
            documents.insert(con, "raw.documents")
            errors.insert(con, "raw.fetch_errors")
            con.execute(
                "INSERT INTO raw.catalog_files (path, portal, bytes, sha256, lines, documents, "
                "fetch_errors, ignored, invalid_lines, invalid_detail, loaded_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                [
                    name,
                    path.parent.name,
                    summary["bytes"],
                    summary["sha256"],
                    summary["lines"],
                    len(documents),
                    len(errors),
                    summary["ignored"],
                    summary["invalid_lines"],
                    summary["invalid_detail"],
                ],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        totals["files"] += 1
        totals["documents"] += len(documents)
        totals["fetch_errors"] += len(errors)
        totals["ignored"] += summary["ignored"]
        totals["invalid_lines"] += summary["invalid_lines"]
    return totals
