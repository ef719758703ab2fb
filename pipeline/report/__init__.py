"""The comparison report: one static HTML page per city and an index, drawn from the marts.

``load_marts`` reads the marts through pandas (then the caller lets the database go: an open
session blocks DuckDB's writer), ``write_report`` draws each chart with matplotlib as SVG
(text kept as text) and writes the pages into a temp directory that then replaces the old
report, so a reader never opens a half-written one. City pages are drawn in ``workers``
processes (matplotlib is neither thread-safe nor fast: about a second a city, so a national
report of some 330 cities would otherwise keep one core busy for minutes).
"""

from __future__ import annotations

import multiprocessing
import shutil
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pipeline.report.charts import city_charts, sample_note
from pipeline.report.frames import Marts, load_marts

__all__ = ["Report", "load_marts", "write_report"]
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


def draw_city_page(name: str, province: str, city: Marts, generated: str) -> tuple[str, int]:
    """One city's page (HTML with inline SVG charts) and its number of charts."""
    import matplotlib

    matplotlib.use("Agg", force=False)  # no display is ever needed
    drawn = city_charts(city)
    return city_page(name, province, drawn, sample_note(city), generated), len(drawn)


def _draw_pages(jobs: list[tuple[str, str, Marts, str]], workers: int) -> Iterable[tuple[str, int]]:
    """Every city's page, in order: in this process for one city or one worker, else in
    ``workers`` fresh processes (spawned: the caller may hold threads, a fork would copy them
    mid-flight)."""
    if workers <= 1 or len(jobs) <= 1:
        return [draw_city_page(*job) for job in jobs]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context) as pool:
        return list(pool.map(draw_city_page, *zip(*jobs, strict=True)))


def write_report(marts: Marts, directory: Path, workers: int = 1) -> Report:
    """Draw every city's page (in ``workers`` processes) and the index from ``marts`` into
    ``directory`` (replaced)."""
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    directory = Path(directory)
    staging = directory.with_name(directory.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    cities = [(code, name, province, marts.city(code)) for code, name, province in marts.cities()]
    jobs = [(name, province, city, generated) for _, name, province, city in cities]
    pages, summaries, charts = {}, [], 0
    for (code, name, province, city), (html, count) in zip(
        cities, _draw_pages(jobs, workers), strict=True
    ):
        (staging / page_name(code)).write_text(html, encoding="utf-8")
        charts += count
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
