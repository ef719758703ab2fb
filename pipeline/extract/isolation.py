"""A pool of isolated reader workers: warm child processes that parse one document at a time.

A 292 KB PDF once grew pdfplumber to 606 MB, and parsers can loop on hostile input: a bad
document must fail alone, never take the run down. Each reader runs in a worker process
(``python -m pipeline.extract.isolation``) whose address space is capped with ``RLIMIT_AS`` for
the job it runs; the parent waits at most the job's time limit for the answer and kills the
worker's process group when it does not come. The limits belong to the job (:class:`Limits`),
so a job type that needs more memory (OCR) runs in the same pool under its own cap.

:class:`ReaderPool` keeps one worker per slot (one slot per core by default,
``GONGKAI_WORKERS``), each driven by its own thread; workers start on first use and stay warm
across documents (start-up, mostly importing pdfplumber, is paid once per slot), and are
replaced after a failure, every ``MAX_JOBS`` documents, or when a job's memory cap is below
what the worker already holds. A job that hits its memory or time limit is retried once in a
fresh worker: a second hit is the document's problem (``fault`` false, the reason names the
limit); an exception in a reader is our code's (``fault`` true). A worker dies with its parent
(``PR_SET_PDEATHSIG`` on Linux, and a thread that watches the parent as a fallback), so a
killed run leaves no worker spinning on a hostile file.

The protocol is length-prefixed frames on the worker's stdin/stdout: a JSON header naming the
reader (``module:function``, from an allow-list) and the job's limits plus the document bytes
in, one JSON reply out. No pickle crosses the boundary: the worker parses hostile files, so the
parent never unpickles what it sends back. Every failure comes back as a :class:`Reading` with
a ``failed`` verdict, never an exception.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import json
import os
import queue
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, fields
from pathlib import Path

from pipeline.config import Settings
from pipeline.extract.faults import raised_by_us
from pipeline.extract.grid import Cell, Reading

TIMEOUT_S = 60.0
MEMORY_MB = 1024
SWITCH_INTERVAL_S = 0.0005
MAX_JOBS = 200  # recycle the worker now and then: CPython rarely returns freed memory
PRELOAD = ("pipeline.extract.pdf:read_pdf", "pipeline.extract.word:read_docx")
# OCR jobs (loaded on a worker's first OCR job, the models then kept) run under Limits.ocr
OCR_READERS = ("pipeline.extract.ocr:read_scanned_pdf", "pipeline.extract.ocr:read_table_images")
READERS = frozenset(PRELOAD + OCR_READERS)  # the allow-list: nothing else runs in a worker
OCR_JOB_PAGES = 10  # an OCR job's time limit covers this many pages at the per-page limit
PARENT_POLL_S = 0.5  # how often the fallback watcher checks that the parent is alive
PR_SET_PDEATHSIG = 1  # linux/prctl.h
HEADROOM = 0.8  # recycle a worker whose address space exceeds this share of the next job's cap
MAX_PASSED_OVER = 8  # a queued job waits for at most this many later ones that suit a worker
_HEADER = struct.Struct("!Q")

Reader = Callable[..., Reading]  # reader(data), or reader(data, page_timeout) for OCR


@dataclass(frozen=True)
class Limits:
    """What one job may take: address space (MB) and wall-clock time (s); ``page_timeout``
    (s) is handed to readers that work page by page (OCR) as their per-page limit."""

    memory_mb: int = MEMORY_MB
    timeout: float = TIMEOUT_S
    page_timeout: float | None = None

    @classmethod
    def of(cls, conf: Settings) -> Limits:
        """The PDF/Word reader limits (``GONGKAI_READER_MEMORY_MB``, ``GONGKAI_READER_TIMEOUT``)."""
        return cls(conf.reader_memory_mb, conf.reader_timeout)

    @classmethod
    def ocr(cls, conf: Settings) -> Limits:
        """OCR limits: ``GONGKAI_OCR_MEMORY_MB`` (the ONNX runtime and models need more than a
        PDF parse); the reader itself stops at ``GONGKAI_OCR_PAGE_TIMEOUT`` per page."""
        return cls(conf.ocr_memory_mb, conf.ocr_page_timeout * OCR_JOB_PAGES, conf.ocr_page_timeout)


# --- wire format ---------------------------------------------------------------------------


def _write_frame(stream, payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)


def _read_frame(stream) -> bytes | None:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    body = stream.read(size)
    return body if len(body) == size else None


def document_to_dict(doc: Reading) -> dict:
    out = {f.name: getattr(doc, f.name) for f in fields(doc) if f.name != "grids"}
    out["grids"] = [
        [
            [[c.text, c.table, c.row, c.col, c.source, c.page, c.ocr_confidence] for c in row]
            for row in grid
        ]
        for grid in doc.grids
    ]
    return out


def document_from_dict(raw: dict) -> Reading:
    raw = dict(raw)
    grids = [[[Cell(*cell) for cell in row] for row in grid] for grid in raw.pop("grids")]
    if raw.get("verdict"):
        raw["verdict"] = tuple(raw["verdict"])
    return Reading(grids=grids, **raw)


# --- the worker (child) side ---------------------------------------------------------------


def _cap_memory(memory_mb: int) -> None:
    """Set the soft address-space limit for the next job, 0 lifting it (the hard one stays, so
    a job with a larger cap can raise it again)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024 if memory_mb else hard
    if hard != resource.RLIM_INFINITY and limit != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space_mb() -> int:
    """This process's address space (VmSize) in MB, 0 where /proc is not there."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)


def _resolve(name: str) -> Reader:
    if name not in READERS:
        raise ValueError(f"reader {name!r} is not allowed in the worker")
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


def _die_with_parent(parent: int) -> None:
    """End this worker when ``parent`` ends, even in the middle of a document.

    The kernel sends SIGKILL when the thread that started us exits (``PR_SET_PDEATHSIG``; the
    pool starts workers from threads that live as long as it does); a thread that notices we
    were re-parented covers systems without prctl and the race before prctl took effect.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_S)
        if os.getpgid(0) == os.getpid():  # our own process group: helpers we started go too
            os.killpg(0, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _reply(doc: Reading, limit: str | None = None) -> bytes:
    return json.dumps(
        {"document": document_to_dict(doc), "limit": limit, "vm_mb": _address_space_mb()},
        ensure_ascii=False,
    ).encode("utf-8")


def _run_job(job: dict, data: bytes) -> bytes:
    """One document: the reader under the job's caps, answered as one reply frame."""
    fmt, memory_mb = job.get("format", "unknown"), int(job["memory_mb"])
    try:
        reader = _resolve(job["reader"])
        _cap_memory(memory_mb)
        signal.alarm(int(job["timeout"]) + 5)  # the parent kills us first; this is a backstop
        try:
            page_timeout = job.get("page_timeout")
            return _reply(reader(data) if page_timeout is None else reader(data, page_timeout))
        finally:
            signal.alarm(0)
            _cap_memory(0)  # lifted until the next job: reading its bytes is not parsing
    except MemoryError:
        reason = f"memory limit exceeded ({memory_mb} MB) while parsing"
        return _reply(Reading(fmt, verdict=("failed", reason), fault=True), limit="memory")
    except Exception as exc:  # report it and keep serving; whose fault: see faults.py
        reason = f"reader error: {type(exc).__name__}: {exc}"
        return _reply(Reading(fmt, verdict=("failed", reason), fault=raised_by_us(exc)))


def serve() -> None:
    """Worker loop: read (header, bytes) frames from stdin, answer each with one reply frame."""
    for name in PRELOAD:  # import the parsers before the first document and its cap
        _resolve(name)
    # The PDF triage thread (pdfium, GIL released) overlaps pdfplumber (pure Python); with the
    # default 5 ms switch interval it would wait that long for the GIL after every pdfium call.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header, data = _read_frame(stdin), _read_frame(stdin)
        if header is None or data is None:
            return
        payload = _run_job(json.loads(header), data)
        del data
        _write_frame(stdout, payload)
        stdout.flush()


# --- one worker process (parent side) ------------------------------------------------------

LIMIT, CRASH = "limit", "crash"


@dataclass
class Attempt:
    """One try of a job: the document, and whether a limit or a crash ended the worker."""

    doc: Reading
    failure: str | None = None  # None | LIMIT | CRASH


class Worker:
    """One warm child process that reads documents one at a time (not thread-safe: one owner)."""

    def __init__(self) -> None:
        self._process: subprocess.Popen | None = None
        self.jobs = 0
        self.vm_mb = 0  # the worker's address space after its last job
        self.starts = 0  # child processes started over this worker's life

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> None:
        """Start the child now (otherwise it starts with the first document)."""
        if self.alive():
            return
        self._kill()  # reap a worker that died while idle
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.extract.isolation", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        self.jobs, self.vm_mb = 0, 0
        self.starts += 1

    def stop(self) -> None:
        """Let the child finish (end of its input), killing it if it does not go at once."""
        process = self._process
        if process is None:
            return
        if process.stdin is not None:
            with contextlib.suppress(OSError):
                process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(2)
        self._kill()

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def run(self, reader: str, data: bytes, fmt: str, limits: Limits) -> Attempt:
        """``reader(data)`` in the child under ``limits``; the worker is replaced after a
        failure, so the next call runs in a fresh one."""
        if self.vm_mb > limits.memory_mb * HEADROOM:
            self.stop()  # its heap grew under a larger cap: start this job in a fresh one
        self.start()
        process = self._process
        if process is None or process.stdin is None or process.stdout is None:
            raise RuntimeError("the reader worker has no pipes")  # start() always sets them
        header = {
            "reader": reader,
            "format": fmt,
            "memory_mb": limits.memory_mb,
            "timeout": limits.timeout,
            "page_timeout": limits.page_timeout,
        }
        try:
            _write_frame(process.stdin, json.dumps(header).encode())
            _write_frame(process.stdin, data)
            process.stdin.flush()
            payload = _read_frame_until(
                process.stdout.fileno(), time.monotonic() + limits.timeout, limits.memory_mb
            )
        except TimeoutError:
            self._kill()
            reason = f"timed out after {limits.timeout:g} s"
            return Attempt(Reading(fmt, verdict=("failed", reason), fault=True), LIMIT)
        except (OSError, EOFError):
            payload = None
        if payload is None:
            try:
                code = process.wait(5)
            except subprocess.TimeoutExpired:
                code = None
            self._kill()
            reason, failure = _death(code, limits.memory_mb)
            return Attempt(Reading(fmt, verdict=("failed", reason), fault=True), failure)
        reply = json.loads(payload)
        doc = document_from_dict(reply["document"])
        self.jobs += 1
        self.vm_mb = int(reply.get("vm_mb") or 0)
        if reply.get("limit") or doc.fault or self.jobs >= MAX_JOBS:
            self.stop()  # start fresh: the heap may be large or fragmented
        return Attempt(doc, LIMIT if reply.get("limit") else None)


def _read_frame_until(fd: int, deadline: float, memory_mb: int) -> bytes | None:
    """Read one frame from ``fd``; TimeoutError past ``deadline``; None on end of file or on a
    frame larger than the worker could have built under its cap."""
    head = _read_exact(fd, _HEADER.size, deadline)
    if head is None:
        return None
    (size,) = _HEADER.unpack(head)
    if size > memory_mb * 1024 * 1024:
        return None
    return _read_exact(fd, size, deadline)


def _read_exact(fd: int, size: int, deadline: float) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        wait = deadline - time.monotonic()
        if wait <= 0 or not select.select([fd], [], [], wait)[0]:
            raise TimeoutError
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _death(code: int | None, memory_mb: int) -> tuple[str, str]:
    """Why a worker died without answering, and whether that was a limit or a crash."""
    if code is not None and code < 0:
        name = {6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV"}.get(-code, f"signal {-code}")
        if -code in (6, 9):  # allocation failures under RLIMIT_AS end in abort(); OOM kills
            reason = f"memory limit exceeded: reader process killed by {name} (cap {memory_mb} MB)"
            return reason, LIMIT
        return f"reader process crashed ({name})", CRASH
    return f"reader process died (exit code {code})", CRASH


# --- the pool ------------------------------------------------------------------------------


@dataclass
class _Job:
    reader: str
    data: bytes
    fmt: str
    limits: Limits
    future: Future
    passed_over: int = 0  # times a later job was taken before it (see ReaderPool._next)


class _Slot:
    """One worker and the thread that owns it (the worker's parent thread for PDEATHSIG)."""

    def __init__(self, pool: ReaderPool, index: int) -> None:
        self.pool = pool
        self.worker = Worker()
        self.last: Limits | None = None  # the limits of the last job it ran
        self.inbox: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name=f"reader-{index}", daemon=True)

    def affinity(self, job: _Job) -> int:
        """2: the worker ran a job of these limits last (an OCR job finds the model loaded);
        1: it can run the job as it is; 0: it would be replaced first (its address space grew
        past the job's cap, as after OCR before a PDF)."""
        if self.last == job.limits:
            return 2
        return int(self.worker.vm_mb <= job.limits.memory_mb * HEADROOM)

    def _loop(self) -> None:
        try:
            job = self.inbox.get()
            while job is not None:
                if job.future.set_running_or_notify_cancel():
                    try:
                        job.future.set_result(self.read(job))
                    except BaseException as exc:  # never leave a caller waiting
                        self.worker.stop()
                        job.future.set_exception(exc)
                job = self.pool._next(self)
        finally:
            self.worker.stop()

    def read(self, job: _Job) -> Reading:
        """The job with the retry rule: a limit hit or a crash gets one fresh worker."""
        self.last = job.limits
        first = self.worker.run(job.reader, job.data, job.fmt, job.limits)
        if first.failure is None:
            return first.doc
        second = self.worker.run(job.reader, job.data, job.fmt, job.limits)
        doc = second.doc
        if second.failure == LIMIT and doc.verdict is not None:  # twice: the document is the cause
            doc.fault = False
            doc.verdict = ("failed", f"{doc.verdict[1]} (twice, the second time in a fresh worker)")
        return doc


class ReaderPool:
    """Warm isolated workers shared by every caller thread; ``read`` blocks, ``submit`` not.

    ``limits`` apply to a job that names none (PDF and Word), ``ocr_limits`` are the ones OCR
    jobs ask for (default: those of the default settings)."""

    def __init__(
        self,
        workers: int | None = None,
        limits: Limits | None = None,
        ocr_limits: Limits | None = None,
    ) -> None:
        self.size = max(1, workers or os.cpu_count() or 1)
        self.limits = limits or Limits()
        self.ocr_limits = ocr_limits or Limits.ocr(Settings())
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._pending: deque[_Job] = deque()
        self._closed = False
        self._slots = [_Slot(self, i) for i in range(self.size)]
        self._idle = list(reversed(self._slots))  # a stack: the warmest slot is taken first
        for slot in self._slots:
            slot.thread.start()

    def submit(
        self, reader: str, data: bytes, fmt: str, limits: Limits | None = None
    ) -> Future[Reading]:
        """Queue ``reader(data)``; ``limits`` default to the pool's."""
        job = _Job(reader, data, fmt, limits or self.limits, Future())
        with self._lock:
            if self._closed:
                raise RuntimeError("reader pool is closed")
            if self._idle:  # the warmest of the idle slots with the best affinity
                best = max(range(len(self._idle)), key=lambda i: (self._idle[i].affinity(job), i))
                self._idle.pop(best).inbox.put(job)
            else:
                self._pending.append(job)
        return job.future

    def read(self, reader: str, data: bytes, fmt: str, limits: Limits | None = None) -> Reading:
        """``reader(data)`` in a worker: a failed Reading on timeout, crash or memory cap."""
        return self.submit(reader, data, fmt, limits).result()

    def _next(self, slot: _Slot) -> _Job | None:
        """The queued job ``slot`` runs best, the oldest of those.

        A worker that ran OCR holds the model and an address space too large for a PDF job's
        cap: before a PDF job it would be replaced, and the next OCR job would load the model
        again (about 0.5 s each way). So OCR jobs keep to the workers that ran OCR and PDF jobs
        to the others. The oldest job is passed over at most ``MAX_PASSED_OVER`` times.
        """
        with self._lock:
            if self._pending:
                oldest = self._pending[0]
                best = 0
                if oldest.passed_over < MAX_PASSED_OVER:
                    best = max(
                        range(len(self._pending)),
                        key=lambda i: (slot.affinity(self._pending[i]), -i),
                    )
                if best:
                    oldest.passed_over += 1
                job = self._pending[best]
                del self._pending[best]
                return job
            self._idle.append(slot)
        return slot.inbox.get()

    def worker_starts(self) -> int:
        """Worker processes started so far: one per slot, plus one per replacement."""
        return sum(slot.worker.starts for slot in self._slots)

    def worker_pids(self) -> list[int]:
        """The live workers' process ids (they start on first use)."""
        return [pid for s in self._slots if s.worker.alive() and (pid := s.worker.pid) is not None]

    def close(self) -> None:
        """Finish the running jobs, cancel the queued ones, stop every worker."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            while self._pending:
                self._pending.popleft().future.cancel()
        for slot in self._slots:
            slot.inbox.put(None)
        for slot in self._slots:
            slot.thread.join()

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_shared: dict[tuple[int, Limits, Limits], ReaderPool] = {}
_shared_pid = os.getpid()
_shared_lock = threading.Lock()


def shared_pool(conf: Settings) -> ReaderPool:
    """The process-wide pool for ``conf``'s workers and limits, started on first use.

    Callers with the same settings share one pool; other settings get a pool of their own and
    never close one a caller may still hold. A forked child starts its own: the parent's worker
    threads do not exist there.
    """
    global _shared_pid
    key = (max(1, conf.workers), Limits.of(conf), Limits.ocr(conf))
    with _shared_lock:
        if _shared_pid != os.getpid():
            _shared.clear()
            _shared_pid = os.getpid()
        if key not in _shared:
            _shared[key] = ReaderPool(*key)
        return _shared[key]


def run_isolated(
    reader: str, data: bytes, *, fmt: str = "pdf", limits: Limits | None = None
) -> Reading:
    """One-off: run ``reader`` on ``data`` in a pool of one fresh worker, then stop it."""
    with ReaderPool(1, limits) as pool:
        return pool.read(reader, data, fmt)


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the worker ends
    _die_with_parent(int(argv[1]) if len(argv) > 1 else os.getppid())
    serve()


if __name__ == "__main__":
    main(sys.argv)
