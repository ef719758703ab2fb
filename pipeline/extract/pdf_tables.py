"""pdfplumber tables → grids: cells from ruling lines, stitched across page breaks.

pdfplumber gives each table on a page as cell rectangles. Here they become grids on the union
of the cells' column boundaries, so one logical table that continues on the next page (with
only a page number or running header in between) becomes one grid even when the parts' column
boundaries differ. At a page break a row label can be cut (``（四）无`` / ``法提供``), a row can
be cut in two (label on one page, numbers on the next), and a group label's merged cell
continues empty on the next page: all three are joined back. Slots no ruled cell covers (a
border missing at the page break) take the words printed there.

Merged cells share ``Cell.source``; blank label cells are read as continuations of the label
above (a vertical merge) or to the left (a horizontal one), which is how exporters draw them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import BytesIO

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.utils import extract_text

from pipeline.extract.faults import DocumentLimit, raised_by_us
from pipeline.extract.grid import Cell, Grid
from pipeline.extract.labels import (
    CJK_SPACE,
    HEADER_WORDS,
    PAGE_NUMBER,
    ROW_MARKER,
    TABLE_HEADING,
)
from pipeline.extract.pdf_words import grids_from_words
from pipeline.extract.values import is_value

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
TOL = 3.0  # points: boundaries closer than this are the same ruling line


@dataclass
class PCell:
    """A printed cell on one page (pdfplumber coordinates: top grows downwards)."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str


@dataclass
class Part:
    """One table found on one page."""

    page: int  # 1-based
    bbox: tuple[float, float, float, float]
    cells: list[PCell]
    chars: list[dict]  # the page's characters inside bbox, for slots no cell covers
    alone_top: bool = False  # only page numbers / running headers above it
    alone_bottom: bool = False  # only page numbers / running footers below it


@dataclass
class Tables:
    grids: list[Grid] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    verdict: tuple[str, str] | None = None


def read_tables(
    stream: BytesIO, plan: Callable[[list[Page]], tuple[list[int], frozenset[str]]]
) -> Tables:
    """Find the tables and return them as stitched grids.

    ``plan(pages)`` gives the pages to read (0-based) and the running header/footer lines; it
    is called once the file is opened and its page tree walked (``pages``, not parsed yet), and
    may block while the triage is still reading.
    """
    out = Tables()
    items: list[Part | Grid] = []  # ruled parts to stitch, or grids read from word positions
    try:
        with pdfplumber.open(stream) as pdf:
            all_pages = pdf.pages
            pages, running = plan(all_pages)
            for index in pages:
                page = all_pages[index]
                if has_fake_bold(page.chars):
                    page = page.dedupe_chars()
                found = page_parts(page, index + 1, running)
                items.extend(found or grids_from_words(page, index + 1))
                page.close()
    except MemoryError:
        raise  # the worker's memory cap: reported as a limit hit, not as a damaged file
    except DocumentLimit as exc:
        out.verdict = ("failed", f"corrupt PDF: {exc}")
        return out
    except Exception as exc:  # pdfminer raises many types on damaged files
        if raised_by_us(exc):
            raise  # a bug of ours: the worker reports it as a pipeline fault
        name = type(exc).__name__
        if name == "PDFPasswordIncorrect":
            out.verdict = ("failed", "PDF needs a user password")
        else:
            out.verdict = ("failed", f"corrupt or truncated PDF: {name}: {exc}".strip(": "))
        return out
    texts = [c.text for i in items if isinstance(i, Part) for c in i.cells]
    texts += [c.text for i in items if not isinstance(i, Part) for row in i for c in row]
    if any("(cid:" in t for t in texts):
        out.verdict = ("unsupported", "garbled text: (cid:NN) glyphs without a Unicode mapping")
        return out
    grids: list[Grid] = []
    run: list[Part] = []
    for item in [*items, None]:
        if isinstance(item, Part):
            run.append(item)
            continue
        grids.extend(build_grid(group, 0) for group in stitch(run))
        run = []
        if item is not None:
            grids.append(item)
    for grid in grids:
        if grid and (max(len(r) for r in grid) >= 2 or _is_heading(grid)):
            for row in grid:
                for cell in row:
                    cell.table = len(out.grids)
            out.grids.append(grid)
    return out


def _is_heading(grid: Grid) -> bool:
    return len(grid) == 1 and len(grid[0]) == 1 and bool(TABLE_HEADING.search(grid[0][0].text))


def page_parts(page, number: int, running: frozenset[str]) -> list[Part]:
    """The ruled tables of one page."""
    tables = page.find_tables(TABLE_SETTINGS)
    parts = []
    for table in tables:
        cells = []
        for row, texts in zip(table.rows, table.extract(), strict=True):
            for bbox, text in zip(row.cells, texts, strict=True):
                if bbox is not None:
                    x0, top, x1, bottom = bbox
                    cells.append(PCell(x0, top, x1, bottom, clean(text or "")))
        x0, top, x1, bottom = table.bbox
        inside = [
            c
            for c in page.chars
            if x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1
            and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1
        ]
        parts.append(Part(number, table.bbox, cells, inside))
    if not parts:
        return []
    above = [c for c in page.chars if c["bottom"] <= parts[0].bbox[1] + 1]
    below = [c for c in page.chars if c["top"] >= parts[-1].bbox[3] - 1]
    parts[0].alone_top = only_running_lines(above, running)
    parts[-1].alone_bottom = only_running_lines(below, running)
    return parts


