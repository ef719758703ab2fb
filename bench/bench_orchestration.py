"""Orchestration benchmark: what a Dagster run costs on top of the pipeline it calls.

Archives the sample facts' HTML reports in a temporary catalog (no crawl, no PDFs), then for
every district-year: (a) plain Python, ``extract_district_year`` + ``load_report``; (b) the
``extract_and_load`` job, one in-process Dagster run per partition in a temporary instance,
and (c) one run over all of them as a partition range (what a backfill batch is); then one
``marts_and_publish`` run. The difference between (a) and (b) is the per-partition
overhead an operator pays for run history, metadata and checks.

    .venv/bin/python bench/bench_orchestration.py
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build_catalog(archive: Path) -> list[tuple[str, int]]:
    """The sample facts' HTML reports as archived documents of one catalog run file each."""
    from pipeline.records import Listing, catalog_document
    from pipeline.samples.facts import load_facts
    from pipeline.samples.render import render_html

    facts = load_facts()
    code_of = {p["id"]: p["division_code"] for p in facts["portals"]}
    partitions = []
    for report in facts["reports"]:
        if report["document"] != "html" or report["agency_kind"] != "district":
            continue
        body = render_html(report["facts"])
        sha = hashlib.sha256(body).hexdigest()
        (archive / sha[:2]).mkdir(parents=True, exist_ok=True)
        (archive / sha[:2] / f"{sha}.html").write_bytes(body)
        code, year = code_of[report["portal"]], report["year"]
        agency = report["facts"]["report"]["agency"]
        record = catalog_document(
            run_id="20250120T000000000000Z-bench",
            portal=report["portal"],
            division_code=code,
            url=f"http://bench.test/{code}/{year}.html",
            listing=Listing(f"{year}年年度报告", year, agency, "district", "article"),
            sniffed_type="html",
            size=len(body),
            sha256=sha,
            archive_path=f"{sha[:2]}/{sha}.html",
            is_sample=True,
            fetched_at="2025-01-20T00:00:00.000000Z",
        )
        folder = archive / "catalog" / report["portal"]
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "20250120T000000000000Z-bench.jsonl").open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        partitions.append((code, year))
    return partitions


def main() -> int:
    import dagster as dg

    from assets.definitions import build_definitions
    from assets.partitions import district_year_key
    from assets.run import QUIET, RANGE_END, RANGE_START
    from pipeline.config import Settings
    from pipeline.report_choice import extract_district_year
    from pipeline.warehouse import connect, load_report

    warnings.filterwarnings("ignore", category=dg.PreviewWarning)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        conf = Settings(
            archive_dir=root / "archive",
            warehouse_path=root / "plain.duckdb",
            analyst_copy_path=root / "copy.duckdb",
            extracted_dir=root / "extracted",
            report_dir=root / "report",
        )
        partitions = build_catalog(conf.archive_dir)

        started = time.perf_counter()
        con = connect(conf.warehouse_path)
        for code, year in partitions:
            for result in extract_district_year(code, year, conf):
                load_report(con, result.contract(), result.source())
        con.close()
        plain = time.perf_counter() - started

        quiet = {"run_config": QUIET, "raise_on_error": True}
        timings = {}
        for mode in ("per partition", "batch"):
            defs = build_definitions(
                replace(conf, warehouse_path=root / f"dagster-{mode.replace(' ', '-')}.duckdb")
            )
            job = defs.resolve_job_def("extract_and_load")
            with dg.instance_for_test() as instance:
                started = time.perf_counter()
                if mode == "batch":
                    keys = sorted(str(district_year_key(c, y)) for c, y in partitions)
                    tags = {RANGE_START: keys[0], RANGE_END: keys[-1]}
                    job.execute_in_process(instance=instance, tags=tags, **quiet)
                else:
                    for code, year in partitions:
                        key = district_year_key(code, year)
                        job.execute_in_process(instance=instance, partition_key=key, **quiet)
                timings[mode] = time.perf_counter() - started
                started = time.perf_counter()
                defs.resolve_job_def("marts_and_publish").execute_in_process(
                    instance=instance, **quiet
                )
                marts = time.perf_counter() - started

    n = len(partitions)
    rows = [
        ("plain Python: extract + load", n, plain),
        ("Dagster run per partition (in-process)", n, timings["per partition"]),
        ("Dagster overhead per partition", n, timings["per partition"] - plain),
        ("Dagster, one batched run (partition range)", 1, timings["batch"]),
        ("marts + analyst copy + comparison report (one run)", 1, marts),
    ]
    print(f"{'step':<42} {'runs':>5} {'total s':>9} {'per run ms':>11}")
    for name, count, seconds in rows:
        print(f"{name:<42} {count:>5} {seconds:>9.2f} {1000 * seconds / count:>11.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
