"""Contract-format report dicts for tests, built from the contract's codes."""

from __future__ import annotations

from pipeline import contract
from pipeline.extract.validate import findings


def ad_entries(formats: dict[str, str], procurement: bool = False) -> list[dict]:
    """Table 二 entries; ``formats`` maps clause (一/五/六/八) to "2019" or "2021"."""
    out = []
    n = 1
    for clause, (items, m2019, m2021) in contract.AD_CLAUSES.items():
        if clause == "九":
            if not procurement:
                continue
            fmt = "2019"
        else:
            fmt = formats[clause]
        measures = m2019 if fmt == "2019" else m2021
        for item in items:
            if item == "other_services" and fmt == "2021":
                continue
            for measure in measures:
                n += 7
                value = round(n * 1.5, 2) if measure == "amount_wan_yuan" else n
                out.append({"item": item, "measure": measure, "value": value, "raw": str(value)})
    return out


def applications(split_other: bool, base: int = 3) -> list[dict]:
    """A consistent table 三: every rule holds."""
    leaves = [
        o
        for o in contract.HANDLING_LEAVES
        if (o in contract.SPLIT_OTHER) == split_other
        or (o not in contract.SPLIT_OTHER and o != "other_handling")
    ]
    if not split_other:
        leaves.append("other_handling")
    out = []
    for requester_index, requester in enumerate(r for r in contract.REQUESTERS if r != "total"):
        col = {leaf: (i + requester_index + base) % 4 for i, leaf in enumerate(leaves)}
        handled = sum(col.values())
        col.update(
            total_handled=handled, carried_forward=2, carried_over=1, new_received=handled + 2 - 1
        )
        out += [
            {"outcome": o, "requester": requester, "value": v, "raw": str(v)}
            for o, v in col.items()
        ]
    totals: dict[str, int] = {}
    for e in out:
        totals[e["outcome"]] = totals.get(e["outcome"], 0) + e["value"]
    out += [
        {"outcome": o, "requester": "total", "value": v, "raw": str(v)} for o, v in totals.items()
    ]
    return out


def appeals(values: tuple[int, int, int, int] = (2, 1, 0, 1)) -> list[dict]:
    out = []
    for proceeding in contract.PROCEEDINGS:
        row = dict(zip(("upheld", "corrected", "other", "pending"), values, strict=True))
        row["total"] = sum(values)
        out += [
            {"proceeding": proceeding, "result": r, "value": v, "raw": str(v)}
            for r, v in row.items()
        ]
    return out


def report(
    *,
    year: int = 2021,
    agency: str = "乐都区人民政府",
    formats: dict[str, str] | None = None,
    split_other: bool = False,
    procurement: bool = False,
    tables: tuple[str, ...] = contract.TABLES,
) -> dict:
    formats = formats or dict.fromkeys("一五六八", "2021")
    doc = {
        "contract": contract.CONTRACT,
        "report": {
            "agency": agency,
            "year": year,
            "title": f"{agency}{year}年政府信息公开工作年度报告",
        },
        "templates": {
            "active_disclosure": formats["一"],
            "other_handling": "split" if split_other else "single",
        },
        "active_disclosure": ad_entries(formats, procurement)
        if "active_disclosure" in tables
        else [],
        "applications": applications(split_other) if "applications" in tables else [],
        "appeals": appeals() if "appeals" in tables else [],
    }
    doc["findings"] = findings(doc["applications"], doc["appeals"])
    return doc


def cells(doc: dict) -> dict[tuple, object]:
    """{(table, code, code): value} for comparing extractions."""
    out = {}
    for table, (a, b) in contract.ENTRY_KEYS.items():
        for entry in doc.get(table) or []:
            out[(table, entry[a], entry[b])] = entry["value"]
    return out
