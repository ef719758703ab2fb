"""The records that cross a boundary between stages, typed in one place.

- the crawl catalog's JSON Lines (written by the crawler; read by the crawler's next run, the
  extraction step, the Dagster sensor and the warehouse): :class:`CatalogDocument` for a fetched
  resource (``document``, ``list_page``, ``robots``) and :class:`FetchErrorRecord`;
- the extraction result, the contract object ``gongkai.report/1`` (see
  ``../shared/contract/README.md``) plus ``pipeline_fault``: :class:`ExtractionResult`;
- what the catalog tells the warehouse about a chosen report: :class:`ReportSource`;
- a row of ``core.dim_report`` as the loader inserts it: :class:`ReportRow`;
- a district the portal registry names, for ``core.dim_district``: :class:`RegisteredDistrict`.

Catalog records and extraction results stay plain JSON objects on disk, so they are
``TypedDict``s; each is built by one function here and nowhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NotRequired, TypedDict

ResourceKind = Literal["document", "list_page", "robots"]
Change = Literal["new", "changed", "unchanged"]


class CatalogDocument(TypedDict):
    """A fetched resource, archived by its sha256; documents also carry what their list said."""

    kind: ResourceKind
    run_id: str
    portal: str
    division_code: str
    url: str
    final_url: str | None
    http_status: int | None
    etag: str | None
    last_modified: str | None
    content_type: str | None
    sniffed_type: str
    bytes: int
    sha256: str
    archive_path: str
    is_sample: bool
    first_seen: str
    last_seen: str
    fetched_at: str
    change: Change
    # documents only (see Listing)
    title: NotRequired[str]
    year: NotRequired[int | None]
    agency: NotRequired[str]
    agency_kind: NotRequired[str]
    role: NotRequired[str]
    parent_url: NotRequired[str | None]
    # documents only: when it was published and how we know (pipeline/crawl/published.py)
    published_at: NotRequired[str | None]
    published_source: NotRequired[str | None]
    # list pages only: sha256 of the report entries on the page (unchanged: not stored again)
    entries: NotRequired[str]


@dataclass(frozen=True)
class Listing:
    """What the portal's list said about a document: the year in its title keys the partition."""

    title: str
    year: int | None
    agency: str
    agency_kind: str  # "district" | "department" | "other" (a government not in the registry)
    role: str  # "article" | "attachment"
    parent_url: str | None = None
    division_code: str | None = None  # another registry district's, when the title names it


def catalog_document(
    *,
    run_id: str,
    portal: str,
    division_code: str,
    url: str,
    sha256: str,
    archive_path: str,
    sniffed_type: str,
    size: int,
    fetched_at: str,
    first_seen: str | None = None,
    is_sample: bool = False,
    change: Change = "new",
    listing: Listing | None = None,
    kind: ResourceKind = "document",
    final_url: str | None = None,
    http_status: int | None = 200,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str | None = None,
    published_at: str | None = None,
    published_source: str | None = None,
    entries: str | None = None,
) -> CatalogDocument:
    """The catalog record of a resource fetched at ``fetched_at`` (also its ``last_seen``)."""
    record: CatalogDocument = {
        "kind": kind,
        "run_id": run_id,
        "portal": portal,
        "division_code": division_code,
        "url": url,
        "final_url": final_url,
        "http_status": http_status,
        "etag": etag,
        "last_modified": last_modified,
        "content_type": content_type,
        "sniffed_type": sniffed_type,
        "bytes": size,
        "sha256": sha256,
        "archive_path": archive_path,
        "is_sample": is_sample,
        "first_seen": first_seen or fetched_at,
        "last_seen": fetched_at,
        "fetched_at": fetched_at,
        "change": change,
    }
    if listing is not None:
        record["title"] = listing.title
        record["year"] = listing.year
        record["agency"] = listing.agency
        record["agency_kind"] = listing.agency_kind
        record["role"] = listing.role
        record["parent_url"] = listing.parent_url
    if kind == "document":
        record["published_at"] = published_at
        record["published_source"] = published_source
    if entries is not None:
        record["entries"] = entries
    return record


# ``class`` is a keyword, hence the functional form.
FetchErrorRecord = TypedDict(
    "FetchErrorRecord",
    {
        "kind": Literal["fetch_error"],
        "run_id": str,
        "portal": str,
        "division_code": str,
        "url": str,
        "class": str,
        "http_status": int | None,
        "message": str,
        "attempts": int,
        "retryable": bool,
        "at": str,
    },
)


