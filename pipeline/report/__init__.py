"""The comparison report: one static HTML page per city and an index, drawn from the marts.

``build_report`` reads the marts through pandas, draws each chart with matplotlib as SVG
(text kept as text) and writes the pages into a temp directory that then replaces the old
report, so a reader never opens a half-written one.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipeline.report.charts import city_charts, sample_note
from pipeline.report.frames import Marts, load_marts
from pipeline.report.page import city_page, index_page

INDEX = "index.html"


@dataclass(frozen=True)
class Report:
    """Where the report is and what it holds."""

    directory: Path
    pages: dict[str, Path] = field(default_factory=dict)  # city name → page
    charts: int = 0

    @property
    def index(self) -> Path:
        return self.directory / INDEX


def page_name(city_code: str) -> str:
    return f"city-{city_code}.html"


def _city_summary(code: str, name: str, province: str, marts: Marts) -> dict:
    coverage = marts.coverage
    return {
        "file": page_name(code),
        "city": name,
        "province": province,
        "districts": len(marts.districts),
        "expected": len(coverage),
        "found": int((coverage["coverage"] == "found").sum()),
        "flagged": int((coverage["report_status"] == "flagged").sum()),
        "issues": len(marts.quality),
    }


def write_report(marts: Marts, directory: Path) -> Report:
    """Draw every city's page and the index from ``marts`` into ``directory`` (replaced)."""
    import matplotlib

    matplotlib.use("Agg", force=False)  # no display is ever needed
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    directory = Path(directory)
    staging = directory.with_name(directory.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    pages, summaries, charts = {}, [], 0
    for code, name, province in marts.cities():
        city = marts.city(code)
        drawn = city_charts(city)
        charts += len(drawn)
        (staging / page_name(code)).write_text(
            city_page(name, province, drawn, sample_note(city), generated), encoding="utf-8"
        )
        pages[name] = directory / page_name(code)
        summaries.append(_city_summary(code, name, province, city))
    (staging / INDEX).write_text(
        index_page(summaries, sample_note(marts), generated, marts.years), encoding="utf-8"
    )
    old = directory.with_name(directory.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if directory.exists():
        directory.rename(old)
    staging.rename(directory)
    shutil.rmtree(old, ignore_errors=True)
    return Report(directory, pages, charts)


def build_report(
    con: duckdb.DuckDBPyConnection, directory: Path, years: list[int] | None = None
) -> Report:
    """The report of the warehouse behind ``con`` (its marts must exist)."""
    return write_report(load_marts(con, years), directory)
