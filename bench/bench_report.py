"""Comparison report benchmark: city pages drawn in one process against one process per core.

The marts of the bundled sample (loaded as the report tests load them: 6 districts of 海东市
plus one of 淮安市) are repeated under ``--cities`` synthetic city codes, each copy a city of
its own with the sample's districts and figures; then ``write_report`` draws every page with
``workers=1`` and with one worker per core. A national report has about 330 city pages; the
per-page time here is what extrapolates to it.

    .venv/bin/python bench/bench_report.py [--cities 24]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb
import pandas as pd

from pipeline.report import load_marts, write_report
from pipeline.report.frames import MARTS, Marts
from tests.report.conftest import load_sample

NATIONAL_CITIES = 333  # prefecture-level divisions of China


def repeated(marts: Marts, cities: int) -> Marts:
    """``marts`` with every district copied into ``cities`` synthetic cities (codes 1101…)."""
    frames = {}
    for name in MARTS:
        frame = getattr(marts, name)
        copies = []
        for index in range(cities):
            copy = frame.copy()
            prefix = f"{11 + index // 20:02d}{index % 20 + 1:02d}"
            if "division_code" in copy:
                copy["division_code"] = prefix + copy["division_code"].str[4:]
            if "city" in copy:
                copy["city"] = f"示例市{index + 1}"
            copies.append(copy)
        frames[name] = pd.concat(copies, ignore_index=True)
    return Marts(**frames, years=marts.years)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", type=int, default=24)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-report-") as tmp:
        database = Path(tmp) / "warehouse.duckdb"
        load_sample(database)
        con = duckdb.connect(str(database), read_only=True)
        try:
            marts = repeated(load_marts(con), args.cities)
        finally:
            con.close()
        pages = len(marts.cities())
        print(f"{pages} city pages ({len(marts.districts)} districts), {cores} cores")
        print(f"{'workers':>8}{'seconds':>10}{'s / page':>10}{'national (333 pages)':>24}")
        first = None
        for workers in sorted({1, cores}):
            start = time.perf_counter()
            report = write_report(marts, Path(tmp) / f"report-{workers}", workers)
            seconds = time.perf_counter() - start
            assert len(report.pages) == pages
            first = first or seconds
            print(
                f"{workers:>8}{seconds:>10.1f}{seconds / pages:>10.2f}"
                f"{seconds / pages * NATIONAL_CITIES / 60:>20.1f} min"
                f"  ({first / seconds:.2f}×)"
            )


if __name__ == "__main__":
    main()
