"""One report document in, one contract object (``gongkai.report/1``) out.

``extract_path`` / ``extract_bytes`` sniff the format from the first bytes, run the reader
that builds the document's grids, map them with the shared template mapper, validate, and
decide the status in the contract's order. Nothing here raises on bad input: every problem
becomes a status and a reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from pipeline import contract
from pipeline.config import Settings
from pipeline.extract.grid import Reading
from pipeline.extract.html import read_html
from pipeline.extract.isolation import ReaderPool, shared_pool
from pipeline.extract.labels import ANNUAL_WORDS, PRE_2019_WORDS, REPORT_WORDS
from pipeline.extract.mapper import map_grids
from pipeline.extract.metadata import report_meta
from pipeline.extract.narrative import narrative
from pipeline.extract.text import read_text
from pipeline.extract.validate import findings as rule_findings
from pipeline.extract.validate import ocr_findings
from pipeline.extract.values import normalize_cell
from pipeline.extract.word import read_binary_word
from pipeline.images import MAX_ARTICLE_IMAGES, pack_images
from pipeline.records import ExtractionResult
from pipeline.sniff import sniff

# HTML and text are read in this process; PDF and Word are parsed in an isolated worker of the
# reader pool (memory cap, time limit: pipeline/extract/isolation.py). .doc/.wps are converted
# by LibreOffice in this process (a subprocess already, with its own timeout) and the .docx it
# writes is read in a worker.
READERS: dict[str, Callable[[bytes], Reading]] = {"html": read_html, "text": read_text}
ISOLATED = {"pdf": "pipeline.extract.pdf:read_pdf", "docx": "pipeline.extract.word:read_docx"}
CONVERTED = ("doc", "wps")
OCR_PDF = "pipeline.extract.ocr:read_scanned_pdf"
OCR_IMAGES = "pipeline.extract.ocr:read_table_images"
SCANNED = "no text layer"  # the PDF reader's verdict for pages that are images only
# HTML and text are parsed in this process: their size bounds the parse tree (about 10-15× the
# bytes with lxml), the cell budgets of pipeline.extract.grid bound the grids. Real pages are
# under 1 MB; Word-exported ones reach 350 KB.
MAX_MARKUP_BYTES = 16 * 1024 * 1024
TABLE_NAMES = {
    "active_disclosure": "table 二 (主动公开政府信息情况)",
    "applications": "table 三 (收到和处理政府信息公开申请情况)",
    "appeals": "table 四 (政府信息公开行政复议、行政诉讼情况)",
}


def _is_report(text: str, found_tables: bool) -> bool:
    norm = normalize_cell(text[:20000])
    headings = any(w in norm for w in REPORT_WORDS) and any(w in norm for w in ANNUAL_WORDS)
    return headings or found_tables


def _failed(
    path: str | None, sha256: str | None, fmt: str | None, reason: str | None, *, fault: bool
) -> ExtractionResult:
    """A ``failed`` contract object; ``pipeline_fault`` says whether we or the document failed."""
    return {
        "contract": contract.CONTRACT,
        "source": {"path": path, "sha256": sha256, "format": fmt},
        "report": {"agency": None, "year": None, "title": None},
        "templates": {"active_disclosure": None, "other_handling": None},
        "status": "failed",
        "errors": [reason] if reason else [],
        "active_disclosure": [],
        "applications": [],
        "appeals": [],
        "findings": [],
        "pipeline_fault": fault,
    }


def default_pool() -> ReaderPool:
    """The process-wide pool of the default settings, for callers that bring none (a REPL,
    a test); the CLI and the flow pass the pool of their own settings."""
    return shared_pool(Settings())


def read_document(data: bytes, fmt: str, pool: ReaderPool | None = None) -> Reading | None:
    """The reader's Reading for ``fmt`` (``pool`` for PDF/Word), None when no reader exists."""
    if fmt in READERS:
        return READERS[fmt](data)
    if fmt == "pdf":
        return read_pdf(data, pool or default_pool())
    if fmt in ISOLATED:
        return (pool or default_pool()).read(ISOLATED[fmt], data, fmt)
    if fmt in CONVERTED:
        workers = pool or default_pool()
        return read_binary_word(
            data,
            fmt,
            docx_reader=lambda docx: workers.read(ISOLATED["docx"], docx, fmt),
            timeout=workers.limits.timeout,
        )
    return None


