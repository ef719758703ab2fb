"""One notion of a valid value, end to end: the contract's ``invalid_value`` rule.

The extractor nulls a cell whose printed value the cell cannot hold (keeping ``raw``) and flags
the report; its output is strict JSON; the warehouse loads whatever the extractor accepted, and
applies the same rule to documents from elsewhere instead of rejecting them whole.
"""

from __future__ import annotations

import copy
import io
import json
import math
from contextlib import redirect_stdout
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import contract
from pipeline.cli import main
from pipeline.extract import extract_bytes
from pipeline.extract.validate import findings
from pipeline.extract.values import parse_value
from pipeline.samples.render import render_html
from pipeline.warehouse import ReportSource, connect, load_report
from tests.extract.contract_reports import cells, report
from tests.extract.test_property import reports

HUGE = "9" * 5000
HOSTILE_COUNTS = ["3.5", "99999999999999999999", "1e308", HUGE, "-5", "9223372036854775808"]
HOSTILE_AMOUNTS = ["9" * 400, "1e308", "1000000000000", "1e13万元", "-" + "9" * 30]


def strict_json(text: str):
    """json.loads that refuses NaN/Infinity, as a strict JSON consumer does."""

    def refuse(name: str):
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("raw", "column", "value", "valid"),
    [
        ("7", "total", 7, True),
        ("7,032", "decisions", 7032, True),
        ("22（其中修订16件）", "total", 22, True),
        ("", "total", None, True),
        ("—", "total", None, True),
        ("-4", "items_change", -4, True),
        ("-5", "decisions", None, False),
        ("3.5", "total", None, False),
        ("3.0", "total", 3, True),
        ("9223372036854775807", "total", 2**63 - 1, True),
        ("9223372036854775808", "total", None, False),
        ("1e308", "total", None, False),
        (HUGE, "total", None, False),
        ("75394432.52元", "amount_wan_yuan", 7539.443252, True),
        ("999999999999.999999", "amount_wan_yuan", None, False),  # float rounds to 10^12
        ("1e308", "amount_wan_yuan", None, False),
        ("9" * 400, "amount_wan_yuan", None, False),
        ("-12.5", "amount_wan_yuan", -12.5, True),
    ],
)
def test_parse_value_applies_the_rule(raw, column, value, valid):
    got, problem = parse_value(raw, column)
    assert got == value
    assert (problem is None) == valid


def test_a_hostile_cell_is_null_with_its_raw_and_a_finding():
    doc = report()
    doc["applications"][0].update(value=None, raw="3.5")
    doc["active_disclosure"][0].update(value=None, raw=HUGE)
    out = extract_bytes(render_html(doc))
    assert out["status"] == "flagged"
    entry = next(
        e
        for e in out["applications"]
        if (e["outcome"], e["requester"])
        == (doc["applications"][0]["outcome"], doc["applications"][0]["requester"])
    )
    assert entry["value"] is None and entry["raw"] == "3.5"
    wheres = {f["where"] for f in out["findings"] if f["rule"] == "invalid_value"}
    first = doc["applications"][0]
    first_ad = doc["active_disclosure"][0]
    assert wheres == {
        f"applications/{first['outcome']}/{first['requester']}",
        f"active_disclosure/{first_ad['item']}/{first_ad['measure']}",
    }


def test_cli_prints_strict_json_for_hostile_numbers(tmp_path):
    doc = report()
    for entry in doc["appeals"]:
        entry.update(value=None, raw=HUGE)
    fees = next(e for e in doc["active_disclosure"] if e["measure"] == "amount_wan_yuan")
    fees.update(value=None, raw="9" * 400)
    path = tmp_path / "report.html"
    path.write_bytes(render_html(doc))
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["extract", str(path)]) == 0
    printed = strict_json(out.getvalue())
    assert printed["status"] == "flagged"
    assert all(e["value"] is None for e in printed["appeals"])
    assert {e["raw"] for e in printed["appeals"]} == {HUGE}


