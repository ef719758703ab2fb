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
        measures = self.measures or self._default_measures(item, len(values))
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
    def finish(self) -> Mapping:
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


def map_grids(grids: list[Grid]) -> Mapping:
    """Map every row of every grid, in document order, to contract entries."""
    walker = _Walker()
    for grid in grids:
        for row in grid:
            walker.row(row)
    return walker.finish()
