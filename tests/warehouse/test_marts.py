"""Mart values for the shared real reports, checked against numbers worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.warehouse import ReportSource, build_marts, load_report
from pipeline.warehouse.marts import read_marts
from tests.warehouse.conftest import set_cell, variant


def district_year(con, code: str, year: int) -> dict:
    cursor = con.execute(
        "SELECT * FROM marts.district_year WHERE division_code = ? AND year = ?", [code, year]
    )
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


@pytest.fixture
def marts(loaded):
    build_marts(loaded, 2019, 2024)
    return loaded


def test_district_year_hongze_2024(marts):
    row = district_year(marts, "320813", 2024)
    # table 三 总计 column: granted 50, partially 9, withheld 1+1+1, unavailable 31+1+0,
    # rejected 1, other 0, total handled 95
    assert row["applications_received"] == 95 and row["total_handled"] == 95
    assert row["carried_over"] == 0 and row["carried_forward"] == 0
    assert row["grant_rate"] == pytest.approx(59 / 95)
    assert row["withheld_rate"] == pytest.approx(3 / 95)
    assert row["unavailable_rate"] == pytest.approx(32 / 95)
    assert row["rejected_rate"] == pytest.approx(1 / 95)
    assert row["other_rate"] == 0
    # table 四: reconsideration 1 upheld + 1 corrected = 2; lawsuits direct 1 + after 3
    assert row["reconsiderations"] == 2 and row["reconsiderations_corrected_share"] == 0.5
    assert row["lawsuits"] == 4 and row["lawsuits_corrected_share"] == 0
    assert (row["permits"], row["penalties"], row["coercion"]) == (9487, 2776, 84)
    assert row["fees_wan_yuan"] == Decimal("7545")
    # against 2023 (same 2021 template): 550 permits, 4119 penalties, 7730.28 万元, 21 received
    assert row["permits_change"] == 9487 - 550
    assert row["penalties_change"] == 2776 - 4119
    assert row["coercion_change"] == 84 - 195
    assert row["fees_change"] == Decimal("7545") - Decimal("7730.28")
    assert row["applications_received_change"] == 95 - 21
    assert row["grant_rate_change"] == pytest.approx(59 / 95 - 4 / 21)
    assert row["yoy_note"] is None


def test_district_year_keeps_the_printed_wrong_total(marts):
    row = district_year(marts, "320813", 2023)
    # 洪泽区 2023 prints 总计 0 under 10 upheld + 1 corrected: flagged, never corrected,
    # and the corrected share over (0 - 0) concluded cases is undefined
    assert row["status"] == "flagged"
    assert row["reconsiderations"] == 0 and row["reconsiderations_corrected"] == 1
    assert row["reconsiderations_corrected_share"] is None
    assert row["yoy_note"] == "no report for 2022"
    assert row["permits_change"] is None


def test_district_year_seed_and_2019_format(marts):
    seed = district_year(marts, "630202", 2021)
    assert seed["grant_rate"] == 1.0  # 5 granted of 5 handled
    assert seed["reconsiderations_corrected_share"] == pytest.approx(1 / 3)
    assert (seed["permits"], seed["permits_format"]) == (7032, "2021")
    assert seed["fees_wan_yuan"] == Decimal("333.3")
    pingtan = district_year(marts, "350128", 2019)
    # 2019 format: the fee row counts items (35), so no amount
    assert pingtan["fees_wan_yuan"] is None and pingtan["fees_format"] == "2019"
    assert pingtan["grant_rate"] == pytest.approx(8 / 23)
    assert pingtan["unavailable_rate"] == pytest.approx(12 / 23)
    assert pingtan["rejected_rate"] == pytest.approx(3 / 23)
    split = district_year(marts, "350128", 2021)
    # split 其他处理: 0 + 0 + 1 rolled up
    assert split["other_rate"] == pytest.approx(1 / 69)
    assert split["withheld_rate"] == pytest.approx(8 / 69)
    assert split["lawsuits"] == 12 and split["lawsuits_corrected_share"] == 0


def test_year_over_year_is_null_across_a_format_change(loaded, truths):
    _, pingtan_2019 = next((p, d) for p, d in truths if p.name.startswith("pingtan-2019"))
    load_report(loaded, variant(pingtan_2019, "pingtan-2020", year=2020), ReportSource("350128"))
    build_marts(loaded, 2019, 2024)
    row = district_year(loaded, "350128", 2021)
    assert row["permits_change"] is None and row["penalties_change"] is None
    assert row["fees_change"] is None
    assert "permits: template 2019 -> 2021" in row["yoy_note"]
    assert "fees: template 2019 -> 2021" in row["yoy_note"]
    assert row["applications_received_change"] == 70 - 23
    assert row["grant_rate_change"] == pytest.approx(35 / 69 - 8 / 23)


def test_mixes(marts):
    shares = dict(
        marts.execute(
            "SELECT requester, share FROM marts.requester_mix WHERE division_code = '350128' "
            "AND year = 2021"
        ).fetchall()
    )
    assert shares == pytest.approx(
        {
            "natural_person": 64 / 70,
            "commercial_enterprise": 0,
            "research_institution": 0,
            "social_welfare_org": 2 / 70,
            "legal_service_org": 0,
            "other_org": 4 / 70,
        }
    )
    outcomes = {
        g: (n, s)
        for g, n, s in marts.execute(
            "SELECT outcome_group, applications, share FROM marts.outcome_mix "
            "WHERE division_code = '350128' AND year = 2021"
        ).fetchall()
    }
    assert outcomes["other"] == (1, pytest.approx(1 / 69))
    assert outcomes["granted"] == (30, pytest.approx(30 / 69))
    assert set(outcomes) == {
        "granted",
        "partially_granted",
        "withheld",
        "unavailable",
        "rejected",
        "other",
    }


def test_city_ranking_shares_ranks_on_ties(loaded, truths):
    _, seed = next((p, d) for p, d in truths if p.name.startswith("乐都区"))
    pingan = variant(seed, "pingan-2021", agency="平安区人民政府")  # 6 received, like 乐都区
    minhe = variant(seed, "minhe-2021", agency="民和回族土族自治县人民政府")
    set_cell(minhe, "applications", "new_received", "total", 4)
    load_report(loaded, pingan, ReportSource("630203"))
    load_report(loaded, minhe, ReportSource("630222"))
    build_marts(loaded, 2019, 2024)
    ranks = loaded.execute(
        "SELECT division_code, city_rank, city_ranked, province_rank FROM marts.city_ranking "
        "WHERE metric = 'applications_received' AND year = 2021 AND city = '海东市' "
        "ORDER BY division_code"
    ).fetchall()
    assert ranks == [("630202", 1, 3, 1), ("630203", 1, 3, 1), ("630222", 3, 3, 3)]
    # template-dependent metrics rank within one template only
    fees = loaded.execute(
        "SELECT DISTINCT metric_format FROM marts.city_ranking WHERE metric = 'fees_wan_yuan' "
        "AND value IS NOT NULL"
    ).fetchall()
    assert fees == [("2021",)]
    # no value, no rank
    assert (
        loaded.execute(
            "SELECT count(*) FROM marts.city_ranking WHERE value IS NULL AND city_rank IS NOT NULL"
        ).fetchone()[0]
        == 0
    )


def test_city_ranking_carries_the_base_and_skips_small_ones(loaded, truths):
    _, seed = next((p, d) for p, d in truths if p.name.startswith("乐都区"))
    # 乐都区 2021: 5 handled, all granted: a rate of 1.0 on a base of 5
    load_report(
        loaded, variant(seed, "pingan-2021", agency="平安区人民政府"), ReportSource("630203")
    )
    build_marts(loaded, 2019, 2024)
    rows = {
        code: (value, base, ranked, reason, rank)
        for code, value, base, ranked, reason, rank in loaded.execute(
            "SELECT division_code, value, sample_size, ranked, not_ranked_reason, city_rank "
            "FROM marts.city_ranking WHERE metric = 'grant_rate' AND year = 2021 "
            "AND city = '海东市'"
        ).fetchall()
    }
    assert rows["630202"][:3] == (1.0, 5, False)
    assert "below the minimum of 10" in rows["630202"][3] and rows["630202"][4] is None
    # counts need no base and rank as before
    assert loaded.execute(
        "SELECT sample_size, ranked FROM marts.city_ranking WHERE metric = "
        "'applications_received' AND division_code = '630202' AND year = 2021"
    ).fetchone() == (None, True)
    # the minimum is a setting: 0 ranks every value
    build_marts(loaded, 2019, 2024, min_rank_base=0)
    assert loaded.execute(
        "SELECT city_rank, city_ranked FROM marts.city_ranking WHERE metric = 'grant_rate' "
        "AND division_code = '630202' AND year = 2021"
    ).fetchone() == (1, 2)


def test_city_ranking_has_no_row_for_a_measure_the_template_lacks(marts):
    # 平潭 2019 is a 2019-format report: its fee row counts items, no amount in 万元
    metrics = {
        m
        for (m,) in marts.execute(
            "SELECT metric FROM marts.city_ranking WHERE division_code = '350128' AND year = 2019"
        ).fetchall()
    }
    assert "fees_wan_yuan" not in metrics and "grant_rate" in metrics
    assert (
        marts.execute(
            "SELECT count(*) FROM marts.city_ranking WHERE ranked AND value IS NULL"
        ).fetchone()[0]
        == 0
    )
    # ranked rows of a rate have a base at or above the minimum
    assert (
        marts.execute(
            "SELECT count(*) FROM marts.city_ranking WHERE ranked AND sample_size < 10"
        ).fetchone()[0]
        == 0
    )


def test_mart_headers_give_description_and_order(tmp_path):
    (tmp_path / "a.sql").write_text(
        "-- marts.a: built from b.\n-- depends: b\n-- second line.\nSELECT 1;\n", encoding="utf-8"
    )
    (tmp_path / "b.sql").write_text("-- marts.b\n-- depends:\nSELECT 2;\n", encoding="utf-8")
    found = read_marts(tmp_path)
    assert [m.name for m in found] == ["b", "a"]
    assert found[1].depends == ("b",)
    assert found[1].description == "marts.a: built from b.\nsecond line."
    (tmp_path / "b.sql").write_text("-- depends: a\nSELECT 2;\n", encoding="utf-8")
    with pytest.raises(ValueError, match="cycle"):
        read_marts(tmp_path)
    (tmp_path / "b.sql").write_text("-- depends: c\nSELECT 2;\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown marts"):
        read_marts(tmp_path)
