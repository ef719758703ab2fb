"""Word readers: ``.docx`` with python-docx; ``.doc``/``.wps`` converted by LibreOffice first.

Merged cells are read from the XML (``w:gridSpan`` for column spans, ``w:vMerge`` for row
spans) so every grid slot gets the printed cell's text and its ``source``.

LibreOffice is optional. It has no timeout option and has looped forever on a real ``.wps``
file, so it runs under a subprocess timeout in its own process group (the whole group is killed
on timeout), with a fresh user profile per conversion so concurrent or crashed runs never share
a locked profile. A timeout follows the reader pool's rule: retried once, the second one is the
document's problem. Without it, binary Word/WPS documents are ``unsupported``.
"""

from __future__ import annotations

import contextlib
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from docx import Document as open_docx
from docx.oxml.ns import qn

from pipeline.config import Settings
from pipeline.extract.grid import MAX_SPAN, Cell, CellBudget, Grid, GridLimit, Reading
from pipeline.extract.pdf import title_from_text
from pipeline.extract.pdf_tables import clean

NO_CONVERTER = "binary Word/WPS document: install LibreOffice to read it"
# python-docx loads every part of the package into memory and parses the XML ones with lxml
# (about 10× their size): the sizes the zip directory declares are checked before it opens
# anything (zipfile never inflates a member past its declared size). A report's
# document.xml is a few MB at most, its images tens of MB.
MAX_DOCX_XML_BYTES = 32 * 1024 * 1024
MAX_DOCX_BYTES = 256 * 1024 * 1024


