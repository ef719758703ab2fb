"""Plain-text reader: a portal page copied as text, and text with its tables printed as rows.

Copying a web table as text keeps every cell but loses the rows. When the copy separates cells
with blank lines, a single line break is a break inside a cell (``本年新`` / ``制作数量``);
otherwise each line is a cell. Rows are rebuilt from the cells themselves: a run of labels
followed by a run of values is one row, and each report heading starts a new table.

PDF-to-text converters print tables as rows instead: Markdown pipe tables (``| 规章 | 0 | 0 |``),
tab-separated lines, or columns aligned with spaces, often under a generic or wrong header row
(``| 数据1 | 数据2 | …``). A run of such lines is one grid. Its value columns are the columns
where any row prints a number; in a data row every slot of those columns is a value, an empty
one a blank cell, so a value is placed by its row's label and its column position, never by
the header. Merged cells that converters print as empty slots in the label columns vanish.
The template mapper reads all these grids exactly as it reads HTML or PDF grids.
"""

from __future__ import annotations

import re

from pipeline.decode import Decoded, decode
from pipeline.extract.grid import Cell, CellBudget, Grid, Reading
from pipeline.extract.labels import HEADING, section_of
from pipeline.extract.values import is_value, normalize_cell

BLANK_LINE = re.compile(r"\n[ \t\u3000\xa0]*\n")
PIPE_ROW = re.compile(r"[|｜].*[|｜]")
PIPE_SEPARATOR = re.compile(r"^[|｜]?(\s*:?-{2,}:?\s*[|｜])*\s*:?-{2,}:?\s*[|｜]?$")
ALIGN_GAP = re.compile(r"[ \u3000\xa0]{2,}")
MAX_ALIGNED_CELL = 40  # a longer piece between wide gaps is prose, not an aligned table cell


