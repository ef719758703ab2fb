"""The reader pool: warm workers reused across documents, limits per job, retried once in a
fresh worker, never shrinking, and dying with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipeline.config import Settings
from pipeline.extract import extract_paths
from pipeline.extract.isolation import (
    MAX_PASSED_OVER,
    Limits,
    ReaderPool,
    _Job,
    run_isolated,
    shared_pool,
)
from pipeline.samples.render_pdf import render_pdf
from tests.extract.contract_reports import report
from tests.extract_pdf.fixtures import bomb_pdf, scanned_pdf

READ_PDF = "pipeline.extract.pdf:read_pdf"
OCR_PDF = "pipeline.extract.ocr:read_scanned_pdf"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def good() -> bytes:
    return render_pdf(report())


def _gone(pid: int) -> bool:
    """No such process, or only its zombie (its parent is gone and nobody reaped it yet)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def test_a_worker_is_reused_across_documents_and_calling_threads(good):
    with ReaderPool(1) as pool:
        first = pool.read(READ_PDF, good, "pdf")
        pids = pool.worker_pids()
        other: list = []
        caller = threading.Thread(target=lambda: other.append(pool.read(READ_PDF, good, "pdf")))
        caller.start()
        caller.join()  # the calling thread has ended: the worker it used must not go with it
        third = pool.read(READ_PDF, good, "pdf")
        assert pool.worker_pids() == pids and len(pids) == 1
    assert first.grids and other[0].grids and third.grids
    assert _gone(pids[0])  # closing the pool stops its workers


def test_documents_are_parsed_on_every_worker_at_once(good):
    with ReaderPool(2) as pool:
        futures = [pool.submit(READ_PDF, good, "pdf") for _ in range(4)]
        docs = [f.result() for f in futures]
        assert len(set(pool.worker_pids())) == 2
    assert all(d.verdict is None and d.grids for d in docs)


def test_a_limit_hit_twice_is_the_documents_problem_and_the_pool_keeps_its_size(good):
    bomb = bomb_pdf(600)
    with ReaderPool(2, Limits(memory_mb=400)) as pool:
        futures = [pool.submit(READ_PDF, data, "pdf") for data in (bomb, good, bomb, good, good)]
        docs = [f.result() for f in futures]
        for doc in (docs[0], docs[2]):
            assert doc.verdict[0] == "failed"
            assert "memory limit" in doc.verdict[1] and "twice" in doc.verdict[1]
            assert doc.fault is False
        assert all(d.verdict is None and d.grids for d in (docs[1], docs[3], docs[4]))
        after = [pool.submit(READ_PDF, good, "pdf") for _ in range(2)]
        assert all(f.result().grids for f in after)
        assert len(set(pool.worker_pids())) == 2


def test_limits_belong_to_the_job_not_the_pool():
    bomb = bomb_pdf(300)
    with ReaderPool(1, Limits(memory_mb=400)) as pool:
        capped = pool.read(READ_PDF, bomb, "pdf")
        roomy = pool.read(READ_PDF, bomb, "pdf", Limits(memory_mb=2048))
        again = pool.read(READ_PDF, bomb, "pdf")
    assert "memory limit" in capped.verdict[1]
    assert roomy.verdict is None or "memory limit" not in roomy.verdict[1]
    assert "memory limit" in again.verdict[1]  # the larger cap did not stay with the worker


def test_an_exception_in_our_reader_code_is_our_fault():
    doc = run_isolated("os:system", b"echo hi")
    assert doc.verdict[0] == "failed" and doc.fault is True


