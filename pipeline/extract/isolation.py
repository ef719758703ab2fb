"""Run a document reader in a child process with a memory cap and a wall-clock limit.

A 292 KB PDF once grew pdfplumber to 606 MB, and parsers can loop on hostile input: a bad
document must fail alone, never take the run down. The reader runs in a worker process
(``python -m pipeline.extract.isolation``) whose address space is capped with ``RLIMIT_AS``;
the parent waits at most ``timeout`` seconds for the answer and kills the worker's process
group when it does not come. The worker stays warm between documents (its start-up, mostly
importing pdfplumber, is paid once) and is replaced after a failure or every ``MAX_JOBS``
documents.

The protocol is length-prefixed frames on the worker's stdin/stdout: a JSON header naming the
reader (``module:function``, from an allow-list) plus the document bytes in, the Document as
JSON out. No pickle crosses the boundary: the worker parses hostile files, so the parent never
unpickles what it sends back. Every failure comes back as a :class:`Document` with a ``failed``
verdict, never an exception.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.config import settings
from pipeline.extract.grid import Cell, Document

TIMEOUT_S = 60.0
MEMORY_MB = 1024
SWITCH_INTERVAL_S = 0.0005
MAX_JOBS = 200  # recycle the worker now and then: CPython rarely returns freed memory
# Readers by worker kind: each kind has its own workers and limits, and imports only its own
# readers (the OCR models would double the PDF worker's memory).
KINDS = {
    "reader": frozenset({"pipeline.extract.pdf:read_pdf", "pipeline.extract.word:read_docx"}),
    "ocr": frozenset(
        {"pipeline.extract.ocr:read_scanned_pdf", "pipeline.extract.ocr:read_table_images"}
    ),
}
READERS = frozenset().union(*KINDS.values())
_HEADER = struct.Struct("!Q")

Reader = Callable[[bytes], Document]


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


def document_to_json(doc: Document) -> bytes:
    grids = [
        [
            [[c.text, c.table, c.row, c.col, c.source, c.page, c.ocr_confidence] for c in row]
            for row in grid
        ]
        for grid in doc.grids
    ]
    return json.dumps(
        {
            "format": doc.format,
            "grids": grids,
            "text": doc.text,
            "title": doc.title,
            "errors": doc.errors,
            "verdict": doc.verdict,
            "fault": doc.fault,
            "ocr": doc.ocr,
        },
        ensure_ascii=False,
    ).encode("utf-8")


def document_from_json(payload: bytes) -> Document:
    raw = json.loads(payload)
    grids = [[[Cell(*cell) for cell in row] for row in grid] for grid in raw["grids"]]
    verdict = tuple(raw["verdict"]) if raw["verdict"] else None
    return Document(
        raw["format"],
        grids,
        raw["text"],
        raw["title"],
        raw["errors"],
        verdict,
        raw["fault"],
        raw.get("ocr", False),
    )


# --- the worker (child) side ---------------------------------------------------------------


def _cap_memory(memory_mb: int) -> None:
    """Lower the soft address-space limit (the hard one stays, so helpers can lift it)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _resolve(name: str) -> Reader:
    if name not in READERS:
        raise ValueError(f"reader {name!r} is not allowed in the worker")
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)


def serve(memory_mb: int, timeout: float, kind: str = "reader") -> None:
    """Worker loop: read (header, bytes) frames from stdin, answer with Document frames.

    A job that outlives the parent's timeout ends the worker by SIGALRM: the parent kills it
    then anyway, and a worker whose parent died must not spin on a hostile file forever.
    """
    for name in KINDS[kind]:  # import the parsers before the cap and the first document
        _resolve(name)
    warm = getattr(importlib.import_module(next(iter(KINDS[kind])).split(":")[0]), "warm", None)
    if warm is not None:
        warm()  # e.g. the OCR models: loaded once per worker, before the cap
    _cap_memory(memory_mb)
    # The PDF triage thread (pdfium, GIL released) overlaps pdfplumber (pure Python); with the
    # default 5 ms switch interval it would wait that long for the GIL after every pdfium call.
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        header, data = _read_frame(stdin), _read_frame(stdin)
        if header is None or data is None:
            return
        fmt = "unknown"
        try:
            job = json.loads(header)
            fmt = job["format"]
            signal.alarm(int(timeout) + 5)
            try:
                doc = _resolve(job["reader"])(data)
            finally:
                signal.alarm(0)
            payload = document_to_json(doc)
        except MemoryError:
            payload = document_to_json(
                Document(
                    fmt,
                    verdict=("failed", f"memory limit exceeded ({memory_mb} MB) while parsing"),
                    fault=True,
                )
            )
        except Exception as exc:  # the reader's bug or the file's fault: report, keep serving
            payload = document_to_json(
                Document(
                    fmt,
                    verdict=("failed", f"reader error: {type(exc).__name__}: {exc}"),
                    fault=True,
                )
            )
        del data
        _write_frame(stdout, payload)
        stdout.flush()


# --- the parent side -----------------------------------------------------------------------


