"""Load one contract document: ``core.dim_report`` row, its fact rows and findings.

One transaction per report replaces everything the warehouse holds for that document
(report_id comes from the source sha256, so re-extraction replaces, a corrected
republication adds a version), then recomputes which version is current.
"""

from __future__ import annotations

import re
from dataclasses import astuple, fields
from datetime import UTC, datetime, timedelta, timezone

import duckdb
import pyarrow as pa

from pipeline import contract
from pipeline.records import ReportRow, ReportSource
from pipeline.warehouse.cells import FACT_TABLES, Cells, findings, to_cells
from pipeline.warehouse.schema import scalar

AGENCY_KINDS = ("district", "department", "other")
BEIJING = timezone(timedelta(hours=8))
USABLE = ("ok", "flagged", "partial")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_CODE = re.compile(r"^\d{6}$")
_PROVENANCE_TYPES: list[tuple[str, pa.DataType]] = [
    ("src_page", pa.int32()),
    ("src_table", pa.int32()),
    ("src_row", pa.int32()),
    ("src_col", pa.int32()),
]
_KEY_TYPES: list[tuple[str, pa.DataType]] = [
    ("report_id", pa.int64()),
    ("division_code", pa.string()),
    ("year", pa.int32()),
]
_VALUE_TYPES: list[tuple[str, pa.DataType]] = [
    ("count", pa.int64()),
    ("amount", pa.decimal128(18, 6)),
    ("raw", pa.string()),
    *_PROVENANCE_TYPES,
]
# Arrow schemas in the column order of the fact tables (tables 三 and 四 carry no format).
_AD_SCHEMA = pa.schema(
    [*_KEY_TYPES, ("k1", pa.string()), ("k2", pa.string()), ("format", pa.string()), *_VALUE_TYPES]
)
_GRID_SCHEMA = pa.schema([*_KEY_TYPES, ("k1", pa.string()), ("k2", pa.string()), *_VALUE_TYPES])
_GRID_FACTS = ("fact_applications", "fact_appeals")


def report_year(printed, listed: int | None) -> int | None:
    """The year a report is about: the one it prints, else the one its list title gives.

    The list-title year (``ReportSource.year``, the crawl catalog's) keys the district x year
    partition and is kept as ``dim_report.catalog_year``; the printed year is
    ``dim_report.year``, the year the marts compare. When they differ the report stays where
    it was loaded and ``marts.quality`` lists the disagreement (rule ``year_mismatch``).
    """
    if isinstance(printed, int) and not isinstance(printed, bool):
        return printed
    return listed


def report_id_of(sha256: str) -> int:
    """The warehouse key of a document: its sha256's first 60 bits, a positive BIGINT."""
    return int(sha256[:15], 16)