@st.composite
def hostile_reports(draw):
    """A generated report with some cells printed as values no cell can hold."""
    facts = draw(reports(allow_blank=True))
    hostile = copy.deepcopy(facts)
    entries = [(t, e) for t in contract.TABLES for e in hostile[t]]
    picked = draw(st.sets(st.integers(0, len(entries) - 1), min_size=1, max_size=6))
    expected = set()
    for index in picked:
        table, entry = entries[index]
        row, column = (entry[k] for k in contract.ENTRY_KEYS[table])
        pool = HOSTILE_AMOUNTS if column in contract.MONEY_MEASURES else HOSTILE_COUNTS
        raw = draw(st.sampled_from(pool))
        if column in contract.SIGNED_MEASURES and raw == "-5":
            continue  # a negative 本年增/减 is valid
        entry.update(value=None, raw=raw)
        expected.add(contract.cell_where(table, row, column))
    return hostile, expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=hostile_reports())
def test_warehouse_loads_every_extraction_with_hostile_values(tmp_path_factory, case):
    hostile, expected = case
    out = extract_bytes(render_html(hostile))
    strict_json(json.dumps(out, allow_nan=False, ensure_ascii=False))  # never NaN/Infinity
    assert cells(out) == cells(hostile)  # hostile cells are null, the rest read back
    got = {f["where"] for f in out["findings"] if f["rule"] == "invalid_value"}
    assert got == expected
    arithmetic = findings(hostile["applications"], hostile["appeals"])
    assert {(f["rule"], f["where"]) for f in out["findings"] if f["rule"] != "invalid_value"} == {
        (f["rule"], f["where"]) for f in arithmetic
    }
    assert out["status"] == ("flagged" if expected or arithmetic else "ok")
    raws = {
        (t, *(e[k] for k in contract.ENTRY_KEYS[t])): e["raw"]
        for t in contract.TABLES
        for e in out[t]
    }
    for where in expected:
        table, row, column = where.split("/")
        assert raws[(table, row, column)] != ""  # raw kept

    con = connect(tmp_path_factory.mktemp("wh") / "w.duckdb")
    try:
        loaded = load_report(con, out, ReportSource("630202", sha256="ab" * 32))
        assert loaded["load_errors"] == []
        assert loaded["status"] == out["status"]
        assert loaded["cells"] == sum(len(out[t]) for t in contract.TABLES)
        stored = con.execute(
            "SELECT location FROM core.report_findings WHERE rule = 'invalid_value'"
        ).fetchall()
        assert {row[0] for row in stored} == expected
    finally:
        con.close()


NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False),
    st.just(int(HUGE[:4000])),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_warehouse_applies_the_rule_to_documents_from_elsewhere(tmp_path_factory, data):
    """Any JSON number in any cell: the document loads, invalid cells blank with a finding."""
    doc = report()
    doc["contract"] = contract.CONTRACT
    doc["status"] = "ok"
    doc["findings"] = []
    entries = [(t, e) for t in contract.TABLES for e in doc[t]]
    picked = data.draw(st.sets(st.integers(0, len(entries) - 1), min_size=1, max_size=8))
    invalid = set()
    for index in picked:
        table, entry = entries[index]
        value = data.draw(NUMBERS)
        row, column = (entry[k] for k in contract.ENTRY_KEYS[table])
        entry["value"] = value
        if contract.invalid_value(value, column):
            invalid.add(contract.cell_where(table, row, column))
    con = connect(tmp_path_factory.mktemp("wh") / "w.duckdb")
    try:
        loaded = load_report(con, doc, ReportSource("630202", sha256="cd" * 32))
        assert loaded["load_errors"] == []
        assert loaded["cells"] == len(entries)
        assert loaded["status"] == ("flagged" if invalid else "ok")
        rows = con.execute(
            "SELECT location FROM core.report_findings WHERE rule = 'invalid_value'"
        ).fetchall()
        assert {r[0] for r in rows} == invalid
    finally:
        con.close()


def test_contract_loads_parses_hostile_json():
    text = '{"value": ' + HUGE + ', "nan": NaN, "inf": Infinity}'
    parsed = contract.loads(text)
    assert parsed["value"] == Decimal(HUGE)
    assert contract.invalid_value(parsed["value"], "total")
    assert math.isnan(parsed["nan"]) and contract.invalid_value(parsed["nan"], "total")
    assert contract.invalid_value(parsed["inf"], "amount_wan_yuan")
