"""Linearised-text reader: a portal page copied as text, one table cell per line.

Copying a web table as text keeps every cell but loses the rows. When the copy separates cells
with blank lines, a single line break is a break inside a cell (``本年新`` / ``制作数量``);
otherwise each line is a cell. Rows are rebuilt from the cells themselves: a run of labels
followed by a run of values is one row, and each report heading starts a new table. The
template mapper then reads these rows exactly as it reads HTML or PDF grids.
"""

from __future__ import annotations

import re

from pipeline.decode import Decoded, decode
from pipeline.extract.grid import Cell, CellBudget, Grid, Reading
from pipeline.extract.labels import HEADING, section_of
from pipeline.extract.values import is_value, normalize_cell

BLANK_LINE = re.compile(r"\n[ \t\u3000\xa0]*\n")


def split_cells(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if BLANK_LINE.search(text):
        blocks = BLANK_LINE.split(text)
        return [" ".join(b.split("\n")).strip() for b in blocks if b.strip()]
    return [line.strip() for line in text.split("\n") if line.strip()]


def _starts_table(cell: str) -> bool:
    norm = normalize_cell(cell)
    return bool(HEADING.match(norm)) and section_of(norm) not in (None, "end") and ("情况" in norm)


def read_text(data: bytes | str) -> Reading:
    """Rebuild the tables of a text copy; every line spends one cell of a :class:`CellBudget`."""
    decoded: Decoded | None = None
    if isinstance(data, bytes):
        decoded = decode(data)
        data = decoded.text
    cells = split_cells(data)
    doc = Reading(format="text", text="\n".join(cells))
    if decoded:
        doc.errors.extend(decoded.errors)
    budget = CellBudget()
    if len(cells) > budget.per_document:
        doc.verdict = (
            "failed",
            f"text document of {len(cells)} lines: more than {budget.per_document} cells "
            "(limit per document)",
        )
        return doc
    grid: Grid = []
    row: list[Cell] = []
    in_values = False

    def close_row() -> None:
        nonlocal row, in_values
        if row:
            grid.append(row)
        row, in_values = [], False

    def close_grid() -> None:
        nonlocal grid
        close_row()
        size = sum(len(r) for r in grid)
        if size > budget.per_table:
            doc.errors.append(
                f"table {len(doc.grids) + 1} skipped: {size} cells, more than "
                f"{budget.per_table} (limit per table)"
            )
        elif grid:
            doc.grids.append(grid)
        grid = []

    for source, text_cell in enumerate(cells):
        value = is_value(text_cell)
        if not value and _starts_table(text_cell):
            close_grid()
        elif not value and in_values:
            close_row()
        in_values = in_values or value
        row.append(Cell(text_cell, len(doc.grids), len(grid), len(row), source))
    close_grid()
    return doc