def _timestamp(value: datetime | str | None) -> str | None:
    """ISO-8601 in UTC when no zone is given; a malformed string is a ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def _beijing_date(timestamp: str | None) -> str | None:
    """The calendar date of a publication time in Beijing, where the reports are published."""
    if timestamp is None:
        return None
    return datetime.fromisoformat(timestamp).astimezone(BEIJING).date().isoformat()


def _document_time(value) -> str | None:
    """A time the document itself carries: ignored when it is not a valid ISO-8601 string."""
    try:
        return _timestamp(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def _document_problems(document: dict) -> list[str]:
    problems = []
    if document.get("contract") != contract.CONTRACT:
        problems.append(f"contract is {document.get('contract')!r}, expected {contract.CONTRACT}")
    if document.get("status") not in contract.STATUSES:
        problems.append(f"status {document.get('status')!r} is not one of {contract.STATUSES}")
    year = _object(document.get("report")).get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        problems.append(f"report.year {year!r} is not an integer")
    return problems


def _identity(document: dict, source: ReportSource) -> str:
    if not _CODE.match(source.division_code or ""):
        raise ValueError(f"division_code {source.division_code!r} is not a 6-digit code")
    if source.agency_kind not in AGENCY_KINDS:
        raise ValueError(f"agency_kind {source.agency_kind!r} is not one of {AGENCY_KINDS}")
    if not isinstance(document, dict):
        raise ValueError(f"a contract document is a JSON object, got {type(document).__name__}")
    sha = _object(document.get("source")).get("sha256")
    sha = (sha if isinstance(sha, str) else source.sha256 or "").lower()
    if not _SHA256.match(sha):
        raise ValueError(
            "the document has no source.sha256 and ReportSource.sha256 is not set: "
            "a report is identified by the sha256 of its source document"
        )
    return sha


def _text(value) -> str | None:
    return None if value is None else str(value)


def load_report(con: duckdb.DuckDBPyConnection, document: dict, source: ReportSource) -> dict:
    """Replace this document's rows in one transaction; return what was loaded.

    A document that breaks the contract is recorded with status ``failed`` and the reasons in
    ``load_errors`` (and no cells), so coverage can say why; it never half-loads.
    """
    sha = _identity(document, source)
    report_id = report_id_of(sha)
    problems = _document_problems(document)
    cells, cell_problems, invalid_findings = to_cells(document)
    finding_rows, finding_problems = findings(document)
    finding_rows += invalid_findings
    problems += cell_problems + finding_problems
    if problems:
        cells, finding_rows = Cells(), []
    report = _object(document.get("report"))
    templates = _object(document.get("templates"))
    src = _object(document.get("source"))
    year = report_year(report.get("year"), source.year)
    printed_agency = _text(report.get("agency"))
    version_key = (
        ""
        if source.agency_kind == "district"
        else (source.agency or printed_agency or source.url or "").strip()
    )
    raw_errors = document.get("errors") or []
    errors = [str(e) for e in raw_errors] if isinstance(raw_errors, list) else [str(raw_errors)]
    status = "failed" if problems else document["status"]
    if status == "ok" and invalid_findings:
        status = "flagged"  # the contract's order: a failing rule flags the report
    published_at = _timestamp(source.published_at)
    row = ReportRow(
        report_id=report_id,
        source_sha256=sha,
        division_code=source.division_code,
        agency=printed_agency,
        agency_kind=source.agency_kind,
        version_key=version_key,
        year=year,
        title=_text(report.get("title")),
        source_url=source.url,
        source_path=_text(src.get("path")),
        source_format=_text(src.get("format")),
        template_active_disclosure=_text(templates.get("active_disclosure")),
        template_other_handling=_text(templates.get("other_handling")),
        status=status,
        extracted_status=_text(document.get("status")),
        errors=errors,
        load_errors=["warehouse rejected the document: " + p for p in problems],
        finding_count=len(finding_rows),
        cell_count=len(cells),
        published_at=published_at,
        first_seen=_timestamp(source.first_seen),
        extracted_at=_timestamp(source.extracted_at)
        or _document_time(document.get("extracted_at"))
        or datetime.now(UTC).isoformat(),
        is_sample=bool(source.is_sample),
        catalog_year=source.year,
        published_source=source.published_source if published_at else None,
        published_on=_beijing_date(published_at),
    )
    con.execute("BEGIN TRANSACTION")
    try:
        previous = con.execute(
            "SELECT division_code, year, agency_kind, version_key FROM core.dim_report "
            "WHERE report_id = ?",
            [report_id],
        ).fetchone()
        if previous is not None:
            for table in (*FACT_TABLES, "report_findings", "report_text"):
                con.execute(f"DELETE FROM core.{table} WHERE report_id = ?", [report_id])
            con.execute("DELETE FROM core.dim_report WHERE report_id = ?", [report_id])
        group = (source.division_code, year, source.agency_kind, version_key)
        alone = scalar(
            con,
            "SELECT count(*) = 0 FROM core.dim_report WHERE division_code = ? "
            "AND year IS NOT DISTINCT FROM ? AND agency_kind = ? AND version_key = ?",
            list(group),
        )
        _insert_report(con, row, is_current=alone)
        _insert_cells(con, cells, report_id, source.division_code, year)
        text = document.get("text")
        if isinstance(text, str):  # valid UTF-8 without NULs, whatever the document held
            text = text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
        if isinstance(text, str) and text and not problems:
            con.execute(
                "INSERT INTO core.report_text VALUES (?, ?, ?, ?, ?)",
                [report_id, source.division_code, year, text, len(text)],
            )
        if finding_rows:
            con.executemany(
                "INSERT INTO core.report_findings (report_id, division_code, year, rule, location, "
                "message) VALUES (?, ?, ?, ?, ?, ?)",
                [(report_id, source.division_code, year, *f) for f in finding_rows],
            )
        if not alone:
            _recompute_current(con, group)
        if previous is not None and tuple(previous) != group:
            _recompute_current(con, tuple(previous))
        is_current = alone or scalar(
            con, "SELECT is_current FROM core.dim_report WHERE report_id = ?", [report_id]
        )
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return {
        "report_id": report_id,
        "status": status,
        "cells": len(cells),
        "findings": len(finding_rows),
        "replaced": previous is not None,
        "is_current": is_current,
        "load_errors": problems,
    }


_REPORT_COLUMNS = [f.name for f in fields(ReportRow)]
_CASTS = {
    "published_at": "TIMESTAMPTZ",
    "first_seen": "TIMESTAMPTZ",
    "extracted_at": "TIMESTAMPTZ",
    "published_on": "DATE",
}


def _insert_report(con, row: ReportRow, *, is_current: bool) -> None:
    """One ``core.dim_report`` row, columns named; a new row is version 1 until recomputed."""
    values = ", ".join(f"CAST(? AS {_CASTS[c]})" if c in _CASTS else "?" for c in _REPORT_COLUMNS)
    con.execute(
        f"INSERT INTO core.dim_report ({', '.join(_REPORT_COLUMNS)}, loaded_at, is_current, "
        f"version_rank) VALUES ({values}, now(), ?, 1)",
        [*astuple(row), is_current],
    )


def _insert_cells(con, cells: Cells, report_id: int, division_code: str, year: int | None) -> None:
    """One bulk Arrow insert per fact table the report has cells in."""
    for fact, columns in cells.by_fact.items():
        n = len(columns["k1"])
        schema = _GRID_SCHEMA if fact in _GRID_FACTS else _AD_SCHEMA
        data = {
            "report_id": [report_id] * n,
            "division_code": [division_code] * n,
            "year": [year] * n,
            **columns,
        }
        table = pa.table({name: data[name] for name in schema.names}, schema=schema)
        table = table.rename_columns([_column_of(fact, name) for name in schema.names])
        names = ", ".join(table.column_names)
        con.register("fact_rows", table)
        try:
            con.execute(f"INSERT INTO core.{fact} ({names}) SELECT {names} FROM fact_rows")
        finally:
            con.unregister("fact_rows")


def _column_of(fact: str, name: str) -> str:
    """The fact table's column for a cell field: k1/k2 are the table's two codes."""
    table = {"fact_applications": "applications", "fact_appeals": "appeals"}.get(
        fact, "active_disclosure"
    )
    k1, k2 = contract.ENTRY_KEYS[table]
    return {"k1": k1, "k2": k2, "amount": "amount_wan_yuan"}.get(name, name)


def _recompute_current(con, group: tuple) -> None:
    """The current version of a group: usable (ok/flagged/partial) first, then the newest."""
    con.execute(
        """
        UPDATE core.dim_report AS r SET is_current = (v.rank = 1), version_rank = v.rank
        FROM (
            SELECT report_id, row_number() OVER (
                ORDER BY status IN ('ok', 'flagged', 'partial') DESC,
                         coalesce(published_at, first_seen) DESC NULLS LAST,
                         extracted_at DESC NULLS LAST, report_id) AS rank
            FROM core.dim_report
            WHERE division_code = ? AND year IS NOT DISTINCT FROM ? AND agency_kind = ?
              AND version_key = ?
        ) AS v
        WHERE r.report_id = v.report_id
        """,
        list(group),
    )