def docx_too_large(data: bytes) -> str | None:
    """Why a .docx would expand past the limits (a zip bomb), from its zip directory alone."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None  # python-docx reports the damage itself
    xml = sum(m.file_size for m in members if m.filename.lower().endswith((".xml", ".rels")))
    total = sum(m.file_size for m in members)
    if xml > MAX_DOCX_XML_BYTES:
        return (
            f"zip bomb: the .docx's XML parts expand to {xml / 2**20:.0f} MB, more than the "
            f"{MAX_DOCX_XML_BYTES // 2**20} MB limit"
        )
    if total > MAX_DOCX_BYTES:
        return (
            f"zip bomb: the .docx expands to {total / 2**20:.0f} MB, more than the "
            f"{MAX_DOCX_BYTES // 2**20} MB limit"
        )
    return None


def read_docx(data: bytes) -> Reading:
    """Read a .docx: tables as grids, paragraphs and cell texts as the document text.

    Merged cells expand under a :class:`CellBudget`, like HTML tables: a table past the
    per-table limit is skipped with a note, and reading stops at the per-document limit.
    """
    bomb = docx_too_large(data)
    if bomb:
        return Reading("docx", verdict=("failed", bomb))
    try:
        docx = open_docx(BytesIO(data))
    except MemoryError:
        raise  # the worker's memory cap: a limit hit, reported by the worker
    except Exception as exc:  # zipfile, lxml and python-docx each raise their own types
        return Reading("docx", verdict=("failed", f"corrupt .docx: {type(exc).__name__}: {exc}"))
    doc = Reading("docx")
    lines: list[str] = []
    budget = CellBudget()
    for block in docx.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append(clean(_text(block)))
        elif block.tag == qn("w:tbl"):
            try:
                grid = _grid(block, len(doc.grids), budget)
            except GridLimit as exc:
                if exc.document:
                    doc.errors.append(f"tables from table {len(doc.grids) + 1} on not read: {exc}")
                    break
                doc.errors.append(f"a table skipped: {exc}")
                continue
            if grid:
                doc.grids.append(grid)
                lines.extend(" ".join(_row_texts(row)) for row in grid)
    doc.text = "\n".join(lines)
    doc.title = title_from_text(doc.text)
    return doc


def _text(element) -> str:
    """Paragraph text: every w:t in order, w:br and w:tab as line breaks/spaces."""
    parts = []
    for node in element.iter(qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:p")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append(" ")
        else:
            parts.append("\n")
    return "".join(parts)


def _row_texts(row: list[Cell]) -> list[str]:
    out, prev = [], None
    for cell in row:
        if cell.source != prev and cell.text:
            out.append(cell.text)
        prev = cell.source
    return out


def _grid(tbl, table: int, budget: CellBudget) -> Grid:
    """Expand a w:tbl into a grid: gridSpan copies to the right, vMerge copies from above.

    Spans are capped at ``MAX_SPAN`` and every slot is paid from ``budget`` before it is made.
    """
    grid: Grid = []
    next_source = 0
    spent = 0
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        row: list[Cell] = []
        col = min(max(_int_attr(tr.find(f"{qn('w:trPr')}/{qn('w:gridBefore')}"), 0), 0), MAX_SPAN)
        budget.spend(spent, col)
        spent += col
        for _ in range(col):
            row.append(Cell("", table, r, len(row), next_source))
            next_source += 1
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span = _int_attr(props.find(qn("w:gridSpan")) if props is not None else None, 1)
            span = min(max(span, 1), MAX_SPAN)
            budget.spend(spent, span)
            spent += span
            vmerge = props.find(qn("w:vMerge")) if props is not None else None
            continued = vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue")
            above = grid[-1][col] if continued and grid and col < len(grid[-1]) else None
            if above is not None:
                text, source = above.text, above.source
            else:
                text, source = clean(_text(tc)), next_source
                next_source += 1
            for c in range(col, col + span):
                row.append(Cell(text, table, r, c, source))
            col += span
        grid.append(row)
    return grid if any(row for row in grid) else []


def _int_attr(element, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(qn("w:val")))
    except (TypeError, ValueError):
        return default


# --- .doc / .wps via LibreOffice -------------------------------------------------------------


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_binary_word(
    data: bytes,
    fmt: str,
    docx_reader: Callable[[bytes], Reading] = read_docx,
    *,
    timeout: float = Settings.reader_timeout,
) -> Reading:
    """Convert a .doc/.wps to .docx with LibreOffice (at most ``timeout`` seconds, the reader
    timeout), then read it with ``docx_reader``.

    A conversion that hits the time limit is retried once in a fresh LibreOffice process with
    a fresh profile, as the reader pool retries a limit hit in a fresh worker: a second hit is
    the document's problem (``fault`` false, the reason names the limit), one hit may have been
    a busy machine.
    """
    soffice = find_soffice()
    if soffice is None:
        return Reading(fmt, verdict=("unsupported", NO_CONVERTER))
    with tempfile.TemporaryDirectory(prefix="gongkai-soffice-") as tmp:
        source = Path(tmp) / f"report.{fmt}"
        source.write_bytes(data)
        failure = _convert(soffice, source, Path(tmp) / "first", timeout)
        outdir = Path(tmp) / "first"
        if failure is not None and failure.limit:
            outdir = Path(tmp) / "second"
            failure = _convert(soffice, source, outdir, timeout)
            if failure is not None and failure.limit:
                reason = f"{failure.reason} (twice, the second time in a fresh process)"
                return Reading(fmt, verdict=("failed", f"LibreOffice conversion {reason}"))
        if failure is not None:
            return Reading(fmt, verdict=("failed", f"LibreOffice conversion {failure.reason}"))
        converted = outdir / "report.docx"
        if not converted.exists():
            return Reading(fmt, verdict=("failed", "LibreOffice wrote no .docx (corrupt file?)"))
        docx_bytes = converted.read_bytes()
    doc = docx_reader(docx_bytes)
    doc.format = fmt
    return doc


def _convert(soffice: str, source: Path, outdir: Path, timeout: float) -> ConverterFailure | None:
    """One conversion into ``outdir``, with its own user profile there (a killed run's profile
    is never reused)."""
    outdir.mkdir()
    command = [
        soffice,
        f"-env:UserInstallation=file://{outdir}/profile",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "docx",
        "--outdir",
        str(outdir),
        str(source),
    ]
    return run_converter(command, timeout)


def _lift_memory_cap() -> None:
    """LibreOffice maps far more address space than the reader cap allows."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


@dataclass(frozen=True)
class ConverterFailure:
    """Why a conversion failed; ``limit`` when it hit the time limit (killed, not finished)."""

    reason: str
    limit: bool = False


def run_converter(command: list[str], timeout: float) -> ConverterFailure | None:
    """Run ``command`` in its own process group; ``None`` on success, else what went wrong.

    On timeout the whole group is killed: LibreOffice forks ``soffice.bin`` children that a
    plain ``Popen.kill`` would leave running.
    """
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=_lift_memory_cap,
        )
    except OSError as exc:
        return ConverterFailure(f"could not start: {exc}")
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process.pid)
        try:
            process.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # a helper escaped the group and holds the pipe
            process.kill()
            process.wait()
        return ConverterFailure(f"timed out after {timeout:g} s", limit=True)
    if process.returncode != 0:
        tail = (err or b"").decode("utf-8", "replace").strip().splitlines()[-1:]
        return ConverterFailure(
            f"failed (exit code {process.returncode}{': ' + tail[0] if tail else ''})"
        )
    return None


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
