"""The report documents of one district × covered year, chosen and extracted from the catalog.

A portal publishes a report as an article page, often with the real report in an attachment
(PDF, Word) and the page itself only a link. For each article of the year (the district
government's, and separately each department's) every candidate document (the article and its
attachments) is extracted from the archive and the one that carries the report is kept: best
status first (ok > flagged > partial > unsupported > failed), then the one with more cells.

Extraction output is written under ``Settings.extracted_dir/<code>/<year>/`` (one contract
JSON per document, ``<sha256>.json``, plus ``reports.json`` naming the chosen ones) so the
parallel extraction step and the serial warehouse load are separate steps. Used by the Dagster
assets and by plain Python alike.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline import contract
from pipeline.config import Settings
from pipeline.crawl.catalog import current_documents
from pipeline.extract import extract_path
from pipeline.extract.isolation import ReaderPool, shared_pool
from pipeline.records import ExtractionResult, ReportSource

STATUS_RANK = {status: rank for rank, status in enumerate(contract.STATUSES)}  # ok = 0 best
MANIFEST = "reports.json"


@dataclass
class Candidate:
    """One extracted document of a report: the article page or one of its attachments."""

    url: str
    role: str
    sha256: str
    status: str
    cells: int
    errors: list[str]


@dataclass
class ReportResult:
    """The chosen document of one report, with what the warehouse's ReportSource needs."""

    division_code: str
    year: int
    agency_kind: str
    agency: str | None
    title: str | None
    article_url: str
    url: str
    final_url: str | None
    sha256: str
    archive_path: str
    status: str
    errors: list[str]
    findings: list[dict]
    cells: int
    is_sample: bool
    first_seen: str | None
    published_at: str | None
    extracted_at: str
    json_path: str
    fault: str | None = None  # set when our pipeline, not the source, failed on this report
    published_source: str | None = None  # where published_at comes from (crawl.published)
    candidates: list[Candidate] = field(default_factory=list)

    def contract(self) -> dict:
        return contract.loads(Path(self.json_path).read_text(encoding="utf-8"))

    def source(self) -> ReportSource:
        """What the warehouse loads beside the contract: the catalog's view of this report."""
        return ReportSource(
            division_code=self.division_code,
            agency_kind=self.agency_kind,
            url=self.url,
            is_sample=self.is_sample,
            published_at=self.published_at,
            published_source=self.published_source,
            first_seen=self.first_seen,
            extracted_at=self.extracted_at,
            year=self.year,
            agency=self.agency,
            sha256=self.sha256,
        )


def _cells(document: Mapping[str, Any]) -> int:
    return sum(len(document.get(table) or []) for table in contract.TABLES)


def _fault(document: ExtractionResult) -> str | None:
    """Why our pipeline, not the document, failed on it (the extractor says which it was)."""
    if not document.get("pipeline_fault"):
        return None
    return "; ".join(str(e) for e in document.get("errors") or []) or "pipeline fault"


DistrictYear = tuple[str, int]


def report_index(documents: list[dict]) -> dict[DistrictYear, list[list[dict]]]:
    """Catalog records grouped per article ([article, *attachments]), per district × year, in
    one pass over the records (a national catalog holds hundreds of thousands).

    An article republished under another URL with the same bytes (a portal moved, a list
    page's link changed) is one report: of groups with the same documents, the one seen last
    is kept.
    """
    articles: dict[tuple[Any, Any], list[dict]] = {}  # (division_code, url) of catalog records
    for doc in documents:
        if doc.get("role", "article") == "article":
            articles[(doc.get("division_code"), doc["url"])] = [doc]
    for doc in documents:
        if doc.get("role") == "attachment":
            group = articles.get((doc.get("division_code"), doc.get("parent_url")))
            if group is not None:
                group.append(doc)
    by_year: dict[DistrictYear, list[list[dict]]] = {}
    for (code, _url), group in articles.items():
        year = group[0].get("year")
        if isinstance(year, int):  # a list title without a year keys no partition
            by_year.setdefault((code, year), []).append(group)
    index = {}
    for key, groups in by_year.items():
        unique: dict[frozenset, list[dict]] = {}
        for group in sorted(groups, key=lambda g: (g[0].get("last_seen") or "", g[0]["url"])):
            unique[frozenset(d.get("sha256") for d in group)] = group
        index[key] = sorted(unique.values(), key=lambda g: g[0]["url"])
    return index