def fetch_error_record(
    *,
    run_id: str,
    portal: str,
    division_code: str,
    url: str,
    error_class: str,
    message: str,
    at: str,
    http_status: int | None = None,
    attempts: int = 1,
    retryable: bool = False,
) -> FetchErrorRecord:
    """A failed fetch; ``error_class`` is one of the crawler's classes (http, timeout, ...)."""
    return {
        "kind": "fetch_error",
        "run_id": run_id,
        "portal": portal,
        "division_code": division_code,
        "url": url,
        "class": error_class,
        "http_status": http_status,
        "message": message,
        "attempts": attempts,
        "retryable": retryable,
        "at": at,
    }


CatalogRecord = CatalogDocument | FetchErrorRecord


def catalog_lines(data: bytes) -> Iterator[tuple[int, dict[str, Any] | None, str | None]]:
    """(line number, record, problem) of every non-blank line of a catalog file.

    One rule for every reader (the crawler's index and crash recovery, the extraction step and
    the sensor, the warehouse): a line counts when it is complete (ends with a newline) and
    holds one JSON object. Any other line comes with ``record`` None and the reason; the lines
    after it still count. A crash mid-write leaves at most the last line of a journal
    incomplete.
    """
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        if number == len(lines):
            yield number, None, "incomplete line (no newline at the end)"
            continue
        try:
            record = json.loads(raw.decode("utf-8", errors="replace"))
        except json.JSONDecodeError as exc:
            yield number, None, f"not JSON ({exc.msg})"
            continue
        if isinstance(record, dict):
            yield number, record, None
        else:
            yield number, None, "not a JSON object"


# --- extraction result ------------------------------------------------------------------------
class SourceInfo(TypedDict):
    path: str | None
    sha256: str | None
    format: str | None
    url: NotRequired[str | None]  # the catalog's URL, added when the report is chosen


class PrintedReport(TypedDict):
    """What the document prints about itself: ``year`` is the year the report covers."""

    agency: str | None
    year: int | None
    title: str | None


class Templates(TypedDict):
    active_disclosure: str | None  # "2019" | "2021" | "mixed"
    other_handling: str | None


class ExtractionResult(TypedDict):
    """One ``gongkai.report/1`` object; ``pipeline_fault`` says our code failed, not the file."""

    contract: str
    source: SourceInfo
    report: PrintedReport
    templates: Templates
    status: str
    errors: list[str]
    active_disclosure: list[dict[str, Any]]
    applications: list[dict[str, Any]]
    appeals: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    pipeline_fault: bool
    text: NotRequired[str]  # extra key: the report's prose outside the tables (every page)


# --- warehouse rows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportSource:
    """What the warehouse knows about a document beyond its contract output (the catalog's).

    ``year`` is the year the portal's list title gives, which keys the district x year
    partition (see ``warehouse.report_load.report_year``). ``sha256`` is a fallback for
    documents that do not print it (the catalog knows the document hash). ``published_at`` (or
    else ``first_seen``) decides which version of a report is the newest.
    """

    division_code: str
    agency_kind: str = "district"
    url: str | None = None
    is_sample: bool = False
    published_at: datetime | str | None = None
    published_source: str | None = None  # where published_at comes from (crawl.published)
    first_seen: datetime | str | None = None
    extracted_at: datetime | str | None = None
    year: int | None = None
    agency: str | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class ReportRow:
    """One ``core.dim_report`` row: field names are its column names (002_core.sql, 005).

    ``loaded_at``, ``is_current`` and ``version_rank`` are the loader's to set in SQL.
    """

    report_id: int
    source_sha256: str
    division_code: str
    agency: str | None
    agency_kind: str
    version_key: str
    year: int | None
    title: str | None
    source_url: str | None
    source_path: str | None
    source_format: str | None
    template_active_disclosure: str | None
    template_other_handling: str | None
    status: str
    extracted_status: str | None
    errors: list[str]
    load_errors: list[str]
    finding_count: int
    cell_count: int
    published_at: str | None
    first_seen: str | None
    extracted_at: str | None
    is_sample: bool
    catalog_year: int | None
    published_source: str | None = None  # migration 005: where published_at comes from
    published_on: str | None = None  # migration 005: published_at's date in Beijing


@dataclass(frozen=True)
class RegisteredDistrict:
    """A district the portal registry covers, as ``core.dim_district`` needs it."""

    division_code: str
    name: str | None = None
    city: str | None = None
    province: str | None = None
    sample: bool = False
