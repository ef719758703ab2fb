"""Template mapper: grid rows → contract entries, by label meaning, for every reader.

The mapper walks all grids' rows in order as one stream, because real reports split one table
over several ``<table>`` elements (or pages) and put several sub-tables in one. Each row is read
as its label cells (processed left to right: headings switch the section, clause markers and
header labels set the columns, the last row label names the row) followed by its value cells
(merged copies counted once). The 2019/2021 format is read per sub-table from its header.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline import contract
from pipeline.extract import labels
from pipeline.extract.grid import Cell, Grid
from pipeline.extract.values import is_value, normalize_cell, parse_value

REQUESTER_ORDER = tuple(contract.REQUESTERS)
PROCEEDING_ORDER = tuple(contract.PROCEEDINGS)
RESULT_ORDER = tuple(contract.RESULTS)
APPEAL_CELLS = len(PROCEEDING_ORDER) * len(RESULT_ORDER)
CLAUSE_ONE_ITEMS = frozenset(contract.AD_CLAUSES["一"][0])
CLAUSE_ONE_WIDTH = len(contract.AD_CLAUSES["一"][1])  # both formats print three columns


@dataclass
class Mapping:
    """What the mapper found: contract entries per table, template variants, problems."""

    active_disclosure: list[dict] = field(default_factory=list)
    applications: list[dict] = field(default_factory=list)
    appeals: list[dict] = field(default_factory=list)
    clause_one_format: str | None = None
    errors: list[str] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)  # invalid_value findings, one per cell

    @property
    def other_handling(self) -> str | None:
        outcomes = {e["outcome"] for e in self.applications}
        if outcomes & set(contract.SPLIT_OTHER):
            return "split"
        if "other_handling" in outcomes:
            return "single"
        return None

    def tables_found(self) -> list[str]:
        return [t for t in contract.TABLES if getattr(self, t)]


def _entry(mapping: Mapping, table: str, keys: dict, cell: Cell) -> dict:
    """A contract entry; a value the cell cannot hold is null with an ``invalid_value`` finding."""
    entry = dict(keys)
    row, column = keys.values()
    entry["value"], problem = parse_value(cell.text, column)
    entry["raw"] = " ".join(cell.text.split())
    entry.update(cell.provenance())
    if cell.ocr_confidence is not None:
        entry["ocr_confidence"] = cell.ocr_confidence
    if problem:
        shown = entry["raw"] if len(entry["raw"]) <= 40 else entry["raw"][:40] + "…"
        mapping.invalid.append(
            {
                "rule": "invalid_value",
                "where": contract.cell_where(table, row, column),
                "message": f"printed {shown!r}: {problem}; value left null",
            }
        )
    return entry


def _split_row(row: list[Cell]) -> tuple[list[Cell], list[Cell]]:
    """Label cells (deduplicated, in order) and the value cells after the last label."""
    last_label = -1
    kinds = []
    for i, cell in enumerate(row):
        value = is_value(cell.text)
        kinds.append(value)
        if not value:
            last_label = i
    label_cells, seen = [], set()
    for cell, value in zip(row[: last_label + 1], kinds, strict=False):
        if not value and cell.source not in seen:
            seen.add(cell.source)
            label_cells.append(cell)
    values, prev = [], None
    for cell in row[last_label + 1 :]:
        if cell.source != prev:
            values.append(cell)
        prev = cell.source
    return label_cells, values


class _Walker:
    def __init__(self) -> None:
        self.out = Mapping()
        self.section: str | None = None
        # table 二: the columns of the current sub-table, from its header row
        self.measures: list[str] = []
        self.collecting_header = False
        # table 三
        self.group: str | None = None
        # table 四
        self.appeal_values: list[Cell] = []
        self.result_order: list[str] = []
        self.seen: set[tuple[str, str, str]] = set()
        # 第二十条第（一）项 rows whose header does not say 2019 or 2021 (both are 3 wide)
        self.unheaded_clause_one: list[tuple[str, list[Cell]]] = []

    # -- driving ---------------------------------------------------------------------------
    def row(self, row: list[Cell]) -> None:
        label_cells, values = _split_row(row)
        row_item = row_outcome = None
        for cell in label_cells:
            norm = normalize_cell(cell.text)
            if not norm:
                continue
            section = labels.section_of(norm)
            if section and (section != self.section or section == "active_disclosure"):
                self._enter(section, norm)
            if self.section == "active_disclosure":
                row_item = self._ad_label(norm) or row_item
            elif self.section == "applications":
                row_outcome = self._apps_label(norm) or row_outcome
            elif self.section == "appeals":
                result = labels.appeal_result(norm)
                if (
                    result
                    and len(self.result_order) < len(RESULT_ORDER)
                    and result not in self.result_order
                ):
                    self.result_order.append(result)
        if not values:
            return
        blank_appeals_row = (
            self.section == "appeals" and not self.appeal_values and len(values) == APPEAL_CELLS
        )
        if (
            not label_cells
            and not blank_appeals_row
            and all(not normalize_cell(c.text) for c in values)
        ):
            return  # a spacer row (table 四's data row may be printed entirely blank)
        if self.section == "active_disclosure" and row_item:
            self._ad_values(row_item, values)
        elif self.section == "applications" and row_outcome:
            self._apps_values(row_outcome, values)
        elif self.section == "applications" and label_cells and len(values) == len(REQUESTER_ORDER):
            label = " ".join(normalize_cell(c.text) for c in label_cells)
            self.out.errors.append(f"table 三: row label {label!r} not recognised; row skipped")
        elif self.section == "appeals":
            self.appeal_values.extend(values)

    def _enter(self, section: str, norm: str) -> None:
        if section == "active_disclosure" and labels.CLAUSE.search(norm):
            self.measures, self.collecting_header = [], False  # a new 第二十条 sub-table
        if section != self.section:
            self.section = None if section == "end" else section
            self.group = None

    # -- table 二 ---------------------------------------------------------------------------
    def _ad_label(self, norm: str) -> str | None:
        key = labels.label_key(norm)
        if key == "信息内容":
            self.measures, self.collecting_header = [], True
            return None
        item = labels.ad_item(norm)
        if item:
            self.collecting_header = False
            return item
        measure = labels.ad_measure(norm)
        if measure:
            if not self.collecting_header:
                self.measures, self.collecting_header = [], True
            self.measures.append(measure)
        return None

    def _ad_values(self, item: str, values: list[Cell]) -> None:
        values = _unpadded(values, len(self.measures)) if self.measures else values
        if not self.measures and item in CLAUSE_ONE_ITEMS and len(values) == CLAUSE_ONE_WIDTH:
            self.unheaded_clause_one.append((item, values))
            return
        measures = self.measures or self._default_measures(item, len(values))
        self._ad_store(item, measures, values)

    def _ad_store(self, item: str, measures: list[str], values: list[Cell]) -> None:
        if len(values) != len(measures):
            self.out.errors.append(
                f"table 二: row {item} has {len(values)} values for {len(measures)} columns "
                f"({', '.join(measures) or 'no header'}); row skipped"
            )
            return
        for measure, cell in zip(measures, values, strict=True):
            key = ("active_disclosure", item, measure)
            if key in self.seen:
                continue
            self.seen.add(key)
            entry = _entry(self.out, "active_disclosure", {"item": item, "measure": measure}, cell)
            self.out.active_disclosure.append(entry)
        if contract.CLAUSE_OF_ITEM[item] == "一" and self.out.clause_one_format is None:
            self.out.clause_one_format = contract.sub_table_format(item, measures)

    @staticmethod
    def _default_measures(item: str, count: int) -> list[str]:
        """Columns of a sub-table whose header row was not printed, told apart by width."""
        for items, m2019, m2021 in contract.AD_CLAUSES.values():
            if item in items:
                for measures in (m2021, m2019):
                    if len(measures) == count:
                        return list(measures)
        return []

    def _clause_one_format(self, year: int | None) -> tuple[tuple[str, ...], str]:
        """Columns for 第二十条第（一）项 rows printed without a header that names them.

        Rows only one format has decide (其他对外管理服务事项 and 政府集中采购 exist only in
        2019, a money amount for 行政事业性收费 only in 2021), then the report year.
        """
        _items, m2019, m2021 = contract.AD_CLAUSES["一"]
        found = {(e["item"], e["measure"]) for e in self.out.active_disclosure}
        items = {item for item, _ in found}
        if items & {"other_services", "procurement"}:
            return m2019, "table 二 prints 其他对外管理服务事项 or 政府集中采购 (2019 format only)"
        if ("fees", "amount_wan_yuan") in found:
            return m2021, "table 二 prints a 行政事业性收费 amount (2021 format only)"
        if ("fees", "items_prev_year") in found:
            return m2019, "table 二 counts 行政事业性收费 items (2019 format only)"
        if year is not None:
            fmt = m2021 if year >= 2021 else m2019
            return (
                fmt,
                f"the report covers {year} ({'2021 and later' if year >= 2021 else 'before 2021'})",
            )
        return m2021, "neither the rows nor the report year tell; the current format assumed"

    # -- table 三 ---------------------------------------------------------------------------
    def _apps_label(self, norm: str) -> str | None:
        group = labels.outcome_group(norm)
        if group:
            self.group = group
            return "other_handling" if group == "other" else None
        found = labels.outcome(norm, self.group)
        if found in (
            "new_received",
            "carried_over",
            "granted",
            "partially_granted",
            "total_handled",
            "carried_forward",
        ):
            self.group = None
        return found

    def _apps_values(self, outcome: str, values: list[Cell]) -> None:
        if len(values) != len(REQUESTER_ORDER):
            self.out.errors.append(
                f"table 三: row {outcome} has {len(values)} values, expected "
                f"{len(REQUESTER_ORDER)} requester columns; row skipped"
            )
            return
        for requester, cell in zip(REQUESTER_ORDER, values, strict=True):
            key = ("applications", outcome, requester)
            if key in self.seen:
                continue
            self.seen.add(key)
            self.out.applications.append(
                _entry(self.out, "applications", {"outcome": outcome, "requester": requester}, cell)
            )

    # -- table 四 ---------------------------------------------------------------------------
    def finish(self, year: int | None = None) -> Mapping:
        if self.unheaded_clause_one:
            measures, why = self._clause_one_format(year)
            fmt = contract.sub_table_format("regulations", measures)
            self.out.errors.append(
                f"table 二: 第二十条第（一）项 has no header naming its columns; read as the "
                f"{fmt} format because {why}"
            )
            for item, values in self.unheaded_clause_one:
                self._ad_store(item, list(measures), values)
        values = self.appeal_values
        if values:
            if len(values) != APPEAL_CELLS:
                self.out.errors.append(
                    f"table 四: found {len(values)} values, expected {APPEAL_CELLS}; table skipped"
                )
            else:
                order = (
                    self.result_order
                    if len(self.result_order) == len(RESULT_ORDER)
                    else RESULT_ORDER
                )
                cells = iter(values)
                for proceeding in PROCEEDING_ORDER:
                    for result in order:
                        keys = {"proceeding": proceeding, "result": result}
                        self.out.appeals.append(_entry(self.out, "appeals", keys, next(cells)))
        return self.out


def _unpadded(values: list[Cell], width: int) -> list[Cell]:
    """Drop empty trailing slots beyond ``width``: a text table pads a narrow sub-table's rows
    to the widest row (``| 行政许可 | 7032 | | |``)."""
    while len(values) > width and not values[-1].text.strip():
        values = values[:-1]
    return values


def map_grids(grids: list[Grid], year: int | None = None) -> Mapping:
    """Map every row of every grid, in document order, to contract entries.

    ``year`` (the year the report covers) only decides the columns of a 第二十条第（一）项 whose
    header does not name them, when no row of table 二 tells the format.
    """
    walker = _Walker()
    for grid in grids:
        for row in grid:
            walker.row(row)
    return walker.finish(year)