def report_groups(documents: list[dict], division_code: str, year: int) -> list[list[dict]]:
    """The article groups of one district × year (see :func:`report_index`)."""
    return report_index(documents).get((division_code, year), [])


def _atomic_json(path: Path, payload) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, allow_nan=False, indent=1)
        os.replace(tmp, path)
    except BaseException:  # a value JSON cannot hold, a full disk: no .tmp is left behind
        Path(tmp).unlink(missing_ok=True)
        raise


def _extract(
    record: dict, conf: Settings, pool: ReaderPool, out: Path
) -> tuple[ExtractionResult, str | None]:
    """Extract one archived document into ``out``; a missing or altered archive file is our
    fault, and an altered one is not used: the hash computed while extracting must be the
    catalog's (the crawl checks only names and sizes)."""
    path = conf.archive_dir / record.get("archive_path", "")
    fault = None
    if not record.get("archive_path") or not path.is_file():
        fault = f"archived file missing: {path}"
    document = extract_path(path, pool=pool)
    sha = (document.get("source") or {}).get("sha256")
    if fault is None and sha != record.get("sha256"):
        fault = f"archive file {path} has sha256 {sha}, catalog says {record.get('sha256')}"
        document["active_disclosure"], document["applications"], document["appeals"] = [], [], []
        document["findings"] = []
        document["status"], document["errors"], document["pipeline_fault"] = "failed", [fault], True
    document["source"]["sha256"] = record.get("sha256") or sha
    document["source"]["url"] = record.get("url")
    _atomic_json(out / f"{document['source']['sha256']}.json", document)
    return document, fault or _fault(document)


def choose_report(
    group: list[dict], extracted: list[tuple[ExtractionResult, str | None]], out: Path
) -> ReportResult:
    """Of one article group's extracted documents (written to ``out``), keep the one that
    carries the report."""
    article = group[0]
    candidates = [(record, *done) for record, done in zip(group, extracted, strict=True)]
    best_record, best, fault = min(
        candidates,
        key=lambda t: (
            STATUS_RANK.get(t[1]["status"], len(STATUS_RANK)),
            -_cells(t[1]),
            t[0] is not article,
        ),
    )
    if best["status"] != "failed":
        fault = None
    elif fault is None:
        fault = next((f for _, _, f in candidates if f), None)
    meta = best.get("report") or {}
    return ReportResult(
        division_code=article["division_code"],
        year=article["year"],
        agency_kind=article.get("agency_kind") or "district",
        agency=article.get("agency") or meta.get("agency"),
        title=article.get("title") or meta.get("title"),
        article_url=article["url"],
        url=best_record["url"],
        final_url=best_record.get("final_url"),
        sha256=best_record["sha256"],
        archive_path=best_record.get("archive_path", ""),
        status=best["status"],
        errors=[str(e) for e in best.get("errors") or []],
        findings=list(best.get("findings") or []),
        cells=_cells(best),
        is_sample=bool(article.get("is_sample")),
        first_seen=best_record.get("first_seen"),
        published_at=article.get("published_at"),
        published_source=article.get("published_source"),
        extracted_at=datetime.now(UTC).isoformat(),
        json_path=str(out / f"{best['source']['sha256']}.json"),
        fault=fault,
        candidates=[
            Candidate(
                r["url"],
                r.get("role", "article"),
                r["sha256"],
                d["status"],
                _cells(d),
                [str(e) for e in d.get("errors") or []],
            )
            for r, d, _ in candidates
        ],
    )


def district_year_dir(division_code: str, year: int, conf: Settings) -> Path:
    return conf.extracted_dir / division_code / str(year)


