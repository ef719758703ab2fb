"""Documents per hour through the reader pool with 1 and 2 workers, on the same documents.

The batch: the real PDFs and HTML pages of ../shared/corpus/real plus generated 5-page report
PDFs (2019, 2021 and split formats), 48 documents, extracted with ``extract_paths`` (the
library call behind the extract stage, the CLI and Dagster) from files to contract results.
Each pool is warmed with one document per worker first (start-up is paid once per run, not per
document; it is reported separately). Then a mixed batch, scanned PDFs (OCR) interleaved with
text PDFs on 2 workers: its time and how many workers were started (2 = neither was replaced:
an OCR worker is too large for a PDF job's cap, so a PDF after OCR on one worker means a fresh
worker and the next OCR job loading the model again). Also measured: grouping a catalog into
district-years (``report_index``) at two sizes, which must grow linearly.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.config import Settings
from pipeline.extract import extract_paths
from pipeline.extract.isolation import Limits, ReaderPool
from pipeline.report_choice import report_index
from pipeline.samples.render_pdf import render_pdf
from tests.extract.contract_reports import report
from tests.extract_pdf.fixtures import scanned_pdf

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
DOCUMENTS = 48
SPLIT_AT = "unavailable_needs_creation"


def batch(folder: Path) -> list[Path]:
    sources = [p.read_bytes() for p in sorted(CORPUS.glob("*.pdf")) + sorted(CORPUS.glob("*.html"))]
    if not sources:
        print(f"(no real documents at {CORPUS}: generated reports only)")
    variants = [
        render_pdf(report(formats=dict.fromkeys("一五六八", fmt), split_other=split), **options)
        for fmt in ("2019", "2021")
        for split, options in ((False, {}), (True, {"split_applications_at": SPLIT_AT}))
    ]
    sources += variants
    paths = []
    for i in range(DOCUMENTS):
        data = sources[i % len(sources)]
        path = folder / f"doc{i:03d}.{'pdf' if data.startswith(b'%PDF') else 'html'}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def run(paths: list[Path], workers: int) -> tuple[float, float, list[str]]:
    with ReaderPool(workers) as pool:
        start = time.perf_counter()
        list(extract_paths(paths[:workers], pool=pool))  # one document per worker: warm
        warm = time.perf_counter() - start
        start = time.perf_counter()
        statuses = [r["status"] for r in extract_paths(paths, pool=pool)]
        return warm, time.perf_counter() - start, statuses


def mixed(folder: Path, pairs: int = 8) -> tuple[float, int, int]:
    """Seconds, documents and worker starts for ``pairs`` scanned + text PDFs, interleaved."""
    scan, text = scanned_pdf(), render_pdf(report())
    paths = []
    for i in range(2 * pairs):
        path = folder / f"mixed{i:03d}.pdf"
        path.write_bytes(scan if i % 2 == 0 else text)
        paths.append(path)
    conf = Settings(workers=2)
    with ReaderPool(2, Limits.of(conf), Limits.ocr(conf)) as pool:
        begin = time.perf_counter()
        list(extract_paths(paths, pool=pool))
        return time.perf_counter() - begin, len(paths), pool.worker_starts()


def grouping(records: int) -> float:
    catalog = []
    for i in range(records // 2):
        code, year = f"{100000 + i // 14:06d}", 2019 + (i // 2) % 7
        article = {
            "url": f"http://p/{i}.html",
            "division_code": code,
            "year": year,
            "role": "article",
            "sha256": f"a{i}",
            "last_seen": "",
        }
        catalog.append(article)
        catalog.append(
            {
                "url": f"http://p/{i}.pdf",
                "division_code": code,
                "year": year,
                "role": "attachment",
                "parent_url": article["url"],
                "sha256": f"b{i}",
            }
        )
    start = time.perf_counter()
    report_index(catalog)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="gongkai-bench-pool-") as tmp:
        paths = batch(Path(tmp))
        print(
            f"{len(paths)} documents, {sum(p.suffix == '.pdf' for p in paths)} PDFs; "
            f"{os.cpu_count()} CPUs"
        )
        print(f"{'workers':>8}{'warm-up s':>11}{'batch s':>9}{'docs/hour':>11}{'speed-up':>10}")
        base = None
        for workers in (1, 2):
            warm, seconds, statuses = run(paths, workers)
            rate = len(paths) / seconds * 3600
            base = base or rate
            print(f"{workers:>8}{warm:>11.2f}{seconds:>9.2f}{rate:>11,.0f}{rate / base:>9.2f}×")
        print(f"statuses: { {s: statuses.count(s) for s in sorted(set(statuses))} }")
        seconds, documents, starts = mixed(Path(tmp))
        print(
            f"\nmixed batch, 2 workers: {documents} PDFs (scanned and text, interleaved) in "
            f"{seconds:.2f} s, {starts} worker starts"
        )
    small, large = grouping(50_000), grouping(500_000)
    print(
        f"\ngrouping a catalog into district-years: 50,000 records {small * 1000:.0f} ms, "
        f"500,000 records {large * 1000:.0f} ms ({large / small:.1f}× for 10× the records)"
    )


if __name__ == "__main__":
    main()
