"""``python -m pipeline report``: the comparison report from a warehouse's marts (``make report``).

Reads the analyst copy by default (read-only, what analysts see), so it never waits for the
pipeline's writer; ``--warehouse`` names another DuckDB file.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", type=Path, help="DuckDB file (default: the analyst copy)")
    parser.add_argument("--out", type=Path, help="output directory (default: GONGKAI_REPORT_DIR)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from pipeline.config import settings
    from pipeline.report import load_marts, write_report

    conf = settings()
    source = args.warehouse or conf.analyst_copy_path
    if not Path(source).is_file():
        print(f"report: {source} not found: run `make run` first (or pass --warehouse)")
        return 1
    con = duckdb.connect(str(source), read_only=True)
    try:
        marts = load_marts(con, conf.years)
    finally:
        con.close()  # drawing takes a while: no session keeps the writer waiting meanwhile
    report = write_report(marts, args.out or conf.report_dir, conf.workers)
    print(f"report: {report.index} ({len(report.pages)} city page(s), {report.charts} charts)")
    for city, page in report.pages.items():
        print(f"  {city}: {page}")
    return 0
