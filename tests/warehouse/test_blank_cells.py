"""No figure from missing inputs: a blank cell makes every figure that needs it null.

The issue's cases, on the real 平潭 2021 report (table 三 总计 column: 30 granted, 5 partially, 69
handled; lawsuits 5 direct + 7 after reconsideration): blanking 予以公开 总计 used to turn the
grant rate into 0.071 with the row still `ok`, blanking one lawsuit total made 12 lawsuits 7.
"""

from __future__ import annotations

import pytest

from pipeline.warehouse import ReportSource, build_marts, load_report
from tests.warehouse.conftest import variant
from tests.warehouse.test_marts import district_year


def blank(document: dict, table: str, k1: str, k2: str) -> None:
    keys = {
        "active_disclosure": ("item", "measure"),
        "applications": ("outcome", "requester"),
        "appeals": ("proceeding", "result"),
    }[table]
    entry = next(e for e in document[table] if (e[keys[0]], e[keys[1]]) == (k1, k2))
    entry["value"], entry["raw"] = None, ""


@pytest.fixture
def pingtan(loaded, truths):
    _, document = next((p, d) for p, d in truths if p.name.startswith("pingtan-2021"))
    return loaded, document


def reload(con, document: dict) -> None:
    load_report(con, document, ReportSource("350128", published_at="2030-01-01"))
    build_marts(con, 2019, 2024)


def test_complete_report_has_every_figure(pingtan):
    con, _ = pingtan
    build_marts(con, 2019, 2024)
    row = district_year(con, "350128", 2021)
    assert row["blank_input_cells"] == 0 and row["missing_tables"] is None
    assert row["input_cells"] > 0
    assert row["grant_rate"] == pytest.approx(35 / 69)
    assert row["lawsuits"] == 12


def test_blank_granted_total_gives_no_grant_rate(pingtan):
    con, document = pingtan
    blanked = variant(document, "pingtan-2021-blank-granted")
    blank(blanked, "applications", "granted", "total")
    reload(con, blanked)
    row = district_year(con, "350128", 2021)
    assert row["blank_input_cells"] == 1
    assert row["grant_rate"] is None and row["grant_rate_change"] is None
    assert row["withheld_rate"] == pytest.approx(8 / 69)  # untouched figures stay
    outcomes = dict(
        con.execute(
            "SELECT outcome_group, applications FROM marts.outcome_mix "
            "WHERE division_code = '350128' AND year = 2021"
        ).fetchall()
    )
    assert outcomes["granted"] is None and outcomes["partially_granted"] == 5
    share = con.execute(
        "SELECT share, blank_cells FROM marts.outcome_mix WHERE division_code = '350128' "
        "AND year = 2021 AND outcome_group = 'granted'"
    ).fetchone()
    assert share == (None, 1)


def test_blank_lawsuit_total_gives_no_lawsuits(pingtan):
    con, document = pingtan
    blanked = variant(document, "pingtan-2021-blank-lawsuit")
    blank(blanked, "appeals", "litigation_direct", "total")
    reload(con, blanked)
    row = district_year(con, "350128", 2021)
    assert row["lawsuits"] is None and row["lawsuits_decided"] is None
    assert row["lawsuits_corrected_share"] is None and row["dispute_rate"] is None
    assert row["reconsiderations"] is not None


def test_blank_pending_gives_no_corrected_share(pingtan):
    con, document = pingtan
    blanked = variant(document, "pingtan-2021-blank-pending")
    blank(blanked, "appeals", "reconsideration", "pending")
    reload(con, blanked)
    row = district_year(con, "350128", 2021)
    assert row["reconsiderations_decided"] is None
    assert row["reconsiderations_corrected_share"] is None


def test_blank_requester_cell_gives_no_share(pingtan):
    con, document = pingtan
    blanked = variant(document, "pingtan-2021-blank-requester")
    blank(blanked, "applications", "new_received", "other_org")
    reload(con, blanked)
    shares = dict(
        con.execute(
            "SELECT requester, share FROM marts.requester_mix WHERE division_code = '350128' "
            "AND year = 2021"
        ).fetchall()
    )
    assert shares["other_org"] is None and shares["natural_person"] == pytest.approx(64 / 70)
    row = district_year(con, "350128", 2021)
    assert row["legal_person_share"] is None
    assert row["natural_person_share"] == pytest.approx(64 / 70)


def test_missing_table_gives_no_figures_from_it(pingtan):
    con, document = pingtan
    partial = variant(document, "pingtan-2021-no-appeals")
    partial["appeals"] = []
    partial["status"] = "partial"
    reload(con, partial)
    row = district_year(con, "350128", 2021)
    assert row["missing_tables"] == "四"
    assert row["reconsiderations"] is None and row["lawsuits"] is None
    assert row["dispute_rate"] is None
    assert row["grant_rate"] == pytest.approx(35 / 69)


def test_analyst_metrics_and_their_denominators(pingtan):
    con, _ = pingtan
    build_marts(con, 2019, 2024)
    row = district_year(con, "350128", 2021)
    received, carried_over = row["applications_received"], row["carried_over"]
    assert row["applications_accepted"] == received + carried_over
    assert row["carried_forward_rate"] == pytest.approx(
        row["carried_forward"] / (received + carried_over)
    )
    # requesters: 64 natural persons of 70; 法人或其他组织 = the five organisation columns
    assert row["natural_person_share"] == pytest.approx(64 / 70)
    assert row["legal_person_share"] == pytest.approx(6 / 70)
    assert row["natural_person_share"] + row["legal_person_share"] == pytest.approx(1)
    assert row["dispute_rate"] == pytest.approx(
        (row["reconsiderations"] + row["lawsuits"]) / received
    )
    assert row["reconsiderations_corrected_share"] == (
        None
        if not row["reconsiderations_decided"]
        else pytest.approx(row["reconsiderations_corrected"] / row["reconsiderations_decided"])
    )
    grounds = con.execute(
        "SELECT ground, applications, withheld, share FROM marts.withheld_grounds "
        "WHERE division_code = '350128' AND year = 2021"
    ).fetchall()
    assert len(grounds) == 8
    assert {w for _, _, w, _ in grounds} == {8}  # 8 withheld of 69 handled
    assert sum(s for *_, s in grounds) == pytest.approx(1)
    for _, n, w, s in grounds:
        assert s == pytest.approx(n / w)
