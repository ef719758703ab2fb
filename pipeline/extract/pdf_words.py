"""Tables without ruling lines, read from word positions.

With no lines to follow, the table is rebuilt from where words sit: lines are words at the same
height; a line with numbers is a data row; the numbers' x positions give the value columns;
a line of words over the value columns is a header; a line of words left of them only is a
wrapped label or a group label, attached to the data row nearest to it (exporters centre
labels vertically on their row). Headings (table titles, 第二十条 clauses) split the page into
blocks, each with its own value columns.
"""

from __future__ import annotations

from pipeline.extract.grid import Cell, Grid
from pipeline.extract.labels import (
    CJK_SPACE,
    LATER_SECTION,
    PAGE_NUMBER,
    TABLE_HEADING,
    TABLE_START,
)
from pipeline.extract.values import is_value

LINE_TOL = 2.5  # points: words whose vertical centres are closer share a line
COLUMN_TOL = 12.0  # points: numbers whose centres are closer share a column
CELL_GAP = 6.0  # points: margin left of the leftmost number where the value columns begin


def grids_from_words(page, number: int) -> list[Grid]:
    """The unruled tables of one page as grids (table index 0; renumbered by the caller)."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2)
    lines = _lines(words)
    lines = [ln for ln in lines if not PAGE_NUMBER.match(_text(ln))]
    start = next((i for i, ln in enumerate(lines) if TABLE_START.search(_flat(ln))), None)
    if any(len(_numbers(ln)) >= 3 for ln in lines[:3]):
        start = 0  # a table continued from the previous page
    if start is None:
        return []
    region = []
    for line in lines[start:]:
        if LATER_SECTION.match(_flat(line)):
            break
        region.append(line)
    grids = []
    block: list[list[dict]] = []
    for line in region:
        if TABLE_HEADING.search(_flat(line)) and not _numbers(line):
            if block:
                grids.append(_block_grid(block, number))
            grids.append([[Cell(CJK_SPACE.sub("", _text(line)), 0, 0, 0, 0, number)]])
            block = []
        else:
            block.append(line)
    if block:
        grids.append(_block_grid(block, number))
    return [g for g in grids if g]


def _lines(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (w["top"] + w["bottom"]) / 2):
        mid = (w["top"] + w["bottom"]) / 2
        if lines and abs(mid - _mid(lines[-1])) <= LINE_TOL:
            lines[-1].append(w)
        else:
            lines.append([w])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _mid(line: list[dict]) -> float:
    return sum((w["top"] + w["bottom"]) / 2 for w in line) / len(line)


def _text(words: list[dict]) -> str:
    return " ".join(w["text"] for w in words)


def _flat(line: list[dict]) -> str:
    return "".join(w["text"] for w in line)


def _is_number(text: str) -> bool:
    return is_value(text) and any(ch.isdigit() for ch in text)


def _numbers(line: list[dict]) -> list[dict]:
    """The line's value words: numbers after a label, or every word of an all-number line."""
    nums = [w for w in line if _is_number(w["text"])]
    if len(nums) == len(line):
        return nums
    return [w for w in nums if w is not line[0]]


def _block_grid(lines: list[list[dict]], page: int) -> Grid:
    data = [ln for ln in lines if _numbers(ln)]
    if not data:
        names = _label_cells([w for ln in lines for w in ln])
        return [[Cell(t, 0, 0, c, c, page) for c, t in enumerate(names)]] if names else []
    centres = _columns([(w["x0"] + w["x1"]) / 2 for ln in data for w in _numbers(ln)])
    value_left = min(w["x0"] for ln in data for w in _numbers(ln)) - CELL_GAP

    # pass 1: data lines are rows; consecutive lines with words over the value columns are
    # one header row
    rows: list[dict] = []
    loose: list[list[dict]] = []
    header: dict | None = None
    for line in lines:
        labels = [w for w in line if w["x1"] <= value_left]
        over = [w for w in line if w["x1"] > value_left]
        if _numbers(line):
            rows.append({"mid": _mid(line), "labels": labels, "values": over})
            header = None
        elif over:
            if header is None:
                header = {"mid": _mid(line), "labels": [], "values": []}
                rows.append(header)
            header["labels"] += labels
            header["values"] += over
        else:
            loose.append(labels)
            header = None
    # pass 2: label-only lines (wrapped or group labels) join the nearest row
    for stray in loose:
        mid = _mid(stray)
        min(rows, key=lambda r: abs(r["mid"] - mid))["labels"] += stray

    width = max(len(_label_cells(r["labels"])) for r in rows)
    grid: Grid = []
    for r, row in enumerate(rows):
        values = [""] * len(centres)
        for w in sorted(row["values"], key=lambda w: (round(w["top"]), w["x0"])):
            c = min(range(len(centres)), key=lambda i: abs(centres[i] - (w["x0"] + w["x1"]) / 2))
            values[c] += w["text"]
        cells: list[Cell] = []
        for text in _label_cells(row["labels"]):
            cells.append(Cell(text, 0, r, len(cells), r * 1000 + len(cells), page))
        while cells and len(cells) < width:  # the last label spans the unused label columns
            cells.append(Cell(cells[-1].text, 0, r, len(cells), cells[-1].source, page))
        for text in values:
            cells.append(
                Cell(CJK_SPACE.sub("", text), 0, r, len(cells), r * 1000 + len(cells), page)
            )
        grid.append(cells)
    return grid


def _columns(centres: list[float]) -> list[float]:
    groups: list[list[float]] = []
    for x in sorted(centres):
        if groups and x - groups[-1][-1] <= COLUMN_TOL:
            groups[-1].append(x)
        else:
            groups.append([x])
    return [sum(g) / len(g) for g in groups]


def _label_cells(words: list[dict]) -> list[str]:
    """Label words grouped into cells by horizontal overlap, each read top to bottom."""
    clusters: list[list[dict]] = []
    for w in sorted(words, key=lambda w: w["x0"]):
        for cluster in clusters:
            x0 = min(c["x0"] for c in cluster)
            x1 = max(c["x1"] for c in cluster)
            if w["x0"] < x1 + 1 and w["x1"] > x0 - 1:
                cluster.append(w)
                break
        else:
            clusters.append([w])
    cells = []
    for cluster in sorted(clusters, key=lambda c: min(w["x0"] for w in c)):
        ordered = sorted(cluster, key=lambda w: (round(w["top"]), w["x0"]))
        cells.append(CJK_SPACE.sub("", "".join(w["text"] for w in ordered)))
    return cells
