"""PDF reader: triage every page with pypdfium2, then pdfplumber tables on the table pages only.

pypdfium2 reads a page's text about 50× faster than pdfplumber, so it decides everything that
does not need geometry: is there a text layer, is it garbled, is this an annual report, which
pages hold the tables. pdfplumber (slow, but its table cells are right) then runs only on those
pages, and the tables it finds are turned into grids by :mod:`pipeline.extract.pdf_tables`.

Call :func:`read_pdf` inside the child process of :mod:`pipeline.extract.isolation`: a hostile
PDF can take gigabytes or loop for minutes in pdfminer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from io import BytesIO

import pdfplumber
import pypdfium2 as pdfium

from pipeline.extract.grid import Document
from pipeline.extract.pdf_tables import read_tables

# Words only the statistics tables print (whitespace removed): where the tables are.
TABLE_MARKERS = (
    "第二十条第", "本年制发件数", "本年新制作数量", "处理决定数量", "本年收费金额",
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "本年度办理结果",
    "属于国家秘密", "本机关不掌握相关政府信息", "结转下年度继续办理",
    "尚未审结", "结果维持", "结果纠正", "未经复议直接起诉", "复议后起诉",
)
LATER_SECTION = re.compile(r"[五六七][、.．](存在的主要问题|其他需要报告)")
PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／共]\s*\d+\s*页?)?[-—–－\s]*$")
MIN_TEXT_CHARS = 30  # fewer readable characters than this on every page: no text layer
MAX_BAD_SHARE = 0.10  # more unmappable characters than this: garbled text
MAX_RARE_SHARE = 0.03  # CJK Extension A is all but absent from real reports; wrong maps hit it
CJK_SPACE = re.compile(r"(?<=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])[ \t\u3000]+|"
                       r"[ \t\u3000]+(?=[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f])")


@dataclass
class Triage:
    """What pypdfium2 learned about a PDF before any table parsing."""

    pages: list[str] = field(default_factory=list)  # cleaned text per page
    table_pages: list[int] = field(default_factory=list)  # 0-based
    verdict: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(data: bytes) -> Document:
    """Read a PDF into grids, or into a document whose verdict says why it cannot be read."""
    triage = triage_pdf(data)
    title = title_from_text(triage.pages[0]) if triage.pages else None
    doc = Document("pdf", text=triage.text, title=title, verdict=triage.verdict)
    if doc.verdict or not triage.table_pages:
        return doc
    tables = read_tables(BytesIO(data), triage.table_pages, _running_lines(triage.pages))
    doc.grids = tables.grids
    doc.errors.extend(tables.errors)
    if tables.verdict:
        doc.verdict = tables.verdict
    return doc


def triage_pdf(data: bytes) -> Triage:
    """Open with pypdfium2 and read every page's text; find the table pages."""
    triage = Triage()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        triage.verdict = _open_failure(exc)
        return triage
    try:
        raw_pages = []
        for page in pdf:
            textpage = page.get_textpage()
            raw_pages.append(textpage.get_text_range())
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        triage.verdict = ("failed", f"corrupt or truncated PDF: {exc}")
        return triage
    finally:
        pdf.close()
    if not raw_pages:
        triage.verdict = ("failed", "corrupt or truncated PDF: no pages")
        return triage
    readable = [_readable_count(t) for t in raw_pages]
    if max(readable) < MIN_TEXT_CHARS:
        triage.verdict = ("unsupported", "no text layer: scanned report, needs OCR")
        return triage
    bad = sum(_bad_count(t) for t in raw_pages)
    share = bad / max(1, bad + sum(readable))
    if share > MAX_BAD_SHARE:
        triage.verdict = ("unsupported", f"garbled text: {share:.0%} of the characters have no "
                          "Unicode mapping (font without a ToUnicode map)")
        return triage
    rare = sum(_rare_count(t) for t in raw_pages) / max(1, sum(readable))
    if rare > MAX_RARE_SHARE:
        triage.verdict = ("unsupported", f"garbled text: {rare:.0%} of the characters are rare "
                          "CJK Extension A glyphs (font without a ToUnicode map)")
        return triage
    triage.pages = [_clean_page(t) for t in raw_pages]
    triage.table_pages = _table_pages(triage.pages)
    if not triage.table_pages and _has_cid_codes(data):
        triage.verdict = ("unsupported", "garbled text: (cid:NN) glyphs without a Unicode "
                          "mapping, no report headings readable")
    elif not triage.table_pages:
        scanned = [i + 1 for i, n in enumerate(readable) if n < MIN_TEXT_CHARS]
        if scanned and _is_report_text(triage.text):
            triage.verdict = ("unsupported", "no text layer: scanned report, needs OCR "
                              f"(pages {', '.join(map(str, scanned))} are images only)")
    return triage


