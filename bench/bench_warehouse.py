"""Warehouse benchmark: synthetic reports loaded through the production path.

Generates contract documents for D districts x Y years (2019-format tables before 2021, 2021
format with split 其他处理 after; about 190 cells each, so 3,000 x 7 = 21,000 reports is about
4 M fact rows), loads them with ``load_report`` (one transaction per report), rebuilds the
marts and publishes the analyst copy; at each scale (0.5x, 1x, 2x by default). Then one bulk
load of the same rows as the largest scale's reports (one transaction, one Arrow insert per
fact table) for comparison.

    .venv/bin/python bench/bench_warehouse.py                      # the issue's sizes
    .venv/bin/python bench/bench_warehouse.py --districts 300      # a quick run
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import time
from itertools import pairwise
from pathlib import Path

import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline import contract
from pipeline.records import RegisteredDistrict
from pipeline.warehouse import (
    ReportSource,
    build_marts,
    connect,
    load_districts,
    load_report,
    publish,
)
from pipeline.warehouse.cells import to_cells
from pipeline.warehouse.report_load import report_id_of

OUT = Path(__file__).resolve().parent / "out"
FIRST_YEAR = 2018


def _template(fmt: str) -> dict[str, list[tuple[str, str]]]:
    """The (row, column) keys of every cell a report in this template prints."""
    active = []
    for items, m2019, m2021 in contract.AD_CLAUSES.values():
        measures = m2019 if fmt == "2019" else m2021
        for item in items:
            if fmt == "2021" and item in ("other_services", "procurement"):
                continue
            active += [(item, m) for m in measures]
    outcomes = [
        o
        for o in contract.OUTCOMES
        if (o not in contract.SPLIT_OTHER if fmt == "2019" else o != "other_handling")
    ]
    return {
        "active_disclosure": active,
        "applications": [(o, r) for o in outcomes for r in contract.REQUESTERS],
        "appeals": [(p, r) for p in contract.PROCEEDINGS for r in contract.RESULTS],
    }


TEMPLATES = {fmt: _template(fmt) for fmt in ("2019", "2021")}
KEYS = contract.ENTRY_KEYS


def document(district: int, year: int) -> dict:
    """One synthetic report; values vary cheaply with district, year and cell."""
    fmt = "2019" if year < 2021 else "2021"
    seed = district * 31 + year * 7
    doc = {
        "contract": contract.CONTRACT,
        "source": {
            "path": f"{district}-{year}.html",
            "format": "html",
            "sha256": hashlib.sha256(f"{district}/{year}".encode()).hexdigest(),
        },
        "report": {"agency": f"合成区{district}人民政府", "year": year, "title": None},
        "templates": {
            "active_disclosure": fmt,
            "other_handling": "single" if fmt == "2019" else "split",
        },
        "status": "ok",
        "errors": [],
        "findings": [],
    }
    for table, cells in TEMPLATES[fmt].items():
        k1, k2 = KEYS[table]
        entries = []
        for j, (a, b) in enumerate(cells):
            value = (seed + j * 13) % 97
            if b == "amount_wan_yuan":
                value = value * 10.25
            entries.append({k1: a, k2: b, "value": value, "raw": str(value)})
        doc[table] = entries
    return doc


def reports(districts: int, years: int):
    for district in range(districts):
        for year in range(FIRST_YEAR, FIRST_YEAR + years):
            yield district, year, document(district, year)


def code(district: int) -> str:
    return f"{100000 + district:06d}"


def fresh(path: Path):
    for leftover in (path, path.with_name(path.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = connect(path)
    return con


def run_scale(districts: int, years: int, out: Path) -> dict:
    path = out / f"warehouse-{districts}x{years}.duckdb"
    con = fresh(path)
    load_districts(
        con,
        [
            RegisteredDistrict(code(d), f"合成区{d}", f"合成市{d // 10}", f"合成省{d // 300}")
            for d in range(districts)
        ],
    )
    # Per-report transactions are tiny: one thread avoids DuckDB's scheduling overhead.
    con.execute("SET threads = 1")
    start = time.perf_counter()
    cells = 0
    n = 0
    for district, _, doc in reports(districts, years):
        cells += load_report(
            con, doc, ReportSource(code(district), extracted_at="2025-01-01T00:00:00Z")
        )["cells"]
        n += 1
    con.execute("CHECKPOINT")
    load = time.perf_counter() - start
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    start = time.perf_counter()
    marts = build_marts(con, FIRST_YEAR, FIRST_YEAR + years - 1)
    con.execute("CHECKPOINT")
    mart_time = time.perf_counter() - start
    size = path.stat().st_size
    start = time.perf_counter()
    published = publish(con, out / f"gongkai-{districts}x{years}.duckdb")
    publish_time = time.perf_counter() - start
    con.close()
    return {
        "reports": n,
        "cells": cells,
        "load_s": load,
        "marts_s": mart_time,
        "mart_rows": sum(marts.values()),
        "size_mb": size / 1e6,
        "publish_s": publish_time,
        "copy_mb": published["bytes"] / 1e6,
    }


_AD = ("k1", "k2", "format")


def bulk(districts: int, years: int, out: Path) -> dict:
    """The same rows in one transaction: one Arrow insert per fact table and for dim_report."""
    path = out / f"bulk-{districts}x{years}.duckdb"
    con = fresh(path)
    start = time.perf_counter()
    facts: dict[str, dict[str, list]] = {}
    dims: dict[str, list] = {k: [] for k in ("report_id", "sha", "code", "agency", "year", "cells")}
    for district, year, doc in reports(districts, years):
        cells, problems, _ = to_cells(doc)
        assert not problems, problems
        report_id = report_id_of(doc["source"]["sha256"])
        for fact, columns in cells.by_fact.items():
            target = facts.setdefault(fact, {"report_id": [], "division_code": [], "year": []})
            n = len(columns["k1"])
            target["report_id"] += [report_id] * n
            target["division_code"] += [code(district)] * n
            target["year"] += [year] * n
            for name, values in columns.items():
                target.setdefault(name, []).extend(values)
        for key, value in zip(
            dims,
            (
                report_id,
                doc["source"]["sha256"],
                code(district),
                doc["report"]["agency"],
                year,
                len(cells),
            ),
            strict=True,
        ):
            dims[key].append(value)
    con.execute("BEGIN TRANSACTION")
    con.register("dims", pa.table(dims))
    con.execute("""
        INSERT INTO core.dim_report (report_id, source_sha256, division_code, agency, agency_kind,
            version_key, year, status, extracted_status, errors, load_errors, finding_count,
            cell_count, loaded_at, is_sample, is_current, version_rank)
        SELECT report_id, sha, code, agency, 'district', '', year, 'ok', 'ok', [], [], 0, cells,
               now(), false, true, 1 FROM dims""")
    total = 0
    for fact, columns in facts.items():
        grid = fact in ("fact_applications", "fact_appeals")
        names = [
            "report_id",
            "division_code",
            "year",
            "k1",
            "k2",
            *([] if grid else ["format"]),
            "count",
            "amount",
            "raw",
            "src_page",
            "src_table",
            "src_row",
            "src_col",
        ]
        types = {
            "report_id": pa.int64(),
            "year": pa.int32(),
            "count": pa.int64(),
            "amount": pa.decimal128(18, 6),
            "src_page": pa.int32(),
            "src_table": pa.int32(),
            "src_row": pa.int32(),
            "src_col": pa.int32(),
        }
        table = pa.table({n: pa.array(columns[n], type=types.get(n, pa.string())) for n in names})
        con.from_arrow(table).insert_into(f"core.{fact}")
        total += table.num_rows
    con.execute("COMMIT")
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - start
    size = path.stat().st_size
    con.close()
    return {
        "reports": len(dims["report_id"]),
        "cells": total,
        "load_s": elapsed,
        "size_mb": size / 1e6,
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--districts", type=int, default=3000, help="districts at scale 1")
    parser.add_argument("--years", type=int, default=7)
    parser.add_argument("--scales", default="0.5,1,2", help="multiples of --districts")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    scales = [float(s) for s in args.scales.split(",")]
    print(
        f"DuckDB warehouse benchmark: {args.districts} districts x {args.years} years at "
        f"scales {scales}; {os.cpu_count()} CPUs"
    )
    rows = []
    for scale in scales:
        districts = max(1, round(args.districts * scale))
        result = run_scale(districts, args.years, args.out)
        rows.append((scale, districts, result))
        print(
            f"  {scale:>4}x {districts:>5} districts: {result['reports']:>6} reports "
            f"{result['cells']:>9,} rows  load {result['load_s']:7.1f} s "
            f"({result['load_s'] / result['reports'] * 1000:5.2f} ms/report)  "
            f"marts {result['marts_s']:5.1f} s  file {result['size_mb']:7.1f} MB  "
            f"publish {result['publish_s']:5.1f} s ({result['copy_mb']:.1f} MB)",
            flush=True,
        )
    largest = rows[-1][1]
    bulk_result = bulk(largest, args.years, args.out)
    print(
        f"  bulk {largest:>5} districts: {bulk_result['reports']:>6} reports "
        f"{bulk_result['cells']:>9,} rows  load {bulk_result['load_s']:7.1f} s (one "
        f"transaction)  file {bulk_result['size_mb']:7.1f} MB"
    )
    print(
        "\n| scale | districts | reports | fact rows | load (1 tx/report) | ms/report | "
        "marts rebuild | file size | publish (copy size) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for scale, districts, r in rows:
        print(
            f"| {scale}x | {districts:,} | {r['reports']:,} | {r['cells']:,} | "
            f"{r['load_s']:.1f} s | {r['load_s'] / r['reports'] * 1000:.2f} | "
            f"{r['marts_s']:.1f} s | {r['size_mb']:.0f} MB | {r['publish_s']:.1f} s "
            f"({r['copy_mb']:.0f} MB) |"
        )
    print(
        f"| bulk | {largest:,} | {bulk_result['reports']:,} | {bulk_result['cells']:,} | "
        f"{bulk_result['load_s']:.1f} s (one transaction) | | | "
        f"{bulk_result['size_mb']:.0f} MB | |"
    )
    for (base_scale, _, base), (scale, _, r) in pairwise(rows):
        print(
            f"scale {scale}x vs {base_scale}x ({scale / base_scale:g}x data): load "
            f"{r['load_s'] / base['load_s']:.2f}x, marts "
            f"{r['marts_s'] / base['marts_s']:.2f}x, file "
            f"{r['size_mb'] / base['size_mb']:.2f}x"
        )
    if not args.keep:
        shutil.rmtree(args.out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
