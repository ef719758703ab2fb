"""The contract's four arithmetic rules, as findings. A failing rule is reported, never fixed.

In the sums a blank (null) cell counts as 0; a check whose cells are all absent is not made.
"""

from __future__ import annotations

from pipeline import contract

# A cell OCR read with a lower confidence is an ``ocr_uncertain`` finding. Measured on scans of
# the shared reports (bench/bench_ocr.py): at 200 dpi every cell scored above it; the wrong
# reads at 150 dpi with noise scored below it.
OCR_CONFIDENCE_THRESHOLD = 0.90


def _fmt(x: float | int) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _check(
    rule: str,
    where: str,
    parts: dict[str, float | None],
    total: float | None,
    total_name: str,
    present: bool,
) -> dict | None:
    if not present:
        return None
    s = sum(v or 0 for v in parts.values())
    t = total or 0
    if abs(s - t) < 1e-9:
        return None
    lhs = " + ".join(f"{k} {_fmt(v or 0)}" for k, v in parts.items())
    return {
        "rule": rule,
        "where": where,
        "message": f"{lhs} = {_fmt(s)} but {total_name} is {_fmt(t)}",
    }


def findings(applications: list[dict], appeals: list[dict]) -> list[dict]:
    out: list[dict] = []
    apps = {(e["outcome"], e["requester"]): e["value"] for e in applications}
    for requester in contract.REQUESTERS:
        col = {o: apps[(o, requester)] for o in contract.OUTCOMES if (o, requester) in apps}
        if not col:
            continue
        where = f"applications/{requester}"
        balance = _check(
            "carry_balance",
            where,
            {"new_received": col.get("new_received"), "carried_over": col.get("carried_over")},
            (col.get("total_handled") or 0) + (col.get("carried_forward") or 0),
            "total_handled + carried_forward",
            any(
                k in col
                for k in ("new_received", "carried_over", "total_handled", "carried_forward")
            ),
        )
        leaves = {o: col[o] for o in contract.HANDLING_LEAVES if o in col}
        outcome_sum = _check(
            "outcome_sum",
            where,
            leaves,
            col.get("total_handled"),
            "total_handled",
            bool(leaves) or "total_handled" in col,
        )
        out += [f for f in (balance, outcome_sum) if f]
    for outcome in contract.OUTCOMES:
        row = {r: apps[(outcome, r)] for r in contract.REQUESTERS if (outcome, r) in apps}
        if not row:
            continue
        parts = {r: row.get(r) for r in contract.REQUESTERS if r != "total" and r in row}
        f = _check(
            "requester_sum", f"applications/{outcome}", parts, row.get("total"), "total", True
        )
        if f:
            out.append(f)
    cells = {(e["proceeding"], e["result"]): e["value"] for e in appeals}
    for proceeding in contract.PROCEEDINGS:
        row = {r: cells[(proceeding, r)] for r in contract.RESULTS if (proceeding, r) in cells}
        if not row:
            continue
        parts = {r: row.get(r) for r in ("upheld", "corrected", "other", "pending") if r in row}
        f = _check("appeal_sum", f"appeals/{proceeding}", parts, row.get("total"), "total", True)
        if f:
            out.append(f)
    return out


def ocr_findings(tables: dict[str, list[dict]]) -> list[dict]:
    """One ``ocr_uncertain`` finding per cell read by OCR below the confidence threshold."""
    out = []
    for table, entries in tables.items():
        a, b = contract.ENTRY_KEYS[table]
        for e in entries:
            confidence = e.get("ocr_confidence")
            if confidence is None or confidence >= OCR_CONFIDENCE_THRESHOLD:
                continue
            where = f"{table}/{e[a]}/{e[b]}"
            place = f"page {e['page']}, " if e.get("page") else ""
            out.append(
                {
                    "rule": "ocr_uncertain",
                    "where": where,
                    "message": f"OCR read {e['raw']!r} ({place}grid {e.get('table')} row "
                    f"{e.get('row')} col {e.get('col')}) with confidence {confidence:.2f}, "
                    f"below {OCR_CONFIDENCE_THRESHOLD:.2f}",
                }
            )
    return out