def read_pdf(data: bytes, pool: ReaderPool) -> Reading:
    """A PDF read from its text layer, or by OCR (in the pool, under the OCR limits) when it has
    none (a scanned report) or when a report's tables are not in it (pasted as images)."""
    doc = pool.read(ISOLATED["pdf"], data, "pdf")
    scanned = doc.verdict is not None and doc.verdict[1].startswith(SCANNED)
    image_tables = doc.verdict is None and not doc.grids and _is_report(doc.text, False)
    if not (scanned or image_tables):
        return doc
    read = pool.read(OCR_PDF, data, "pdf", pool.ocr_limits)
    if read.fault or scanned or (read.verdict is not None and read.verdict[0] == "failed"):
        return read
    if not read.grids:
        return doc
    read.text = f"{doc.text}\n{read.text}"
    read.title = doc.title or read.title
    return read


def with_image_tables(doc: Reading, images: list[bytes], pool: ReaderPool) -> Reading:
    """``doc`` plus the ruled tables OCR finds in ``images``, when its own grids lack a table."""
    if len(map_grids(doc.grids).tables_found()) == len(contract.TABLES):
        return doc
    payload = pack_images(images[:MAX_ARTICLE_IMAGES])
    read = pool.read(OCR_IMAGES, payload, doc.format, pool.ocr_limits)
    if read.verdict is not None and read.verdict[0] == "failed":
        doc.errors.append(f"OCR of the article's images failed: {read.verdict[1]}")
        doc.fault = doc.fault or read.fault
        return doc
    if not read.grids:
        return doc
    offset = len(doc.grids)
    for grid in read.grids:
        for row in grid:
            for cell in row:
                cell.table += offset
    doc.grids.extend(read.grids)
    doc.text = f"{doc.text}\n{read.text}"
    doc.ocr = True
    return doc


def extract_bytes(
    data: bytes,
    *,
    path: str | None = None,
    fmt: str | None = None,
    pool: ReaderPool | None = None,
    images: list[bytes] | None = None,
) -> ExtractionResult:
    """Extract one document held in memory. ``path`` is recorded and used as a name hint;
    ``pool`` parses PDF/Word and runs OCR (default: :func:`default_pool`). ``images`` are the
    pictures the article shows, in page order (archived with it by the crawler): when its
    markup does not hold all three tables, their ruled tables are read by OCR.

    Besides the contract's keys the result carries ``pipeline_fault``: true when our code or its
    limits failed (a reader crashed, timed out or ran out of memory), not the document.
    """
    fmt = fmt or sniff(data)
    sha256 = hashlib.sha256(data).hexdigest()
    if fmt == "unknown":
        return _failed(
            path, sha256, fmt, "not a report document: unrecognised file type", fault=False
        )
    if fmt in READERS and len(data) > MAX_MARKUP_BYTES:
        return _failed(
            path,
            sha256,
            fmt,
            f"{fmt} document of {len(data) / 2**20:.1f} MB exceeds the "
            f"{MAX_MARKUP_BYTES // 2**20} MB limit for HTML and text documents",
            fault=False,
        )
    try:
        doc = read_document(data, fmt, pool)
    except Exception as exc:  # a reader bug or hostile input must not end the run
        return _failed(
            path, sha256, fmt, f"{fmt} reader failed: {type(exc).__name__}: {exc}", fault=True
        )
    if doc is None:
        return _failed(path, sha256, fmt, f"no reader for format {fmt!r}", fault=True)
    if images and fmt in READERS and doc.verdict is None:
        doc = with_image_tables(doc, images, pool or default_pool())
    return assemble(doc, _failed(path, sha256, fmt, None, fault=doc.fault), path)


