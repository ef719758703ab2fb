"""Property: any valid report, rendered with any mix of portal quirks, extracts back exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import contract
from pipeline.extract import extract_bytes
from pipeline.extract.validate import findings
from pipeline.samples.render import QUIRKS, render_html, render_text
from tests.extract.contract_reports import cells

COUNT = st.integers(min_value=0, max_value=250_000)


@st.composite
def raw_count(draw, allow_blank: bool, negative: bool = False):
    """A printed count cell: plain, with thousands separators, annotated, or blank."""
    if allow_blank and draw(st.integers(0, 9)) == 0:
        return None, draw(st.sampled_from(["", "—", "/", "无"]))
    value = draw(st.integers(-500, 500) if negative else COUNT)
    style = draw(st.sampled_from(["plain", "plain", "comma", "note"]))
    if style == "comma" and abs(value) >= 1000:
        return value, f"{value:,}"
    if style == "note":
        return value, f"{value}（其中修订{draw(st.integers(0, 9))}件）"
    return value, str(value)


@st.composite
def reports(draw, allow_blank: bool):
    formats = {clause: draw(st.sampled_from(["2019", "2021"])) for clause in "一五六八"}
    ad = []
    for clause, (items, m2019, m2021) in contract.AD_CLAUSES.items():
        if clause == "九" and (formats["八"] == "2021" or draw(st.booleans())):
            continue
        fmt = formats.get(clause, "2019")
        for item in items:
            if item == "other_services" and fmt == "2021":
                continue
            for measure in m2019 if fmt == "2019" else m2021:
                if measure == "amount_wan_yuan":
                    cents = draw(st.integers(0, 10**10))
                    value = cents / 100
                    raw = f"{value:.2f}"
                    if draw(st.booleans()):  # printed in 元: 10,000 元 = 1 万元
                        value, raw = cents / 10**6, f"{cents / 100:.2f}元"
                else:
                    value, raw = draw(raw_count(allow_blank, negative=measure == "items_change"))
                ad.append({"item": item, "measure": measure, "value": value, "raw": raw})
    split = draw(st.booleans())
    outcomes = [
        o
        for o in contract.OUTCOMES
        if (o == "other_handling" and not split)
        or (o in contract.SPLIT_OTHER and split)
        or (o != "other_handling" and o not in contract.SPLIT_OTHER)
    ]
    applications = []
    for outcome in outcomes:
        for requester in contract.REQUESTERS:
            value, raw = draw(raw_count(allow_blank))
            applications.append(
                {"outcome": outcome, "requester": requester, "value": value, "raw": raw}
            )
    appeals = []
    for proceeding in contract.PROCEEDINGS:
        for result in contract.RESULTS:
            value, raw = draw(raw_count(allow_blank))
            appeals.append({"proceeding": proceeding, "result": result, "value": value, "raw": raw})
    year = draw(st.integers(2019, 2025))
    agency = draw(
        st.sampled_from(["乐都区人民政府", "平安区人民政府", "民和回族土族自治县人民政府"])
    )
    return {
        "report": {"agency": agency, "year": year, "title": None},
        "templates": {
            "active_disclosure": formats["一"],
            "other_handling": "split" if split else "single",
        },
        "active_disclosure": ad,
        "applications": applications,
        "appeals": appeals,
    }


def assert_round_trip(facts: dict, doc: dict) -> None:
    got, want = cells(doc), cells(facts)
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert (got[key] is None) == (value is None), key
        if value is not None:
            assert abs(got[key] - value) < 1e-6, (key, got[key], value)
    assert doc["report"]["year"] == facts["report"]["year"]
    assert doc["report"]["agency"] == facts["report"]["agency"]
    assert doc["templates"] == facts["templates"]
    expected = findings(facts["applications"], facts["appeals"])
    assert {(f["rule"], f["where"]) for f in doc["findings"]} == {
        (f["rule"], f["where"]) for f in expected
    }
    assert doc["status"] == ("flagged" if expected else "ok")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=reports(allow_blank=True), quirks=st.frozensets(st.sampled_from(sorted(QUIRKS))))
def test_html_round_trip(facts, quirks):
    assert_round_trip(facts, extract_bytes(render_html(facts, quirks=quirks)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(facts=reports(allow_blank=False))
def test_linearised_text_round_trip(facts):
    assert_round_trip(facts, extract_bytes(render_text(facts).encode("utf-8")))
