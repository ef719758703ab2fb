"""What every reader hands the template mapper: the document's tables as grids of cells.

A reader (HTML, linearised text, PDF, Word) only has to find tables and expand merged cells;
it knows nothing about the report template. Merged cells are expanded into every grid slot they
cover, and the copies share ``source`` so the mapper can count a merged value once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Real report tables have a few hundred cells and a report a few thousand; merged-cell spans
# multiply, so a small hostile page could expand to billions. Every reader spends its cells from
# a budget: a table over the per-table limit is skipped, and a document stops being read at
# the per-document limit. Bounds memory and time whatever the spans say.
MAX_SPAN = 200  # rows or columns one printed cell may cover
MAX_TABLE_CELLS = 20_000
MAX_DOCUMENT_CELLS = 100_000


class GridLimit(Exception):
    """A table or a document expands to more cells than the reader's limits allow."""

    def __init__(self, message: str, *, document: bool):
        super().__init__(message)
        self.document = document  # the whole document's budget is spent: stop reading tables


@dataclass
class CellBudget:
    """Cells one document may still expand to; spending is never refunded."""

    per_table: int = MAX_TABLE_CELLS
    per_document: int = MAX_DOCUMENT_CELLS
    used: int = 0

    def spend(self, table_used: int, cells: int) -> None:
        if self.used + cells > self.per_document:
            raise GridLimit(
                f"the document's tables expand to more than {self.per_document} cells "
                "(limit per document)",
                document=True,
            )
        if table_used + cells > self.per_table:
            raise GridLimit(
                f"expands to more than {self.per_table} cells (limit per table)", document=False
            )
        self.used += cells


@dataclass(slots=True)
class Cell:
    text: str
    table: int  # 0-based index of the grid in Reading.grids
    row: int  # 0-based row index in that grid
    col: int  # 0-based column index in that grid
    source: int  # identity of the printed cell; merged-cell copies share it
    page: int | None = None  # 1-based PDF page the cell was printed on
    ocr_confidence: float | None = None  # 0-1 when the text was read by OCR from an image

    def provenance(self) -> dict:
        where = {"table": self.table, "row": self.row, "col": self.col}
        if self.page is not None:
            where["page"] = self.page
        return where


Grid = list[list[Cell]]


@dataclass
class Reading:
    """What a reader got out of one document: its tables, its readable text, its printed title.

    Not to be confused with the catalog's document records or the contract object the
    extraction returns (:mod:`pipeline.records`).
    """

    format: str  # html | pdf | text | docx | doc | wps
    grids: list[Grid] = field(default_factory=list)
    text: str = ""  # all readable text in reading order, tables included
    title: str | None = None  # the report title as the document prints it, if it does
    errors: list[str] = field(default_factory=list)  # reader-level problems worth reporting
    # (status, reason) when the reader already knows the tables cannot be read, e.g.
    # ("unsupported", "no text layer: scanned report, needs OCR") or ("failed", "corrupt PDF: ...")
    verdict: tuple[str, str] | None = None
    # True when the verdict is our pipeline's failure, not the document's: a reader crashed or
    # hit the time or memory limit of the isolated worker. Operators rerun these; they do not
    # blame the portal.
    fault: bool = False
    ocr: bool = False  # the tables were read from images by OCR


class GridBuilder:
    """Build grids row by row, expanding row/col spans the way HTML tables lay them out."""

    def __init__(
        self, table: int, page: int | None = None, budget: CellBudget | None = None
    ) -> None:
        self.table = table
        self.page = page
        self.budget = budget or CellBudget()
        self.cells = 0  # cells spent so far, pending rowspan copies included
        self.rows: Grid = []
        self._pending: dict[tuple[int, int], Cell] = {}  # (row, col) slots filled by rowspans
        self._next_source = 0

    def add_row(self, cells: list[tuple[str, int, int]]) -> None:
        """Append a row of ``(text, rowspan, colspan)`` cells; :class:`GridLimit` past a limit."""
        r = len(self.rows)
        row: list[Cell] = []
        col = 0

        def fill_pending() -> None:
            nonlocal col
            while (r, col) in self._pending:
                above = self._pending.pop((r, col))
                row.append(Cell(above.text, self.table, r, col, above.source, self.page))
                col += 1

        for text, rowspan, colspan in cells:
            rowspan, colspan = min(max(rowspan, 1), MAX_SPAN), min(max(colspan, 1), MAX_SPAN)
            self.budget.spend(self.cells, rowspan * colspan)
            self.cells += rowspan * colspan
            fill_pending()
            source = self._next_source
            self._next_source += 1
            for c in range(col, col + colspan):
                cell = Cell(text, self.table, r, c, source, self.page)
                row.append(cell)
                for below in range(r + 1, r + rowspan):
                    self._pending[(below, c)] = cell
            col += colspan
        fill_pending()
        self.rows.append(row)

    def grid(self) -> Grid:
        return self.rows