class Worker:
    """One warm child process that reads documents one at a time."""

    def __init__(
        self, *, timeout: float = TIMEOUT_S, memory_mb: int = MEMORY_MB, kind: str = "reader"
    ) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.kind = kind
        self._process: subprocess.Popen | None = None
        self._jobs = 0
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def start(self) -> None:
        """Start the child now (otherwise it starts with the first document)."""
        if self._process is not None and self._process.poll() is None:
            return
        root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pipeline.extract.isolation",
                str(self.memory_mb),
                str(self.timeout),
                self.kind,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        self._jobs = 0

    def stop(self) -> None:
        if self._process is None:
            return
        with contextlib.suppress(OSError):
            self._process.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(2)
        self._kill()

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        for stream in (process.stdin, process.stdout):
            with contextlib.suppress(OSError):
                stream.close()

    def run(self, reader: str, data: bytes, fmt: str) -> Document:
        """``reader(data)`` in the child; a failed Document on timeout, crash or memory cap."""
        with self._lock:
            self.start()
            process = self._process
            deadline = time.monotonic() + self.timeout
            try:
                _write_frame(process.stdin, json.dumps({"reader": reader, "format": fmt}).encode())
                _write_frame(process.stdin, data)
                process.stdin.flush()
                payload = _read_frame_until(process.stdout.fileno(), deadline)
            except TimeoutError:
                self._kill()
                return Document(
                    fmt, verdict=("failed", f"timed out after {self.timeout:g} s"), fault=True
                )
            except (OSError, EOFError):
                payload = None
            if payload is None:
                try:
                    code = process.wait(5)
                except subprocess.TimeoutExpired:
                    code = None
                self._kill()
                return Document(
                    fmt, verdict=("failed", _death_reason(code, self.memory_mb)), fault=True
                )
            doc = document_from_json(payload)
            self._jobs += 1
            if self._jobs >= MAX_JOBS or doc.fault:
                self.stop()  # start fresh: the heap may be large or fragmented
            return doc


def _read_frame_until(fd: int, deadline: float) -> bytes | None:
    """Read one frame from ``fd``; TimeoutError past ``deadline``; None on end of file."""
    head = _read_exact(fd, _HEADER.size, deadline)
    if head is None:
        return None
    (size,) = _HEADER.unpack(head)
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


def _death_reason(code: int | None, memory_mb: int) -> str:
    if code is not None and code < 0:
        name = {6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV"}.get(-code, f"signal {-code}")
        if -code in (6, 9):  # allocation failures under RLIMIT_AS end in abort(); OOM kills
            return f"memory limit exceeded: reader process killed by {name} (cap {memory_mb} MB)"
        return f"reader process crashed ({name})"
    return f"reader process died (exit code {code})"


_shared: dict[str, Worker] = {}
_shared_lock = threading.Lock()
OCR_JOB_PAGES = 10  # the OCR job's time limit covers this many table pages


def kind_of(reader: str) -> str:
    """The worker kind that runs ``reader`` (an unknown reader is refused by the worker)."""
    return next((k for k, names in KINDS.items() if reader in names), "reader")


def shared_worker(kind: str = "reader") -> Worker:
    """The process-wide worker of a kind used by :func:`isolated` readers: ``reader``
    (GONGKAI_READER_* settings) or ``ocr`` (GONGKAI_OCR_MEMORY_MB, and the per-page limit
    GONGKAI_OCR_PAGE_TIMEOUT, which the OCR reader enforces page by page)."""
    with _shared_lock:
        if kind not in _shared:
            config = settings()
            if kind == "ocr":
                _shared[kind] = Worker(
                    timeout=config.ocr_page_timeout * OCR_JOB_PAGES,
                    memory_mb=config.ocr_memory_mb,
                    kind="ocr",
                )
            else:
                _shared[kind] = Worker(
                    timeout=config.reader_timeout, memory_mb=config.reader_memory_mb
                )
        return _shared[kind]


def isolated(reader: str, fmt: str) -> Reader:
    """A reader that runs ``reader`` (``"module:function"``) in the shared worker of its kind."""
    kind = kind_of(reader)

    def read(data: bytes) -> Document:
        return shared_worker(kind).run(reader, data, fmt)

    read.__name__ = f"isolated_{reader.rsplit(':', 1)[-1]}"
    read.__doc__ = f"{reader} run in the isolated worker process ({fmt})."
    return read


def run_isolated(
    reader: str,
    data: bytes,
    *,
    fmt: str = "pdf",
    timeout: float = TIMEOUT_S,
    memory_mb: int = MEMORY_MB,
) -> Document:
    """One-off: run ``reader`` on ``data`` in a fresh child process, then stop it."""
    kind = kind_of(reader)
    worker = Worker(timeout=timeout, memory_mb=memory_mb, kind=kind)
    try:
        return worker.run(reader, data, fmt)
    finally:
        worker.stop()


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when the worker ends
    serve(
        int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_MB,
        float(sys.argv[2]) if len(sys.argv) > 2 else TIMEOUT_S,
        sys.argv[3] if len(sys.argv) > 3 else "reader",
    )
