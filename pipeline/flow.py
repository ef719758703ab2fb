"""The pipeline's stages, written once: the Dagster assets, the CLI and ``make run`` call these.

1. crawl a portal: :func:`pipeline.crawl.crawl_portal` (one per district partition);
2. extract a batch of district-years (:func:`extract_batch`), then load it
   (:func:`load_batch`): a district-year whose extraction hit a pipeline fault is recorded and
   not loaded, and the rest of the batch loads;
3. rebuild the catalog tables and the marts (:func:`load_catalog_tables`, :func:`rebuild_marts`);
4. publish the analyst copy (:func:`publish_copy`), unless too many reports failed.

Every stage takes the :class:`~pipeline.config.Settings` it runs with; none reads the environment.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipeline.config import Settings
from pipeline.crawl.catalog import current_documents, read_run_file
from pipeline.portals.registry import Portal
from pipeline.report_choice import ReportResult, extract_district_years, read_results
from pipeline.warehouse import load_report
from pipeline.warehouse.batch import (
    PublishBlocked,
    failure_rate,
    load_catalog_tables,
    publish_copy,
    rebuild_marts,
    refresh,
)
from pipeline.warehouse.report_load import report_id_of

DistrictYear = tuple[str, int]
__all__ = [
    "LoadOutcome",
    "PublishBlocked",
    "catalog_changes",
    "catalog_positions",
    "extract_batch",
    "failure_rate",
    "load_batch",
    "load_catalog_tables",
    "publish_copy",
    "rebuild_marts",
    "refresh",
]


def extract_batch(
    district_years: Iterable[DistrictYear], conf: Settings, portals: list[Portal]
) -> dict[DistrictYear, list[ReportResult]]:
    """Extract every district-year of the batch; each records its choice in reports.json.

    The catalog is read once per batch and only for the portals of the batch's districts, so
    a batch costs what it extracts, not the size of the national catalog; every document of
    the batch goes through the reader pool at once (``GONGKAI_WORKERS`` isolated workers).
    """
    wanted = list(district_years)
    codes = {code for code, _ in wanted}
    documents: list[dict] = []
    for portal_id in sorted({p.id for p in portals if p.division_code in codes}):
        documents += current_documents(conf.catalog_dir, portal_id)
    return extract_district_years(wanted, conf, documents=documents)


def faults_of(results: list[ReportResult]) -> list[dict]:
    """The reports our pipeline failed on (not the source): they block their district-year."""
    return [{"url": r.url, "fault": r.fault} for r in results if r.fault]


@dataclass
class LoadOutcome:
    """What the load did with one district-year: loaded reports, or why it was not loaded."""

    division_code: str
    year: int
    loads: list[dict] = field(default_factory=list)
    not_loaded: str | None = None  # the reason, when the district-year was held back
    problems: list[dict] = field(default_factory=list)  # load_complete findings

    @property
    def loaded(self) -> bool:
        return self.not_loaded is None


def load_district_year(
    con: duckdb.DuckDBPyConnection, division_code: str, year: int, conf: Settings
) -> tuple[LoadOutcome, list[ReportResult]]:
    """Load the chosen report(s) of one district-year, unless extraction faulted or never ran."""
    outcome = LoadOutcome(division_code, year)
    results = read_results(division_code, year, conf)
    if results is None:
        outcome.not_loaded = "never extracted: extract it first"
        return outcome, []
    faults = faults_of(results)
    if faults:
        outcome.not_loaded = "pipeline fault: " + "; ".join(
            f"{f['url']}: {f['fault']}" for f in faults
        )
        return outcome, []
    for result in results:
        loaded = load_report(con, result.contract(), result.source())
        outcome.loads.append({"url": result.url, "agency_kind": result.agency_kind, **loaded})
    return outcome, results


def load_batch(
    con: duckdb.DuckDBPyConnection, district_years: Iterable[DistrictYear], conf: Settings
) -> list[LoadOutcome]:
    """Load a batch, one district-year at a time; a held-back one does not stop the others.

    Then every loaded report is checked complete, the whole batch in one query.
    """
    done = [load_district_year(con, code, year, conf) for code, year in district_years]
    problems = load_problems(con, [r for _, results in done for r in results])
    for outcome, results in done:
        urls = {r.url for r in results}
        outcome.problems = [p for p in problems if p["url"] in urls]
    return [outcome for outcome, _ in done]


def load_problems(con: duckdb.DuckDBPyConnection, results: list[ReportResult]) -> list[dict]:
    """Reports missing from core.dim_report or with fewer fact rows than extracted cells."""
    if not results:
        return []
    ids = [report_id_of(r.sha256) for r in results]
    reports = {
        report_id: rejected
        for report_id, rejected in con.execute(
            "SELECT report_id, load_errors <> [] FROM core.dim_report "
            "WHERE report_id IN (SELECT unnest(?))",
            [ids],
        ).fetchall()
    }
    rows = dict(
        con.execute(
            "SELECT report_id, count(*) FROM core.report_cells "
            "WHERE report_id IN (SELECT unnest(?)) GROUP BY report_id",
            [ids],
        ).fetchall()
    )
    problems = []
    for result, report_id in zip(results, ids, strict=True):
        if report_id not in reports:
            problems.append({"url": result.url, "problem": "not in core.dim_report"})
        elif not reports[report_id] and rows.get(report_id, 0) != result.cells:
            problems.append(
                {
                    "url": result.url,
                    "problem": f"{rows.get(report_id, 0)} fact rows in the warehouse, "
                    f"{result.cells} cells extracted",
                }
            )
    return problems


def _run_file_names(folder: str | Path) -> list[str]:
    """Committed run files of one portal, oldest first (journals start with a dot)."""
    with os.scandir(folder) as entries:
        return sorted(e.name for e in entries if e.name.endswith(".jsonl") and e.name[0] != ".")


def catalog_positions(catalog_dir: Path) -> dict[str, list]:
    """Per portal: the newest committed catalog run file and how many there are."""
    positions: dict[str, list] = {}
    root = Path(catalog_dir)
    if not root.is_dir():
        return positions
    with os.scandir(root) as folders:
        for folder in folders:
            if folder.is_dir():
                names = _run_file_names(folder.path)
                positions[folder.name] = [names[-1] if names else "", len(names)]
    return dict(sorted(positions.items()))


def catalog_changes(
    catalog_dir: Path, positions: dict[str, list]
) -> tuple[set[DistrictYear], dict[str, list]]:
    """The district-years with a document recorded since ``positions``, and the new positions.

    Run files are named by the time their run started, so only names after a portal's mark
    are read; when a file appeared below the mark (a crashed run's journal recovered later),
    that portal is read again in full (rare; what is unchanged is filtered out downstream).
    """
    touched: set[DistrictYear] = set()
    now = catalog_positions(catalog_dir)
    for portal, (last, count) in now.items():
        before_last, before_count = positions.get(portal, ["", 0])
        if (last, count) == (before_last, before_count):
            continue
        folder = Path(catalog_dir) / portal
        names = _run_file_names(folder)
        fresh = [n for n in names if n > before_last]
        if len(names) - len(fresh) != before_count:
            fresh = names
        for name in fresh:
            for record in read_run_file(folder / name):
                if record.get("kind") == "document" and record.get("year") is not None:
                    touched.add((record["division_code"], int(record["year"])))
    return touched, now