def _has_cid_codes(data: bytes) -> bool:
    """pdfminer's view of page 1: ``(cid:NN)`` where pdfium guessed plausible wrong text."""
    try:
        with pdfplumber.open(BytesIO(data), pages=[1]) as pdf:
            return bool(pdf.pages) and "(cid:" in (pdf.pages[0].extract_text() or "")
    except Exception:  # damaged beyond what pdfium tolerated: not a garbling question
        return False


def _rare_count(text: str) -> int:
    return sum(1 for ch in text if 0x3400 <= ord(ch) <= 0x4DBF)


def _open_failure(exc: pdfium.PdfiumError) -> tuple[str, str]:
    if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
        return ("failed", "PDF needs a user password")
    if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_SECURITY:
        return ("failed", "PDF uses an unsupported security handler")
    return ("failed", f"corrupt or truncated PDF: {exc}")


def _readable_count(text: str) -> int:
    return sum(1 for ch in text if ch.isprintable() and not ch.isspace() and not _is_bad(ch))


def _bad_count(text: str) -> int:
    return sum(1 for ch in text if _is_bad(ch)) + 4 * text.count("(cid:")


def _is_bad(ch: str) -> bool:
    code = ord(ch)
    return (code == 0xFFFD or 0xE000 <= code <= 0xF8FF
            or (code < 0x20 and ch not in "\r\n\t") or code in (0xFFFE, 0xFFFF))


def _clean_page(text: str) -> str:
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = CJK_SPACE.sub("", line.strip())
        lines.append(_undouble_line(line))
    return "\n".join(lines)


def _undouble_line(line: str) -> str:
    """``X X`` → ``X``: pdfium keeps both copies of fake-bold text drawn as two runs."""
    n = len(line)
    if n >= 9 and n % 2 == 1 and line[n // 2] == " " and line[: n // 2] == line[n // 2 + 1:]:
        return line[: n // 2]
    if n >= 8 and n % 2 == 0 and line[: n // 2] == line[n // 2:]:
        return line[: n // 2]
    return line


def _squash(text: str) -> str:
    return "".join(text.split())


def _undouble_chars(text: str) -> str:
    """``二二、、主主动动`` → ``二、主动``: glyph-by-glyph fake bold seen as doubled characters."""
    return re.sub(r"(.)\1", r"\1", text)


def _table_pages(pages: list[str]) -> list[int]:
    """Pages from the first to the last that print a table label, plus the page after the last
    one when the tables may run on (no later section heading on that page)."""
    hits = []
    for i, text in enumerate(pages):
        flat = _squash(text)
        if not any(m in flat for m in TABLE_MARKERS):
            flat = _undouble_chars(flat)
        if any(m in flat for m in TABLE_MARKERS):
            hits.append(i)
    if not hits:
        return []
    last = hits[-1]
    if last + 1 < len(pages) and not LATER_SECTION.search(_squash(pages[last])):
        last += 1
    return list(range(hits[0], last + 1))


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