def extract_district_years(
    district_years: Iterable[DistrictYear],
    conf: Settings,
    *,
    documents: list[dict] | None = None,
    pool: ReaderPool | None = None,
) -> dict[DistrictYear, list[ReportResult]]:
    """Extract the reports of many district × covered years; each records its choice in its
    reports.json. Every document of the batch goes through one reader pool at once (PDF and
    Word parsed by ``pool.size`` isolated workers in parallel); only files are written here.

    ``documents`` defaults to the catalog's current documents; an empty result (no report
    published yet) is recorded too, so a later load sees that nothing is expected.
    """
    pool = pool or shared_pool(conf)
    if documents is None:
        documents = current_documents(conf.catalog_dir)
    index = report_index(documents)
    batch = {key: index.get(key, []) for key in district_years}
    jobs = [
        (record, district_year_dir(*key, conf))
        for key, groups in batch.items()
        for group in groups
        for record in group
    ]
    results: dict[DistrictYear, list[ReportResult]] = {}
    with ThreadPoolExecutor(2 * pool.size, thread_name_prefix="extract") as threads:
        extracted = threads.map(lambda job: _extract(job[0], conf, pool, job[1]), jobs)
        for key, groups in batch.items():
            out = district_year_dir(*key, conf)
            results[key] = [
                choose_report(group, [next(extracted) for _ in group], out) for group in groups
            ]
            _atomic_json(out / MANIFEST, [asdict(r) for r in results[key]])
    return results


def extract_district_year(
    division_code: str,
    year: int,
    conf: Settings,
    *,
    documents: list[dict] | None = None,
    pool: ReaderPool | None = None,
) -> list[ReportResult]:
    """Extract the reports of one district × covered year (see :func:`extract_district_years`)."""
    key = (division_code, year)
    return extract_district_years([key], conf, documents=documents, pool=pool)[key]


def read_results(division_code: str, year: int, conf: Settings) -> list[ReportResult] | None:
    """The choice last recorded for one district × year, or None when it was never extracted."""
    path = district_year_dir(division_code, year, conf) / MANIFEST
    if not path.is_file():
        return None
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        ReportResult(**{**row, "candidates": [Candidate(**c) for c in row["candidates"]]})
        for row in rows
    ]


def fingerprint(shas) -> str:
    """A short hash of a set of document sha256s ("" for none)."""
    shas = sorted(set(shas))
    return hashlib.sha256("\n".join(shas).encode()).hexdigest()[:16] if shas else ""


def document_fingerprint(documents: list[dict], division_code: str, year: int) -> str:
    """The fingerprint of every candidate document of a district × year in the catalog.

    Changes whenever a document of that district-year is added, replaced or edited: the
    sensor compares it with the one its last extraction recorded (:func:`results_fingerprint`).
    """
    return fingerprint(
        d.get("sha256") or "" for g in report_groups(documents, division_code, year) for d in g
    )


def results_fingerprint(results: list[ReportResult]) -> str:
    """The fingerprint of the documents an extraction read (equal to the catalog's then)."""
    return fingerprint(c.sha256 for r in results for c in r.candidates)


def preview_markdown(document: dict, limit: int = 12) -> str:
    """A short Markdown table of the applications facts (falls back to the other tables)."""
    for table in ("applications", "active_disclosure", "appeals"):
        entries = document.get(table) or []
        if entries:
            keys = contract.ENTRY_KEYS[table]
            lines = [f"| {keys[0]} | {keys[1]} | value | raw |", "|---|---|---|---|"]
            for entry in entries[:limit]:
                lines.append(
                    f"| {entry.get(keys[0])} | {entry.get(keys[1])} | "
                    f"{entry.get('value')} | {entry.get('raw')} |"
                )
            more = len(entries) - limit
            if more > 0:
                lines.append(f"\n… {more} more {table} cells")
            return f"**{table}**\n\n" + "\n".join(lines)
    return "(no table cells extracted)"