def split_cells(text: str, blank_mode: bool | None = None) -> list[str]:
    """Cells of a text copy: blank-line separated blocks when the copy has blank lines (or
    ``blank_mode`` says the whole document has them), else one cell per line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if blank_mode if blank_mode is not None else BLANK_LINE.search(text):
        blocks = BLANK_LINE.split(text)
        return [" ".join(b.split("\n")).strip() for b in blocks if b.strip()]
    return [line.strip() for line in text.split("\n") if line.strip()]


def table_row(line: str) -> tuple[list[str], bool] | None:
    """The cells of a line printed as a table row, and whether it is space-aligned (no empty
    slots); ``None`` for a line of prose. A Markdown separator (``|---|:--:|``) has no cells."""
    stripped = line.strip()
    if PIPE_ROW.search(stripped):
        if PIPE_SEPARATOR.match(stripped):
            return [], False
        inner = stripped.removeprefix("|").removeprefix("｜").removesuffix("|").removesuffix("｜")
        return [cell.strip() for cell in re.split(r"[|｜]", inner)], False
    if "\t" in stripped:  # leading and trailing tabs are empty slots: keep them
        cells = [cell.strip() for cell in line.strip(" \u3000\xa0\n").split("\t")]
        return (cells, False) if sum(1 for c in cells if c) >= 2 else None
    cells = ALIGN_GAP.split(stripped)
    if len(cells) >= 2 and all(len(c) <= MAX_ALIGNED_CELL for c in cells):
        return cells, True
    return None


def _starts_table(cell: str) -> bool:
    norm = normalize_cell(cell)
    return bool(HEADING.match(norm)) and section_of(norm) not in (None, "end") and ("情况" in norm)


def _filled_value(text: str) -> bool:
    return bool(normalize_cell(text)) and is_value(text)


def rows_grid(rows: list[list[str]], table: int, first_source: int, *, aligned: bool) -> Grid:
    """One printed table's rows → a grid whose value slots keep their column positions.

    Space-aligned rows have no empty slots to count (a blank cell must print ``-`` or ``—``
    there): their filled cells are kept in order, labels then values, as in a prose copy.
    """
    value_cols = {i for row in rows for i, text in enumerate(row) if _filled_value(text)}
    start = None if aligned or not value_cols else min(value_cols)
    grid: Grid = []
    source = first_source
    for row in rows:
        keep = [(i, text) for i, text in enumerate(row) if normalize_cell(text)]
        if start is not None:
            label_part, value_part = row[:start], row[start:]
            is_data = all(is_value(t) for t in value_part) and (
                any(normalize_cell(t) for t in label_part)
                or any(_filled_value(t) for t in value_part)
            )
            if is_data:  # the filled labels left of the value columns, then every value slot
                keep = [(i, t) for i, t in enumerate(row) if i >= start or normalize_cell(t)]
                keep = [(i, t) for i, t in keep if i >= start or not is_value(t)]
        if not keep:
            continue
        cells = []
        for i, text in keep:
            cells.append(Cell(text, table, len(grid), i, source))
            source += 1
        grid.append(cells)
    return grid


def read_text(data: bytes | str) -> Reading:
    """Rebuild the tables of a text copy; every line or table cell spends one cell of a
    :class:`CellBudget`."""
    decoded: Decoded | None = None
    if isinstance(data, bytes):
        decoded = decode(data)
        data = decoded.text
    text = data
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Reading(format="text")
    if decoded:
        doc.errors.extend(decoded.errors)
    budget = CellBudget()
    filled = sum(1 for line in lines if line.strip())
    if filled > budget.per_document:
        doc.text = text[:20000]
        doc.verdict = (
            "failed",
            f"text document of {filled} lines: more than {budget.per_document} cells "
            "(limit per document)",
        )
        return doc
    parsed = [table_row(line) for line in lines]
    prose = "\n".join(line for line, row in zip(lines, parsed, strict=True) if row is None)
    blank_mode = bool(BLANK_LINE.search(prose))
    texts: list[str] = []

    def keep_grid(new: Grid) -> None:
        size = sum(len(r) for r in new)
        if size > budget.per_table:
            doc.errors.append(
                f"table {len(doc.grids) + 1} skipped: {size} cells, more than "
                f"{budget.per_table} (limit per table)"
            )
        elif new:
            doc.grids.append(new)

    grid: Grid = []
    row: list[Cell] = []
    in_values = False
    source = 0

    def close_row() -> None:
        nonlocal row, in_values
        if row:
            grid.append(row)
        row, in_values = [], False

    def close_grid() -> None:
        nonlocal grid
        close_row()
        keep_grid(grid)
        grid = []

    def add_prose(segment: list[str]) -> None:
        nonlocal in_values, source
        cells = split_cells("\n".join(segment), blank_mode)
        for text_cell in cells:
            texts.append(text_cell)
            value = is_value(text_cell)
            if not value and _starts_table(text_cell):
                close_grid()
            elif not value and in_values:
                close_row()
            in_values = in_values or value
            row.append(Cell(text_cell, len(doc.grids), len(grid), len(row), source))
            source += 1

    def add_table(parsed_rows: list[tuple[list[str], bool]]) -> None:
        nonlocal source
        rows = [r for r, _ in parsed_rows if r]
        if not rows:
            return
        close_grid()
        aligned = all(a for _, a in parsed_rows)
        table = rows_grid(rows, len(doc.grids), source, aligned=aligned)
        source += sum(len(r) for r in table)
        texts.extend("\t".join(c for c in r if c) for r in rows)
        keep_grid(table)

    segment: list[str] = []
    table_rows: list[tuple[list[str], bool]] = []
    for line, cells in zip(lines, parsed, strict=True):
        if cells is None:
            if table_rows:
                add_table(table_rows)
                table_rows = []
            segment.append(line)
        else:
            if segment:
                add_prose(segment)
                segment = []
            table_rows.append(cells)
    if table_rows:
        add_table(table_rows)
    if segment:
        add_prose(segment)
    close_grid()
    doc.text = "\n".join(texts)
    return doc