def has_fake_bold(chars: list[dict]) -> bool:
    """True when many glyphs are drawn twice at (almost) the same place."""
    seen: dict[tuple[str, int], list[float]] = {}
    doubled = 0
    for c in chars:
        if c["text"].isspace():
            continue
        key = (c["text"], round(c["top"]))
        xs = seen.setdefault(key, [])
        if any(abs(x - c["x0"]) < 1.0 for x in xs):
            doubled += 1
        xs.append(c["x0"])
    return doubled > 20 and doubled > len(chars) // 5


def only_running_lines(chars: list[dict], running: frozenset[str]) -> bool:
    lines: dict[int, list[dict]] = {}
    for c in chars:
        lines.setdefault(round(c["top"] / 3), []).append(c)
    for line in lines.values():
        text = "".join(c["text"] for c in sorted(line, key=lambda c: c["x0"]))
        flat = "".join(text.split())
        if flat and not PAGE_NUMBER.match(text) and flat not in running:
            return False
    return True


def clean(text: str) -> str:
    """Join wrapped lines and drop the spaces exporters put between CJK characters."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    joined = ""
    for line in lines:
        if (
            joined
            and joined[-1].isascii()
            and joined[-1].isalnum()
            and line[0].isascii()
            and line[0].isalnum()
        ):
            joined += " "
        joined += line
    return CJK_SPACE.sub("", joined)


def stitch(parts: list[Part]) -> list[list[Part]]:
    """Group the parts of tables that continue from the bottom of a page onto the next."""
    groups: list[list[Part]] = []
    for part in parts:
        prev = groups[-1][-1] if groups else None
        if (
            prev is not None
            and part.page == prev.page + 1
            and prev.alone_bottom
            and part.alone_top
            and abs(prev.bbox[0] - part.bbox[0]) < 2 * TOL
            and abs(prev.bbox[2] - part.bbox[2]) < 2 * TOL
        ):
            groups[-1].append(part)
        else:
            groups.append([part])
    return groups


# --- grid building -------------------------------------------------------------------------


class _Nodes:
    """Union-find over printed cells: merged and continued cells end up as one node."""

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.text: list[str] = []

    def add(self, text: str) -> int:
        self.parent.append(len(self.parent))
        self.text.append(text)
        return len(self.parent) - 1

    def root(self, n: int) -> int:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def join(self, keep: int, other: int, *, concat: bool = False) -> None:
        keep, other = self.root(keep), self.root(other)
        if keep == other:
            return
        if concat:
            self.text[keep] += self.text[other]
        elif not self.text[keep]:
            self.text[keep] = self.text[other]
        self.parent[other] = keep


def _cluster(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > TOL:
            out.append(v)
    return out


def _index(bounds: list[float], v: float) -> int:
    return min(range(len(bounds)), key=lambda i: abs(bounds[i] - v))


def build_grid(parts: list[Part], table: int) -> Grid:
    xs = _cluster([x for p in parts for c in p.cells for x in (c.x0, c.x1)])
    if len(xs) < 2:
        return []
    nodes = _Nodes()
    slots: list[list[int | None]] = []
    row_pages: list[int] = []
    boundaries: list[int] = []  # first row index of every part after the first
    for k, part in enumerate(parts):
        ys = _cluster([y for c in part.cells for y in (c.top, c.bottom)])
        first = len(slots)
        if k:
            boundaries.append(first)
        slots.extend([None] * (len(xs) - 1) for _ in range(len(ys) - 1))
        row_pages.extend([part.page] * (len(ys) - 1))
        for c in part.cells:
            n = nodes.add(c.text)
            for r in range(_index(ys, c.top), _index(ys, c.bottom)):
                for col in range(_index(xs, c.x0), _index(xs, c.x1)):
                    if slots[first + r][col] is None:
                        slots[first + r][col] = n
        _fill_orphans(slots, first, ys, xs, part, nodes)
    _drop_prose_rows(slots, row_pages, boundaries, nodes)
    if not slots:
        return []
    value_start = _value_start(slots, nodes)
    for b in reversed(boundaries):  # joining may delete a row: later boundaries first
        if 0 < b < len(slots):
            _join_at_break(slots, row_pages, b, value_start, nodes)
    _fill_blank_labels(slots, value_start, nodes)
    return [
        [
            Cell(nodes.text[nodes.root(n)], table, r, c, nodes.root(n), row_pages[r])
            for c, n in enumerate(_filled(row))
        ]
        for r, row in enumerate(slots)
    ]


def _filled(row: list[int | None]) -> list[int]:
    """A row of slots, every one of which ``_fill_orphans`` gave a cell."""
    if any(n is None for n in row):
        raise ValueError("grid slot without a cell")
    return [n for n in row if n is not None]


def _fill_orphans(slots, first, ys, xs, part: Part, nodes: _Nodes) -> None:
    """Slots no ruled cell covers: the words printed there, one cell per vertical run; an
    empty run continues the cell above it (its closing border was never drawn)."""
    for col in range(len(xs) - 1):
        r = 0
        while r < len(ys) - 1:
            if slots[first + r][col] is not None:
                r += 1
                continue
            end = r
            while end < len(ys) - 1 and slots[first + end][col] is None:
                end += 1
            x0, x1, top, bottom = xs[col], xs[col + 1], ys[r], ys[end]
            chars = [
                c
                for c in part.chars
                if x0 <= (c["x0"] + c["x1"]) / 2 <= x1
                and top <= (c["top"] + c["bottom"]) / 2 <= bottom
            ]
            text = clean(extract_text(chars)) if chars else ""
            above = slots[first + r - 1][col] if r > 0 else None
            n = above if (not text and above is not None) else nodes.add(text)
            for rr in range(r, end):
                slots[first + rr][col] = n
            r = end


def _single(row, nodes: _Nodes) -> int | None:
    roots = {nodes.root(n) for n in row}
    return roots.pop() if len(roots) == 1 else None


def _drop_prose_rows(slots, row_pages, boundaries, nodes: _Nodes) -> None:
    """Narrative lines that exporters frame like table rows (one cell spanning the width)."""
    keep = []
    for row in slots:
        n = _single(row, nodes)
        text = nodes.text[n] if n is not None else None
        prose = text is not None and (not text or len(text) > 40 or "。" in text or "，" in text)
        keep.append(not prose)
    shift = [sum(1 for k in keep[:r] if not k) for r in range(len(keep) + 1)]
    boundaries[:] = [b - shift[b] for b in boundaries]
    slots[:] = [row for row, k in zip(slots, keep, strict=True) if k]
    row_pages[:] = [p for p, k in zip(row_pages, keep, strict=True) if k]


def _value_start(slots, nodes: _Nodes) -> int:
    """The first column where some row prints a number: columns left of it hold labels."""
    start = len(slots[0])
    for row in slots:
        for c, n in enumerate(row):
            text = nodes.text[nodes.root(n)]
            if text and is_value(text) and any(ch.isdigit() for ch in text):
                start = min(start, c)
                break
    return start


def _has_values(row, value_start: int, nodes: _Nodes) -> bool:
    return any(nodes.text[nodes.root(n)] for n in row[value_start:])


def _labels_only(row, value_start: int, nodes: _Nodes) -> bool:
    """True when the value columns hold only numbers or blanks (a data row, not a header)."""
    return all(is_value(nodes.text[nodes.root(n)]) for n in row[value_start:])


def _fragment(text: str) -> bool:
    """A label piece continued from the previous page: no numbering, no header word."""
    return bool(text) and not ROW_MARKER.match(text) and text not in HEADER_WORDS


def _join_at_break(slots, row_pages, b: int, value_start: int, nodes: _Nodes) -> None:
    """Join what a page break cut: a row in two, a row label in two, a group label's cell."""
    above, below = slots[b - 1], slots[b]
    if _single(above, nodes) is not None or _single(below, nodes) is not None:
        return
    root = nodes.root
    if _labels_only(above, value_start, nodes) and _labels_only(below, value_start, nodes):
        complementary = all(
            not (nodes.text[root(a)] and nodes.text[root(z)])
            for a, z in zip(above[value_start:], below[value_start:], strict=True)
        )
        below_labels = {root(n) for n in below[:value_start]} - {root(n) for n in above}
        if (
            complementary
            and below_labels
            and all(not nodes.text[n] or _fragment(nodes.text[n]) for n in below_labels)
            and (_has_values(above, value_start, nodes) != _has_values(below, value_start, nodes))
        ):
            for a, z in zip(above, below, strict=True):
                nodes.join(a, z, concat=True)
            del slots[b]
            del row_pages[b]
            return
    # group labels (every label column left of the row's own label) continue across the break
    for c in range(value_start):
        a, z = root(above[c]), root(below[c])
        if a == z or not nodes.text[a]:
            continue
        text = nodes.text[z]
        inner = any(nodes.text[root(n)] and root(n) != z for n in below[c + 1 : value_start])
        if not text or (inner and _fragment(text)):
            nodes.join(a, z, concat=True)


def _fill_blank_labels(slots, value_start: int, nodes: _Nodes) -> None:
    """A blank label slot continues the label above it when the row's own label is further
    right (a vertically merged group cell), else the label to its left (a horizontal one)."""
    root = nodes.root
    for r, row in enumerate(slots):
        for c in range(value_start):
            if nodes.text[root(row[c])]:
                continue
            inner = any(nodes.text[root(n)] for n in row[c + 1 : value_start])
            if inner and r > 0 and nodes.text[root(slots[r - 1][c])]:
                nodes.join(slots[r - 1][c], row[c])
            elif not inner and c > 0 and nodes.text[root(row[c - 1])]:
                nodes.join(row[c - 1], row[c])
