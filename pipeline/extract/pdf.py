"""PDF reader: triage the pages with pypdfium2, then pdfplumber tables on the table pages only.

pypdfium2 reads a page's text about 50× faster than pdfplumber, so it decides everything that
does not need geometry: is there a text layer, is it garbled, is this an annual report, which
pages hold the tables. Even so, reading every page's text costs more than parsing the table
pages, so it reads only page 1 and the pages that draw ruling lines
(:mod:`pipeline.extract.pdf_ruling`), or, when that says nothing, reads on until the section
after the tables starts.
pdfplumber (slow, but its table cells are right) then runs only on those pages, and the
tables it finds are turned into grids by :mod:`pipeline.extract.pdf_tables`.

Call :func:`read_pdf` inside the child process of :mod:`pipeline.extract.isolation`: a hostile
PDF can take gigabytes or loop for minutes in pdfminer.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from io import BytesIO

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdftypes import PDFObjRef

from pipeline.extract.faults import DocumentLimit, raised_by_us
from pipeline.extract.grid import Reading
from pipeline.extract.labels import CJK_SPACE, LATER_SECTION, PAGE_NUMBER, TABLE_MARKERS
from pipeline.extract.pdf_fonts import reading_text
from pipeline.extract.pdf_ruling import ruled_pages
from pipeline.extract.pdf_tables import read_tables

MIN_TEXT_CHARS = 30  # fewer readable characters than this on every page: no text layer
MAX_BAD_SHARE = 0.10  # more unmappable characters than this: garbled text
MAX_RARE_SHARE = 0.03  # CJK Extension A is all but absent from real reports; wrong maps hit it
# characters with no Unicode meaning: replacement char, private use, C0 controls, non-characters
BAD = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RARE = re.compile(r"[\u3400-\u4dbf]")
SPACE = re.compile(r"\s")
SAMPLE_FROM_PAGES = 20  # longer reports sample the pages before the tables
SAMPLE_STRIDE = 2
NARRATIVE_MAX_PAGES = 1000  # real reports run to ~100 pages
NUMBER = re.compile(r"\d+(?:\.\d+)?")
CJK = re.compile(r"[\u3400-\u9fff]")
SENTENCE = re.compile(r"[，。；！？]")
MIN_ROW_NUMBERS = 3  # a line with this many numbers is a table row
MAX_LABEL_CJK = 24  # prose lines run the page width (28+ characters); header cells are shorter


MAX_REFERENCE_CHAIN = 32  # indirect objects that are only a reference to another one, in a row
_resolve_once = PDFObjRef.resolve


def _resolve_bounded(self: PDFObjRef, default: object = None) -> object:
    """``PDFObjRef.resolve`` that follows a chain of references itself and stops at a loop.

    pdfminer resolves ``2 0 obj 3 0 R`` / ``3 0 obj 2 0 R`` forever (``resolve1`` loops while
    the result is a reference), so a 300-byte file would hold a worker for the whole timeout.
    """
    seen = [self.objid]
    obj = _resolve_once(self, default)
    while isinstance(obj, PDFObjRef):
        if obj.objid in seen or len(seen) >= MAX_REFERENCE_CHAIN:
            chain = " → ".join(str(i) for i in [*seen, obj.objid])
            raise DocumentLimit(
                f"reference loop between objects {chain} (limit {MAX_REFERENCE_CHAIN} "
                "references in a chain)"
            )
        seen.append(obj.objid)
        obj = _resolve_once(obj, default)
    return obj


PDFObjRef.resolve = _resolve_bounded  # type: ignore[method-assign]


@dataclass
class Triage:
    """What pypdfium2 learned about a PDF before any table parsing."""

    pages: list[str] = field(default_factory=list)  # cleaned text per page
    table_pages: list[int] = field(default_factory=list)  # 0-based
    verdict: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


class _Ruling:
    """The ruled pages, handed from the thread that walked pdfplumber's page tree to the
    triage thread; ``None`` when unknown (then the triage reads text to find the tables)."""

    def __init__(self) -> None:
        self._ready = threading.Event()
        self._pages: list[int] | None = None

    def give(self, pages: list[int] | None) -> None:
        if not self._ready.is_set():
            self._pages = pages
            self._ready.set()

    def take(self) -> list[int] | None:
        self._ready.wait()
        return self._pages


def read_pdf(data: bytes, *, narrative: bool = True) -> Reading:
    """Read a PDF into grids, or into a document whose verdict says why it cannot be read.

    The triage runs in a thread (pdfium releases the GIL) while pdfplumber opens the file and
    walks its page tree; the ruling lines counted in the pages' content streams then tell the
    triage which pages can hold a ruled table, and pdfplumber parses the table pages it found.
    Then the pages the triage skipped are read for the narrative the warehouse keeps;
    ``narrative=False`` leaves them out (the benchmark's tables-only cost).
    """
    triage = Triage()
    ruling = _Ruling()
    thread = threading.Thread(
        target=_guarded_triage, args=(data, triage, ruling), name="pdf-triage", daemon=True
    )
    thread.start()

    def plan(pages: list) -> tuple[list[int], frozenset[str]]:
        ruling.give(_guarded_ruled_pages(pages))
        thread.join()
        if triage.verdict or not triage.table_pages:
            return [], frozenset()
        return triage.table_pages, _running_lines(triage.pages)

    try:
        tables = read_tables(BytesIO(data), plan)
    finally:
        ruling.give(None)  # pdfplumber could not open the file: the triage reads text alone
        thread.join()
    title = title_from_text(triage.pages[0]) if triage.pages else None
    text = triage.text if triage.verdict or not narrative else _every_page(data, triage.pages)
    doc = Reading("pdf", text=text, title=title, verdict=triage.verdict)
    if doc.verdict or not triage.table_pages:
        return doc
    doc.grids = tables.grids
    doc.errors.extend(tables.errors)
    doc.verdict = tables.verdict
    return doc


def _every_page(data: bytes, pages: list[str]) -> str:
    """The text of every page (the narrative the warehouse keeps): the pages the triage
    skipped are read now with pypdfium2 (about 1,500 pages/s), up to NARRATIVE_MAX_PAGES, so a
    hostile page count cannot turn a readable report into a timeout."""
    pages = list(pages)
    reading_text()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return "\n".join(pages)
    try:
        pages += [""] * (min(len(pdf), NARRATIVE_MAX_PAGES) - len(pages))
        for index, known in enumerate(pages):
            if not known:
                page = pdf[index]
                textpage = page.get_textpage()
                pages[index] = _clean_page(textpage.get_text_range())
                textpage.close()
                page.close()
    except pdfium.PdfiumError:
        pass  # a page pdfium cannot read: the text of the others stays
    finally:
        pdf.close()
    return "\n".join(pages)


def triage_pdf(data: bytes) -> Triage:
    """The triage as :func:`read_pdf` runs it: which pages hold the tables, and their text."""
    triage = Triage()
    ruling = _Ruling()
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            ruling.give(_guarded_ruled_pages(pdf.pages))
    except Exception:  # pdfplumber cannot open it: read_pdf's triage reads text alone too
        ruling.give(None)
    _triage(data, triage, ruling)
    return triage


def _guarded_ruled_pages(pages: list) -> list[int] | None:
    try:
        return ruled_pages(pages)
    except MemoryError:
        raise
    except Exception as exc:  # a damaged content stream: read text as before, unless it's ours
        if raised_by_us(exc):
            raise
        return None


def _guarded_triage(data: bytes, triage: Triage, ruling: _Ruling) -> None:
    try:
        _triage(data, triage, ruling)
    except Exception as exc:  # a pdfium surprise must become a verdict, not a silent thread death
        triage.verdict = ("failed", f"PDF triage error: {type(exc).__name__}: {exc}")


def _triage(data: bytes, triage: Triage, ruling: _Ruling) -> None:
    """Fill ``triage``: find the table pages reading as few pages as it safely can.

    Page 1 is always read (title, statistics period). When some pages draw ruling lines and
    others none (``ruling``), only the ruled pages can hold a ruled table: their text is read
    in order until the first one with a table label, and from there the ruled pages that
    follow; the first page without ruling ends the tables. Otherwise (no ruling anywhere, a
    table printed without lines, or no label on any ruled page) the text decides: pages are
    read until the section after the tables starts; in a long report the narrative before the
    tables is sampled every ``SAMPLE_STRIDE`` pages (a table section spans pages, so a sample
    lands in it) and the pages around the first hit are then read one by one. If sampling
    finds no table, every page is read, so nothing is missed, only slower. ``triage.pages``
    keeps an empty string for a page that was not read.
    """
    reading_text()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        triage.verdict = _open_failure(exc)
        return
    raw: dict[int, str] = {}
    clean: dict[int, str] = {}

    def read(index: int) -> str:
        if index not in clean:
            page = pdf[index]
            textpage = page.get_textpage()
            raw[index] = textpage.get_text_range()
            textpage.close()
            page.close()
            clean[index] = _clean_page(raw[index])
        return clean[index]

    try:
        count = len(pdf)
        if count:
            read(0)
        ruled = ruling.take()
        finder = _TablePages()
        first_hit = None
        if ruled:
            first_hit = next((i for i in ruled if _has_markers(read(i))), None)
        if first_hit is not None:
            drawn = set(ruled or ())
            for index in range(first_hit, count):
                if finder.feed(index, read(index) if index in drawn else ""):
                    break
        else:
            stride = SAMPLE_STRIDE if count > SAMPLE_FROM_PAGES else 1
            first_hit = next((i for i in range(0, count, stride) if _has_markers(read(i))), None)
            if first_hit is None and stride > 1:
                first_hit = next((i for i in range(count) if _has_markers(read(i))), None)
            start = 0 if first_hit is None else first_hit
            while start > 0 and _has_markers(read(start - 1)):
                start -= 1
            for index in range(start, count):
                if finder.feed(index, read(index)):
                    break
    except pdfium.PdfiumError as exc:
        triage.verdict = ("failed", f"corrupt or truncated PDF: {exc}")
        return
    finally:
        pdf.close()
    last = max(clean) if clean else -1
    triage.pages = [clean.get(i, "") for i in range(last + 1)]
    triage.table_pages = finder.pages() if first_hit is not None else []
    triage.verdict = _text_verdict(data, [raw[i] for i in sorted(raw)], triage)


def _text_verdict(data: bytes, raw_pages: list[str], triage: Triage) -> tuple[str, str] | None:
    """No text layer, garbled text, or (cid:) codes: why the text cannot be trusted."""
    if not raw_pages:
        return ("failed", "corrupt or truncated PDF: no pages")
    readable = [_readable_count(t) for t in raw_pages]
    if max(readable) < MIN_TEXT_CHARS:
        return ("unsupported", "no text layer: scanned report, needs OCR")
    bad = sum(_bad_count(t) for t in raw_pages)
    share = bad / max(1, bad + sum(readable))
    if share > MAX_BAD_SHARE:
        return (
            "unsupported",
            f"garbled text: {share:.0%} of the characters have no "
            "Unicode mapping (font without a ToUnicode map)",
        )
    rare = sum(_rare_count(t) for t in raw_pages) / max(1, sum(readable))
    if rare > MAX_RARE_SHARE:
        return (
            "unsupported",
            f"garbled text: {rare:.0%} of the characters are rare "
            "CJK Extension A glyphs (font without a ToUnicode map)",
        )
    if triage.table_pages:
        return None
    if _has_cid_codes(data):
        return (
            "unsupported",
            "garbled text: (cid:NN) glyphs without a Unicode mapping, no report headings readable",
        )
    scanned = [i + 1 for i, n in enumerate(readable) if n < MIN_TEXT_CHARS]
    if scanned and _is_report_text(triage.text):
        return (
            "unsupported",
            "no text layer: scanned report, needs OCR "
            f"(pages {', '.join(map(str, scanned))} are images only)",
        )
    return None


def _has_cid_codes(data: bytes) -> bool:
    """pdfminer's view of page 1: ``(cid:NN)`` where pdfium guessed plausible wrong text."""
    try:
        with pdfplumber.open(BytesIO(data), pages=[1]) as pdf:
            return bool(pdf.pages) and "(cid:" in (pdf.pages[0].extract_text() or "")
    except Exception:  # damaged beyond what pdfium tolerated: not a garbling question
        return False


def _open_failure(exc: pdfium.PdfiumError) -> tuple[str, str]:
    if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
        return ("failed", "PDF needs a user password")
    if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_SECURITY:
        return ("failed", "PDF uses an unsupported security handler")
    return ("failed", f"corrupt or truncated PDF: {exc}")


def _readable_count(text: str) -> int:
    return len(text) - len(SPACE.findall(text)) - len(BAD.findall(text))


def _bad_count(text: str) -> int:
    return len(BAD.findall(text)) + 4 * text.count("(cid:")


def _rare_count(text: str) -> int:
    return len(RARE.findall(text))


def _clean_page(text: str) -> str:
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = CJK_SPACE.sub("", line.strip())
        lines.append(_undouble_line(line))
    return "\n".join(lines)


def _undouble_line(line: str) -> str:
    """``X X`` → ``X``: pdfium keeps both copies of fake-bold text drawn as two runs."""
    n = len(line)
    if n >= 9 and n % 2 == 1 and line[n // 2] == " " and line[: n // 2] == line[n // 2 + 1 :]:
        return line[: n // 2]
    if n >= 8 and n % 2 == 0 and line[: n // 2] == line[n // 2 :]:
        return line[: n // 2]
    return line


def _squash(text: str) -> str:
    return "".join(text.split())


def _undouble_chars(text: str) -> str:
    """``二二、、主主动动`` → ``二、主动``: glyph-by-glyph fake bold seen as doubled characters."""
    return re.sub(r"(.)\1", r"\1", text)


def _has_markers(text: str) -> bool:
    """Whether a page prints a table label on a line shaped like a table's."""
    return any(_table_line(line, markers=True) for line in text.split("\n"))


def _table_line(line: str, *, markers: bool = False) -> bool:
    """A line that belongs to a table: no sentence punctuation, and short (a label), a row of
    numbers, or made mostly of table labels (a header row). With ``markers``, it must name a
    label."""
    flat = _squash(line)
    if not flat:
        return False
    found = [m for m in TABLE_MARKERS if m in flat]
    if not found:  # fake bold drawn glyph by glyph: 结结果果维维持持
        undoubled = _undouble_chars(flat)
        found = [m for m in TABLE_MARKERS if m in undoubled]
        flat = undoubled if found else flat
    if markers and not found:
        return False
    if SENTENCE.search(flat):
        return False
    cjk = len(CJK.findall(flat))
    if cjk <= MAX_LABEL_CJK or len(NUMBER.findall(flat)) >= MIN_ROW_NUMBERS:
        return True
    return sum(len(m) for m in found) * 2 >= cjk


def _continues_table(text: str) -> bool:
    """Whether a page starts with table rows (the tail of a table broken at the page end)."""
    lines = [ln for ln in text.split("\n") if ln.strip() and not PAGE_NUMBER.match(ln.strip())]
    if not lines or LATER_SECTION.match(_squash(lines[0])):
        return False
    return _table_line(lines[0])


class _TablePages:
    """Pages from the first to the last that print a table label, plus the page after the
    last one when it starts with table rows and the next section's heading was not already
    printed. Fed page by page, it says when the answer is known."""

    def __init__(self) -> None:
        self.hits: list[int] = []
        self.end: int | None = None

    def feed(self, index: int, text: str) -> bool:
        if _has_markers(text):
            self.hits.append(index)
            if LATER_SECTION.search(_squash(text)):
                self.end = index
        elif self.hits:
            self.end = index if _continues_table(text) else index - 1
        return self.end is not None

    def pages(self) -> list[int]:
        if not self.hits:
            return []
        end = self.end if self.end is not None else self.hits[-1]
        return list(range(self.hits[0], end + 1))


def _is_report_text(text: str) -> bool:
    flat = _squash(text)
    return "政府信息公开" in flat or "政务公开" in flat


def _running_lines(pages: list[str]) -> frozenset[str]:
    """Lines printed at the top or bottom of several pages: running headers and footers."""
    counts: dict[str, int] = {}
    for text in pages:
        lines = [_squash(ln) for ln in text.split("\n") if ln.strip()]
        for line in {*lines[:2], *lines[-2:]}:
            counts[line] = counts.get(line, 0) + 1
    return frozenset(line for line, n in counts.items() if n >= 2 and not PAGE_NUMBER.match(line))


def title_from_text(text: str) -> str | None:
    """The title as printed: the first lines of the document, up to the one naming the report."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not PAGE_NUMBER.match(ln)]
    for end, line in enumerate(lines[:4]):
        if "报告" in line or "年报" in line:
            title = "".join(ln.strip() for ln in lines[: end + 1])
            return title if len(title) <= 80 else None
    return None