def test_a_batch_comes_back_in_order(tmp_path, good):
    html = (REPO / "tests" / "extract" / "fixtures").glob("*.html")
    paths = [tmp_path / "a.pdf", next(html), tmp_path / "missing.pdf", tmp_path / "b.pdf"]
    paths[0].write_bytes(good)
    paths[3].write_bytes(good[: len(good) // 2])
    with ReaderPool(2) as pool:
        results = list(extract_paths(paths, pool=pool))
    assert [r["source"]["path"] for r in results] == [str(p) for p in paths]
    assert results[0]["status"] == "ok" and results[1]["source"]["format"] == "html"
    assert results[2]["pipeline_fault"] is True  # a file we cannot read is ours
    assert "corrupt or truncated" in results[3]["errors"][0]


PARENT = textwrap.dedent(
    """
    import os, sys, time
    from pipeline.extract.isolation import ReaderPool
    pool = ReaderPool(1)
    assert pool.read("pipeline.extract.pdf:read_pdf", sys.stdin.buffer.read(), "pdf").grids
    holder = os.fork()
    if holder == 0:  # a forked child keeps the worker's pipes open, as forking executors do
        time.sleep(120)
        os._exit(0)
    print(pool.worker_pids()[0], holder, flush=True)
    time.sleep(120)
    """
)


def test_a_worker_dies_with_its_parent(good):
    """The parent is killed; its pipes stay open in a forked child, so no end of input tells
    the worker: the parent-death signal (or the watcher) must end it."""
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    holder = None
    try:
        parent.stdin.write(good)
        parent.stdin.close()
        worker, holder = map(int, parent.stdout.readline().split())
        assert not _gone(worker)
        parent.kill()
        parent.wait()
        for _ in range(100):  # up to 10 s; left alone it would wait for input forever
            if _gone(worker):
                break
            time.sleep(0.1)
        assert _gone(worker), "the worker outlived its parent"
    finally:
        parent.kill()
        if holder:
            os.kill(holder, signal.SIGKILL)


def test_shared_pools_follow_the_settings_and_never_close_each_other(good):
    """Callers with other settings get a pool of their own; the first one stays usable."""
    base = Settings(workers=1)
    first = shared_pool(base)
    assert shared_pool(replace(base)) is first
    other = shared_pool(replace(base, reader_timeout=30.0))
    assert other is not first and other.limits.timeout == 30.0
    assert other.ocr_limits.page_timeout == base.ocr_page_timeout
    assert first.read(READ_PDF, good, "pdf").grids


def test_ocr_jobs_keep_to_the_worker_that_has_the_model(good):
    """Interleaved OCR and PDF jobs on two workers: each kind keeps to one worker, so neither
    is replaced (an OCR worker is too large for a PDF job's cap) and the model loads once."""
    scan, conf = scanned_pdf(), Settings()
    with ReaderPool(2, Limits.of(conf), Limits.ocr(conf)) as pool:
        jobs = []
        for _ in range(3):
            jobs.append(pool.submit(OCR_PDF, scan, "pdf", pool.ocr_limits))
            jobs.append(pool.submit(READ_PDF, good, "pdf"))
        readings = [job.result() for job in jobs]
        assert pool.worker_starts() == 2
    assert [r.ocr for r in readings] == [True, False] * 3


def test_a_queued_job_is_passed_over_a_bounded_number_of_times():
    """A worker that suits a stream of later jobs (OCR after OCR) still takes the oldest queued
    job (a PDF) after MAX_PASSED_OVER of them."""
    ocr, pdf = Limits(2048, 300, 30), Limits()
    oldest = _Job(READ_PDF, b"", "pdf", pdf, Future())
    later = [_Job(OCR_PDF, b"", "pdf", ocr, Future()) for _ in range(2 * MAX_PASSED_OVER)]
    ocr_worker = SimpleNamespace(affinity=lambda job: 2 if job.limits == ocr else 0)
    with ReaderPool(1) as pool:
        pool._pending.extend([oldest, *later])
        taken = [pool._next(ocr_worker) for _ in range(MAX_PASSED_OVER + 1)]
    assert taken[:-1] == later[:MAX_PASSED_OVER] and taken[-1] is oldest