def assemble(doc: Reading, result: ExtractionResult, path: str | None) -> ExtractionResult:
    """Map a reader's document into ``result`` (a failed skeleton) and decide the status."""
    name = Path(path).stem if path else None
    meta = report_meta(doc.title, doc.text, name)
    result["report"] = {"agency": meta.agency, "year": meta.year, "title": meta.title}
    # extra key (the contract allows them): the prose outside the tables, every page of it
    result["text"] = narrative(doc.text)
    if doc.ocr:
        result["source"]["ocr"] = True
    if doc.verdict is not None:
        result["status"], reason = doc.verdict
        result["errors"] = [reason, *doc.errors]
        return result
    try:
        mapping = map_grids(doc.grids, meta.year)
    except Exception as exc:  # a mapper bug: ours to fix, never the document's
        result["errors"] = [f"template mapping failed: {type(exc).__name__}: {exc}"]
        result["pipeline_fault"] = True
        return result
    found = mapping.tables_found()
    errors = [*doc.errors, *mapping.errors]
    if not _is_report(doc.text, bool(found)):
        result["errors"] = [
            "not an annual report: no report headings or table labels found",
            *errors,
        ]
        return result
    if "applications" not in found and any(w in doc.text for w in PRE_2019_WORDS):
        result["status"] = "unsupported"
        result["errors"] = [
            "pre-2019 report layout (本年度/历年累计 statistics table, no applicant matrix): "
            "not comparable with the 2019/2021 formats",
            *errors,
        ]
        return result
    if not found:
        result["status"] = "unsupported"
        result["errors"] = ["annual report without readable statistics tables", *errors]
        return result
    result["active_disclosure"] = mapping.active_disclosure
    result["applications"] = mapping.applications
    result["appeals"] = mapping.appeals
    result["templates"] = {
        "active_disclosure": mapping.clause_one_format,
        "other_handling": mapping.other_handling,
    }
    result["findings"] = (
        mapping.invalid
        + rule_findings(mapping.applications, mapping.appeals)
        + ocr_findings(
            {
                "active_disclosure": mapping.active_disclosure,
                "applications": mapping.applications,
                "appeals": mapping.appeals,
            }
        )
    )
    missing = [t for t in contract.TABLES if t not in found]
    if missing:
        result["status"] = "partial"
        errors = [f"{TABLE_NAMES[t]} not found" for t in missing] + errors
    elif result["findings"]:
        result["status"] = "flagged"
    else:
        result["status"] = "ok"
    result["errors"] = errors
    return result


def extract_path(
    path: str | Path,
    fmt: str | None = None,
    *,
    pool: ReaderPool | None = None,
    images: list[Path] | None = None,
) -> ExtractionResult:
    """Extract one file (with the images its article shows); an unreadable file is a
    ``failed`` result, not an exception."""
    path = Path(path)
    try:
        data = path.read_bytes()
        pictures = [p.read_bytes() for p in images or []]
    except OSError as exc:
        return _failed(
            str(path), None, fmt, f"cannot read {exc.filename}: {exc.strerror or exc}", fault=True
        )
    return extract_bytes(data, path=str(path), fmt=fmt, pool=pool, images=pictures)


def extract_paths(
    paths: Iterable[str | Path], *, fmt: str | None = None, pool: ReaderPool | None = None
) -> Iterator[ExtractionResult]:
    """Extract many files across the reader pool; results in the order of ``paths``.

    Caller threads read, sniff, parse HTML/text and map; PDF and Word documents are parsed by
    the pool's workers, ``pool.size`` at a time. Two threads per worker keep every worker busy
    while the results of the previous documents are mapped here.
    """
    pool = pool or default_pool()
    with ThreadPoolExecutor(2 * pool.size, thread_name_prefix="extract") as threads:
        yield from threads.map(partial(extract_path, fmt=fmt, pool=pool), paths)
