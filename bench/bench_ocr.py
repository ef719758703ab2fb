"""OCR of scanned reports: seconds per table page, peak RSS, and cell accuracy per engine.

Documents: scanned copies of the real PDFs in ../shared/corpus/real, made here as the tests
make them (pages rasterised at 150 and 200 dpi, skewed 0.4°, re-wrapped as image-only PDFs).

- RapidOCR (the pipeline's engine): ``read_scanned_pdf`` in a warm worker of the reader pool
  under the OCR limits (``ReaderPool.read``, IPC included); seconds per page that holds a
  table, and the worker's peak RSS.
- Tesseract 5 ``chi_sim`` (Debian ``tesseract-ocr-chi-sim``, measured when installed): the
  same grids and cell lines, every line of a page read in one ``tesseract --psm 6`` call (one
  process per line would cost ~0.2 s each).

Cell accuracy: cells of the contract output that match the truth file, over the truth's cells.
CPU seconds are printed beside wall seconds: on a shared machine they are the steadier figure.
Targets (issue 13): ≤ 3 s per table page at 150 dpi and ≤ 2 GB peak RSS on 2 cores.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2
import numpy as np

from pipeline.config import settings
from pipeline.extract import _failed, assemble
from pipeline.extract import ocr as ocr_module
from pipeline.extract.isolation import Limits, ReaderPool
from tests.extract_ocr.scans import scanned_pdf

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
READER = "pipeline.extract.ocr:read_scanned_pdf"
KEYS = {
    "active_disclosure": ("item", "measure"),
    "applications": ("outcome", "requester"),
    "appeals": ("proceeding", "result"),
}


def accuracy(got: dict, truth: dict) -> tuple[int, int]:
    def cells(doc: dict) -> dict:
        return {(t, e[a], e[b]): e["value"] for t, (a, b) in KEYS.items() for e in doc.get(t) or []}

    mine, want = cells(got), cells(truth)
    right = sum(1 for k, v in want.items() if k in mine and mine[k] == v)
    return right, len(want)


def tesseract_recognise(lines: list[np.ndarray]) -> list[tuple[str, float]]:
    """All line images of a table stacked into one image, read by one Tesseract call."""
    if not lines:
        return []
    gap = 24
    height = 48
    scaled = [cv2.resize(ln, (max(1, ln.shape[1] * height // ln.shape[0]), height)) for ln in lines]
    width = max(s.shape[1] for s in scaled) + 2 * gap
    canvas = np.full((len(scaled) * (height + gap) + gap, width), 255, np.uint8)
    for i, s in enumerate(scaled):
        y = gap + i * (height + gap)
        canvas[y : y + height, gap : gap + s.shape[1]] = s
    _ok, png = cv2.imencode(".png", canvas)
    tsv = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "6", "tsv"],
        input=png.tobytes(),
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8", "replace")
    words: list[list[tuple[int, str, float]]] = [[] for _ in lines]
    for row in tsv.splitlines()[1:]:
        parts = row.split("\t")
        if len(parts) < 12 or parts[0] != "5" or not parts[11].strip():
            continue
        left, top, h = int(parts[6]), int(parts[7]), int(parts[9])
        slot = (top + h // 2 - gap // 2) // (height + gap)
        if 0 <= slot < len(lines):
            words[slot].append((left, parts[11], max(0.0, float(parts[10])) / 100))
    out = []
    for found in words:
        found.sort()
        text = "".join(w for _, w, _ in found)
        out.append((text, min((c for _, _, c in found), default=0.0)))
    return out


def run_engine(name: str, scan: bytes, truth: dict) -> tuple[float, float, int, int, str]:
    """In this process: wall seconds, CPU seconds (Tesseract's child included), right cells,
    truth cells, status."""
    if name == "tesseract":
        original = ocr_module.recognise
        ocr_module.recognise = tesseract_recognise
    try:
        started, cpu = time.perf_counter(), _cpu()
        doc = ocr_module.read_scanned_pdf(scan, settings().ocr_page_timeout)
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    finally:
        if name == "tesseract":
            ocr_module.recognise = original
    got = assemble(doc, _failed("scan.pdf", None, "pdf", None, fault=False), "scan.pdf")
    right, total = accuracy(got, truth)
    return seconds, cpu, right, total, got["status"]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def table_pages(scan: bytes) -> int:
    return sum(1 for gray in ocr_module.pdf_pages(scan) if ocr_module.find_tables(gray)[0])


def main() -> None:
    import json

    pdfs = sorted(CORPUS.glob("*.pdf"))
    if not pdfs:
        sys.exit(f"no real PDFs under {CORPUS}")
    engines = ["rapidocr"] + (["tesseract"] if shutil.which("tesseract") else [])
    if len(engines) == 1:
        print("tesseract not installed (apt-get install tesseract-ocr-chi-sim): not measured")
    ocr_module.recogniser()  # the worker loads the model once; so does this process
    limits = Limits.ocr(settings())
    pool = ReaderPool(1, limits)
    pool.read(READER, scanned_pdf((pdfs[0]).read_bytes(), 150), "pdf")  # warm: models loaded
    print(
        f"{'document':<22}{'dpi':>5}{'engine':>11}{'s/table page':>14}{'CPU s/page':>12}"
        f"{'cells right':>14}  status"
    )
    totals: dict[tuple[str, int], list[int]] = {}
    worker_times: dict[int, list[float]] = {}
    for pdf in pdfs:
        truth = json.loads(pdf.with_suffix(".truth.json").read_text("utf-8"))
        for dpi in (150, 200):
            scan = scanned_pdf(pdf.read_bytes(), dpi, skew=0.4)
            pages = table_pages(scan)
            started = time.perf_counter()
            pool.read(READER, scan, "pdf")
            worker_times.setdefault(dpi, []).append((time.perf_counter() - started) / pages)
            for engine in engines:
                seconds, cpu, right, total, status = run_engine(engine, scan, truth)
                acc = totals.setdefault((engine, dpi), [0, 0])
                acc[0] += right
                acc[1] += total
                print(
                    f"{pdf.stem:<22}{dpi:>5}{engine:>11}{seconds / pages:>13.2f}s"
                    f"{cpu / pages:>11.2f}s{f'{right}/{total}':>14}  {status}"
                )
    pool.close()
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print()
    for dpi, times in sorted(worker_times.items()):
        print(f"OCR worker, {dpi} dpi: {sum(times) / len(times):.2f} s per table page (IPC incl.)")
    print(f"OCR worker peak RSS: {peak_mb:.0f} MB")
    for (engine, dpi), (right, total) in sorted(totals.items()):
        print(f"cell accuracy {engine:>9} @ {dpi} dpi: {right}/{total} = {right / total:.1%}")


if __name__ == "__main__":
    main()
