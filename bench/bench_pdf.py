"""PDF extraction speed: triage + tables-only parsing against two pdfplumber baselines.

Documents: the real PDFs in ../shared/corpus/real and generated 5-, 20- and 100-page reports
(the three tables on 3 pages, every other page dense narrative text, rendered by
pipeline/samples/render_pdf.py). For each, medians over repeated runs of:

- naive: ``pdfplumber.open`` → ``extract_tables()`` on every page;
- floor: ``pdfplumber.open`` → ``extract_tables()`` on the table pages only, known in advance;
- ours: ``read_pdf`` (ruling lines counted in the content streams, pypdfium2 text of page 1 and
  the ruled pages, pdfplumber on the table pages) in this process;
- worker: the same in a warm isolated worker process (``Worker.run``, IPC included): the
  figure the targets apply to.

Timings (best of several runs) from the bytes to the last table, same pdfplumber settings;
wall time, and CPU time for ours against the floor: the triage thread overlaps pdfplumber only
when a core is free, so with a pool using every core (or a busy machine) CPU time is the cost.
Also reported: worker start-up and the peak RSS of the worker parsing the 100-page report.
Targets (issue 3): ours ≤ 1.3× floor on the 20- and 100-page reports; peak RSS ≤ 300 MB.
"""

from __future__ import annotations

import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pdfplumber
import pypdfium2 as pdfium

from pipeline.extract.isolation import SWITCH_INTERVAL_S, Limits, Worker
from pipeline.extract.pdf import read_pdf
from pipeline.extract.pdf_tables import TABLE_SETTINGS
from pipeline.samples.render_pdf import render_pdf
from tests.extract.contract_reports import report

READ_PDF = "pipeline.extract.pdf:read_pdf"
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
SIZES = (5, 20, 100)
LIMITS = Limits()


def best_ms(fn, repeats: int, clock=time.perf_counter) -> float:
    """Best of ``repeats`` after a warm-up: the least disturbed run on a shared machine."""
    fn()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return min(times)


def page_count(data: bytes) -> int:
    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def generated(pages: int) -> bytes:
    """A report of ``pages`` pages with the tables on 3 (table 三 split over two pages, as in
    every real PDF, and table 四 on the next); every other page is dense narrative text."""
    facts = report(split_other=True)
    facts["sample"] = True
    options = {
        "split_applications_at": "unavailable_needs_creation",
        "new_page_before": frozenset({"appeals"}),
    }
    best = render_pdf(facts, **options)
    for extra in range(max(0, pages - page_count(best)), -1, -1):
        data = render_pdf(facts, narrative_pages=extra, **options)
        if page_count(data) <= pages:
            return data
    return best


def naive(data: bytes) -> None:
    with pdfplumber.open(BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables(TABLE_SETTINGS)
            page.close()


def floor(data: bytes, table_pages: list[int]) -> None:
    with pdfplumber.open(BytesIO(data)) as pdf:
        for index in table_pages:
            page = pdf.pages[index]
            page.extract_tables(TABLE_SETTINGS)
            page.close()


def documents() -> list[tuple[str, bytes]]:
    docs = [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.pdf"))]
    if not docs:
        print(f"(no real PDFs at {CORPUS}: generated reports only)")
    docs += [(f"generated-{n}-pages", generated(n)) for n in SIZES]
    return docs


def main() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_S)  # as in the worker, for the in-process column
    worker = Worker()
    start = time.perf_counter()
    worker.run(READ_PDF, b"%PDF-1.4", "pdf", LIMITS)  # start-up: spawn + imports + one tiny job
    startup_ms = (time.perf_counter() - start) * 1000

    rows = []
    for name, data in documents():
        pages = page_count(data)
        doc = read_pdf(data)
        table_pages = sorted({c.page - 1 for g in doc.grids for row in g for c in row})
        repeats = 3 if pages > 50 else 7
        t_naive = best_ms(lambda data=data: naive(data), repeats)
        t_floor = best_ms(lambda data=data, tp=table_pages: floor(data, tp), repeats)
        t_ours = best_ms(lambda data=data: read_pdf(data), repeats)
        t_worker = best_ms(lambda data=data: worker.run(READ_PDF, data, "pdf", LIMITS), repeats)
        cpu = time.process_time  # every thread of this process: what a busy core pays
        c_floor = best_ms(lambda data=data, tp=table_pages: floor(data, tp), repeats, cpu)
        c_tables = best_ms(lambda data=data: read_pdf(data, narrative=False), repeats, cpu)
        c_ours = best_ms(lambda data=data: read_pdf(data), repeats, cpu)
        timings = (t_naive, t_floor, t_ours, t_worker, c_tables / c_floor, c_ours / c_floor)
        rows.append((name, pages, len(table_pages), *timings))
    worker.stop()

    print(
        f"{'document':<24}{'pages':>6}{'tbl pg':>7}{'naive':>9}{'floor':>9}{'ours':>9}"
        f"{'worker':>9}{'worker/floor':>13}{'cpu/floor':>10}{'+text':>8}{'vs naive':>10}"
        f"{'pages/s':>9}"
    )
    for name, pages, tp, t_naive, t_floor, t_ours, t_worker, cpu_tables, cpu_text in rows:
        print(
            f"{name:<24}{pages:>6}{tp:>7}{t_naive:>9.0f}{t_floor:>9.0f}{t_ours:>9.0f}"
            f"{t_worker:>9.0f}{t_worker / t_floor:>12.2f}×{cpu_tables:>9.2f}×{cpu_text:>7.2f}×"
            f"{t_naive / t_worker:>9.1f}×{pages / t_worker * 1000:>9.0f}"
        )
    print(
        "(ms wall time, best of 3-7 runs; ours = read_pdf in this process, worker = the same in "
        "the warm isolated worker, IPC included; cpu/floor = CPU time of the table reading "
        "(triage + pdfplumber, read_pdf(narrative=False)) over the floor's, the cost when every "
        "core is busy; +text = the same with the narrative of every page read too, as "
        "extraction does)"
    )

    big = generated(SIZES[-1])
    fresh = Worker()
    fresh.run(READ_PDF, big, "pdf", LIMITS)
    with open(f"/proc/{fresh.pid}/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    fresh.stop()
    print(f"\nworker start-up (spawn, imports, first job): {startup_ms:.0f} ms")
    print(
        f"peak RSS of the worker parsing the {SIZES[-1]}-page report: {hwm / 1024:.0f} MB "
        "(target ≤ 300 MB)"
    )


if __name__ == "__main__":
    main()
