"""Check a contract document and turn its entries into fact rows (one per printed cell).

The warehouse trusts nothing it cannot explain: a document with an unknown code, a duplicate
cell or a non-numeric value is rejected whole (recorded as failed with the reasons), never
half-loaded.
"""

from __future__ import annotations

from decimal import Decimal

from pipeline import contract

# Each table-二 item lands in the fact table of its clause; tables 三 and 四 have their own.
FACT_OF_ITEM = {
    "regulations": "fact_regulatory_documents",
    "normative_documents": "fact_regulatory_documents",
    "permits": "fact_permits",
    "other_services": "fact_permits",
    "penalties": "fact_penalties",
    "coercion": "fact_penalties",
    "fees": "fact_fees",
    "procurement": "fact_procurement",
}
FACT_TABLES = (
    "fact_regulatory_documents",
    "fact_permits",
    "fact_penalties",
    "fact_fees",
    "fact_procurement",
    "fact_applications",
    "fact_appeals",
)
_AXES = {
    "active_disclosure": (contract.AD_ITEMS, contract.AD_MEASURES),
    "applications": (contract.OUTCOMES, contract.REQUESTERS),
    "appeals": (contract.PROCEEDINGS, contract.RESULTS),
}
_PROVENANCE = ("page", "table", "row", "col")
_COLUMNS = (
    "k1",
    "k2",
    "format",
    "count",
    "amount",
    "raw",
    "src_page",
    "src_table",
    "src_row",
    "src_col",
)
_MAX_REPORTED = 10


class Cells:
    """The fact rows of one report, as column lists per fact table (for ``pyarrow.table``)."""

    def __init__(self) -> None:
        self.by_fact: dict[str, dict[str, list]] = {}

    def add(
        self,
        fact: str,
        k1: str,
        k2: str,
        fmt: str | None,
        count: int | None,
        amount: Decimal | None,
        raw: str | None,
        provenance: tuple,
    ) -> None:
        columns = self.by_fact.get(fact)
        if columns is None:
            columns = self.by_fact[fact] = {name: [] for name in _COLUMNS}
        for name, value in zip(
            _COLUMNS, (k1, k2, fmt, count, amount, raw, *provenance), strict=True
        ):
            columns[name].append(value)

    def __len__(self) -> int:
        return sum(len(columns["k1"]) for columns in self.by_fact.values())


def _is_number(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _provenance(entry: dict) -> tuple:
    values = (entry.get(key) for key in _PROVENANCE)
    return tuple(v if isinstance(v, int) and not isinstance(v, bool) else None for v in values)


def item_formats(entries: list[dict]) -> dict[str, str]:
    """Template of each table-二 item, per sub-table (see ``contract.sub_table_format``)."""
    measures: dict[str, set] = {}
    for entry in entries:
        if isinstance(entry.get("item"), str):
            measures.setdefault(entry["item"], set()).add(entry.get("measure"))
    formats = {}
    for item, present in measures.items():
        fmt = contract.sub_table_format(item, present)
        if fmt is not None:
            formats[item] = fmt
    return formats


def _stored(value, column: str) -> tuple[int | None, Decimal | None]:
    """(count, amount) of a value that passed the contract's invalid_value rule."""
    if column in contract.MONEY_MEASURES:
        return None, contract.as_decimal(value).quantize(contract.AMOUNT_QUANTUM)
    return int(contract.as_decimal(value)), None


def to_cells(document: dict) -> tuple[Cells, list[str], list[tuple[str, str, str]]]:
    """Fact rows of a contract document, the reasons to reject it (empty when none), and the
    ``invalid_value`` findings of cells whose value the contract's rule refuses (the extractor
    records those itself; a document from elsewhere gets them here, so it loads, not fails)."""
    problems: list[str] = []
    invalid_findings: list[tuple[str, str, str]] = []
    listed = document.get("findings")
    flagged = {
        f.get("where")
        for f in (listed if isinstance(listed, list) else [])
        if isinstance(f, dict) and f.get("rule") == "invalid_value"
    }
    cells = Cells()
    formats = item_formats(
        [e for e in document.get("active_disclosure") or [] if isinstance(e, dict)]
    )
    for table, (rows, columns) in _AXES.items():
        entries = document.get(table, [])
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            problems.append(f"{table} is not a list")
            continue
        key_names = contract.ENTRY_KEYS[table]
        seen = set()
        for index, entry in enumerate(entries):
            where = f"{table}[{index}]"
            if not isinstance(entry, dict):
                problems.append(f"{where} is not an object")
                continue
            k1, k2 = (entry.get(k) for k in key_names)
            if k1 not in rows or k2 not in columns:
                problems.append(
                    f"{where}: unknown code {key_names[0]}={k1!r}, {key_names[1]}={k2!r}"
                )
                continue
            if table == "active_disclosure":
                _, m2019, m2021 = contract.AD_CLAUSES[contract.CLAUSE_OF_ITEM[k1]]
                if k2 not in m2019 + m2021:
                    problems.append(f"{where}: {k1} has no measure {k2!r}")
                    continue
            if (k1, k2) in seen:
                problems.append(f"{where}: duplicate cell {k1}/{k2}")
                continue
            seen.add((k1, k2))
            value = entry.get("value")
            if value is not None and not _is_number(value):
                problems.append(
                    f"{where} ({k1}/{k2}): value {str(value)[:40]!r} is not a number or null"
                )
                continue
            count = amount = None
            if value is not None:
                invalid = contract.invalid_value(value, k2)
                if invalid:
                    # the same rule as the extractor's: the cell loads blank, with a finding
                    cell_where = contract.cell_where(table, k1, k2)
                    if cell_where not in flagged:
                        invalid_findings.append(
                            ("invalid_value", cell_where, f"{invalid}; value left null")
                        )
                else:
                    count, amount = _stored(value, k2)
            raw = entry.get("raw")
            fact = FACT_OF_ITEM[k1] if table == "active_disclosure" else f"fact_{table}"
            cells.add(
                fact,
                k1,
                k2,
                formats.get(k1),
                count,
                amount,
                None if raw is None else str(raw),
                _provenance(entry),
            )
    if len(problems) > _MAX_REPORTED:
        problems = [*problems[:_MAX_REPORTED], f"... and {len(problems) - _MAX_REPORTED} more"]
    return cells, problems, invalid_findings


def findings(document: dict) -> tuple[list[tuple[str, str | None, str | None]], list[str]]:
    """(rule, where, message) of each finding, and the reasons to reject the list."""
    raw = document.get("findings") or []
    if not isinstance(raw, list):
        return [], ["findings is not a list"]
    rows, problems = [], []
    for index, finding in enumerate(raw):
        if not isinstance(finding, dict) or not isinstance(finding.get("rule"), str):
            problems.append(f"findings[{index}] has no rule")
            continue
        where, message = finding.get("where"), finding.get("message")
        rows.append(
            (
                finding["rule"],
                None if where is None else str(where),
                None if message is None else str(message),
            )
        )
    return rows, problems
