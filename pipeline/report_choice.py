"""The report documents of one district × covered year, chosen and extracted from the catalog.

A portal publishes a report as an article page, often with the real report in an attachment
(PDF, Word) and the page itself only a link. For each article of the year (the district
government's, and separately each department's) every candidate document (the article and its
attachments) is extracted from the archive and the one that carries the report is kept: best
status first (ok > flagged > partial > unsupported > failed), then the one with more cells.

Extraction output is written under ``settings().extracted_dir/<code>/<year>/`` (one contract
JSON per document, ``<sha256>.json``, plus ``reports.json`` naming the chosen ones) so the
parallel extraction step and the serial warehouse load are separate steps. Used by the Dagster
assets and by plain Python alike.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline import contract
from pipeline.config import Settings, settings
from pipeline.crawl.catalog import current_documents
from pipeline.extract import extract_path

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
    candidates: list[Candidate] = field(default_factory=list)

    def contract(self) -> dict:
        return json.loads(Path(self.json_path).read_text(encoding="utf-8"))

    def source_fields(self) -> dict:
        """Keyword arguments of ``pipeline.warehouse.report_load.ReportSource``."""
        return {
            "division_code": self.division_code,
            "agency_kind": self.agency_kind,
            "url": self.url,
            "is_sample": self.is_sample,
            "published_at": self.published_at,
            "first_seen": self.first_seen,
            "extracted_at": self.extracted_at,
            "year": self.year,
            "agency": self.agency,
            "sha256": self.sha256,
        }


def _cells(document: dict) -> int:
    return sum(len(document.get(table) or []) for table in contract.TABLES)


def _fault(document: dict) -> str | None:
    """Why our pipeline, not the document, failed on it (the extractor says which it was)."""
    if not document.get("pipeline_fault"):
        return None
    return "; ".join(str(e) for e in document.get("errors") or []) or "pipeline fault"


def report_groups(documents: list[dict], division_code: str, year: int) -> list[list[dict]]:
    """Catalog records of one district × year, grouped per article: [article, *attachments].

    An article republished under another URL with the same bytes (a portal moved, a list
    page's link changed) is one report: of groups with the same documents, the one seen last
    is kept.
    """
    mine = [d for d in documents if d.get("division_code") == division_code]
    articles = {d["url"]: d for d in mine if d.get("role", "article") == "article"}
    groups = {url: [a] for url, a in articles.items() if a.get("year") == year}
    for doc in mine:
        if doc.get("role") in ("attachment", "image") and doc.get("parent_url") in groups:
            groups[doc["parent_url"]].append(doc)
    unique: dict[frozenset, list[dict]] = {}
    for url in sorted(groups, key=lambda u: (groups[u][0].get("last_seen") or "", u)):
        unique[frozenset(d.get("sha256") for d in groups[url])] = groups[url]
    return sorted(unique.values(), key=lambda g: g[0]["url"])


def _atomic_json(path: Path, payload) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, ensure_ascii=False, indent=1)
    os.replace(tmp, path)


def _extract(
    record: dict, conf: Settings, out: Path, images: list[dict] = ()
) -> tuple[dict, str | None]:
    """Extract one archived document (an article with the images it shows); a missing or
    altered archive file is our fault."""
    path = conf.archive_dir / record.get("archive_path", "")
    fault = None
    if not record.get("archive_path") or not path.is_file():
        fault = f"archived file missing: {path}"
    pictures = [conf.archive_dir / i["archive_path"] for i in images if i.get("archive_path")]
    document = extract_path(path, images=[p for p in pictures if p.is_file()])
    sha = (document.get("source") or {}).get("sha256")
    if fault is None and sha != record.get("sha256"):
        fault = f"archive file {path} has sha256 {sha}, catalog says {record.get('sha256')}"
    document["source"]["sha256"] = record.get("sha256") or sha
    document["source"]["url"] = record.get("url")
    _atomic_json(out / f"{document['source']['sha256']}.json", document)
    return document, fault or _fault(document)


def extract_report(group: list[dict], conf: Settings, out: Path) -> ReportResult:
    """Extract every document of one article group and keep the one that carries the report.

    The images of the group are no candidates: they are read with the article they belong to.
    """
    article = group[0]
    images = [r for r in group if r.get("role") == "image"]
    extracted = [
        (record, *_extract(record, conf, out, images if record is article else ()))
        for record in group
        if record.get("role") != "image"
    ]
    best_record, best, fault = min(
        extracted,
        key=lambda t: (
            STATUS_RANK.get(t[1]["status"], len(STATUS_RANK)),
            -_cells(t[1]),
            t[0] is not article,
        ),
    )
    if best["status"] != "failed":
        fault = None
    elif fault is None:
        fault = next((f for _, _, f in extracted if f), None)
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
        sha256=best["source"]["sha256"],
        archive_path=best_record.get("archive_path", ""),
        status=best["status"],
        errors=[str(e) for e in best.get("errors") or []],
        findings=list(best.get("findings") or []),
        cells=_cells(best),
        is_sample=bool(article.get("is_sample")),
        first_seen=best_record.get("first_seen"),
        published_at=article.get("published_at"),
        extracted_at=datetime.now(UTC).isoformat(),
        json_path=str(out / f"{best['source']['sha256']}.json"),
        fault=fault,
        candidates=[
            Candidate(
                r["url"],
                r.get("role", "article"),
                d["source"]["sha256"],
                d["status"],
                _cells(d),
                [str(e) for e in d.get("errors") or []],
            )
            for r, d, _ in extracted
        ],
    )


def district_year_dir(division_code: str, year: int, conf: Settings | None = None) -> Path:
    return (conf or settings()).extracted_dir / division_code / str(year)


def extract_district_year(
    division_code: str,
    year: int,
    *,
    conf: Settings | None = None,
    documents: list[dict] | None = None,
) -> list[ReportResult]:
    """Extract the reports of one district × covered year and record the choice in reports.json.

    ``documents`` defaults to the catalog's current documents; an empty result (no report
    published yet) is recorded too, so a later load sees that nothing is expected.
    """
    conf = conf or settings()
    if documents is None:
        documents = current_documents(conf.catalog_dir)
    out = district_year_dir(division_code, year, conf)
    results = [
        extract_report(group, conf, out) for group in report_groups(documents, division_code, year)
    ]
    _atomic_json(out / MANIFEST, [asdict(r) for r in results])
    return results


def read_results(
    division_code: str, year: int, conf: Settings | None = None
) -> list[ReportResult] | None:
    """The choice last recorded for one district × year, or None when it was never extracted."""
    path = district_year_dir(division_code, year, conf) / MANIFEST
    if not path.is_file():
        return None
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        ReportResult(**{**row, "candidates": [Candidate(**c) for c in row["candidates"]]})
        for row in rows
    ]


def document_fingerprint(documents: list[dict], division_code: str, year: int) -> str:
    """The sha256s of every candidate document of a district × year, sorted and joined.

    Changes whenever a document of that district-year is added, replaced or edited: the
    sensor's run key, so a changed document reruns and an unchanged one does not.
    """
    shas = sorted(
        {d.get("sha256") or "" for g in report_groups(documents, division_code, year) for d in g}
    )
    return hashlib.sha256("\n".join(shas).encode()).hexdigest()[:16] if shas else ""


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
