"""Loading contract documents: every cell in the right fact table, idempotent, versioned."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.warehouse import ReportSource, load_report
from pipeline.warehouse.report_load import report_id_of
from tests.warehouse.conftest import set_cell, source_for, variant

# Where each printed cell must land, written out here independently of the loader.
TABLE_OF_ITEM = {
    "regulations": "fact_regulatory_documents",
    "normative_documents": "fact_regulatory_documents",
    "permits": "fact_permits",
    "other_services": "fact_permits",
    "penalties": "fact_penalties",
    "coercion": "fact_penalties",
    "fees": "fact_fees",
    "procurement": "fact_procurement",
}
STABLE_TABLES = (
    "core.dim_report",
    "core.report_findings",
    "core.fact_regulatory_documents",
    "core.fact_permits",
    "core.fact_penalties",
    "core.fact_fees",
    "core.fact_procurement",
    "core.fact_applications",
    "core.fact_appeals",
)


def expected_cells(document: dict) -> list[tuple]:
    cells = []
    for e in document["active_disclosure"]:
        money = e["measure"] == "amount_wan_yuan"
        value = None if e["value"] is None else Decimal(str(e["value"])) if money else e["value"]
        cells.append(
            (
                TABLE_OF_ITEM[e["item"]],
                e["item"],
                e["measure"],
                None if money else value,
                value if money else None,
                e["raw"],
            )
        )
    for e in document["applications"]:
        cells.append(
            ("fact_applications", e["outcome"], e["requester"], e["value"], None, e["raw"])
        )
    for e in document["appeals"]:
        cells.append(("fact_appeals", e["proceeding"], e["result"], e["value"], None, e["raw"]))
    return sorted(cells, key=repr)


def stored_cells(con, report_id: int) -> list[tuple]:
    rows = con.execute(
        "SELECT fact_table, row_code, column_code, count, amount_wan_yuan, raw "
        "FROM core.report_cells WHERE report_id = ?",
        [report_id],
    ).fetchall()
    return sorted(rows, key=repr)


def snapshot(con, report_id: int | None = None) -> dict[str, list]:
    out = {}
    for table in STABLE_TABLES:
        columns = [
            c
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns()"
                " WHERE schema_name || '.' || table_name = ? "
                "AND column_name <> 'loaded_at' ORDER BY column_index",
                [table],
            ).fetchall()
        ]
        where = "" if report_id is None else f" WHERE report_id = {int(report_id)}"
        rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}{where}").fetchall()
        out[table] = sorted(rows, key=repr)
    return out


def test_every_truth_cell_lands_in_its_fact_table(loaded, truths):
    total = 0
    for _, document in truths:
        report_id = report_id_of(document["source"]["sha256"])
        assert stored_cells(loaded, report_id) == expected_cells(document)
        total += len(expected_cells(document))
    assert loaded.execute("SELECT count(*) FROM core.report_cells").fetchone()[0] == total


def test_report_dimension_and_findings(loaded, truths):
    rows = loaded.execute(
        "SELECT division_code, year, agency, agency_kind, status, template_active_disclosure, "
        "template_other_handling, finding_count, is_current FROM core.dim_report "
        "ORDER BY division_code, year"
    ).fetchall()
    assert rows == [
        ("320813", 2023, "洪泽区人民政府", "district", "flagged", "2021", "single", 2, True),
        ("320813", 2024, "淮安市洪泽区人民政府", "district", "ok", "2021", "single", 0, True),
        ("350128", 2019, "平潭综合实验区", "district", "ok", "2019", "single", 0, True),
        ("350128", 2021, "平潭综合实验区", "district", "ok", "2021", "split", 0, True),
        ("630202", 2021, "乐都区人民政府", "district", "ok", "2019", "single", 0, True),
    ]
    assert loaded.execute(
        "SELECT rule, location FROM core.report_findings ORDER BY location"
    ).fetchall() == [
        ("appeal_sum", "appeals/litigation_after_reconsideration"),
        ("appeal_sum", "appeals/reconsideration"),
    ]


def test_formats_are_kept_per_sub_table(loaded):
    # The seed: 2019 columns for clause (一), 2021 elsewhere; 平潭 2019: 2019 throughout.
    rows = loaded.execute(
        "SELECT division_code, year, fact_table, any_value(format) FROM core.report_cells "
        "WHERE format IS NOT NULL GROUP BY ALL HAVING count(DISTINCT format) = 1 "
        "ORDER BY ALL"
    ).fetchall()
    assert ("630202", 2021, "fact_regulatory_documents", "2019") in rows
    assert ("630202", 2021, "fact_permits", "2021") in rows
    assert ("350128", 2019, "fact_procurement", "2019") in rows
    assert ("350128", 2019, "fact_fees", "2019") in rows
    # 75394432.52元 is 7539.443252 万元, exactly.
    assert loaded.execute(
        "SELECT amount_wan_yuan FROM core.fact_procurement WHERE measure = 'amount_wan_yuan'"
    ).fetchone()[0] == Decimal("7539.443252")


def test_loading_twice_changes_nothing(loaded, truths):
    before = snapshot(loaded)
    for path, document in truths:
        result = load_report(loaded, document, source_for(path))
        assert result["replaced"]
    assert snapshot(loaded) == before


def test_reextracting_one_report_changes_only_its_rows(loaded, truths):
    path, document = truths[0]
    report_id = report_id_of(document["source"]["sha256"])
    before = snapshot(loaded)
    changed = variant(document, "unused")
    changed["source"] = document["source"]
    set_cell(changed, "applications", "new_received", "total", 999)
    load_report(loaded, changed, source_for(path))
    after = snapshot(loaded)
    for table in STABLE_TABLES:
        keep = [r for r in before[table] if r[0] != report_id]
        assert [r for r in after[table] if r[0] != report_id] == keep, table
    assert (
        loaded.execute(
            "SELECT count FROM core.fact_applications WHERE report_id = ? "
            "AND outcome = 'new_received' AND requester = 'total'",
            [report_id],
        ).fetchone()[0]
        == 999
    )
    assert len(after["core.fact_applications"]) == len(before["core.fact_applications"])


def test_corrected_republication_becomes_current(loaded, truths):
    _, document = next((p, d) for p, d in truths if p.name.startswith("hzq2024"))
    old_id = report_id_of(document["source"]["sha256"])
    corrected = variant(document, "hzq2024-corrected")
    set_cell(corrected, "applications", "granted", "total", 51)
    result = load_report(
        loaded,
        corrected,
        ReportSource(
            "320813", published_at="2025-03-01T00:00:00Z", first_seen="2025-03-02T00:00:00Z"
        ),
    )
    assert result["is_current"]
    versions = loaded.execute(
        "SELECT report_id, is_current, version_rank FROM core.dim_report "
        "WHERE division_code = '320813' AND year = 2024 ORDER BY version_rank"
    ).fetchall()
    assert versions == [(result["report_id"], True, 1), (old_id, False, 2)]
    # the old version stays queryable
    assert (
        loaded.execute(
            "SELECT count(*) FROM core.fact_applications WHERE report_id = ?", [old_id]
        ).fetchone()[0]
        == 161
    )
    # an older publication loaded later does not take over
    older = variant(document, "hzq2024-draft")
    result = load_report(loaded, older, ReportSource("320813", published_at="2025-01-01"))
    assert not result["is_current"]


def test_a_failed_newer_version_does_not_hide_a_usable_one(loaded, truths):
    _, document = next((p, d) for p, d in truths if p.name.startswith("hzq2024"))
    broken = variant(document, "hzq2024-broken", year=2024)
    broken.update(
        status="failed",
        errors=["not an annual report"],
        applications=[],
        appeals=[],
        active_disclosure=[],
    )
    result = load_report(loaded, broken, ReportSource("320813", published_at="2030-01-01"))
    assert not result["is_current"]


def test_documents_breaking_the_contract_are_recorded_not_loaded(con, truths):
    _, document = truths[0]
    bad = variant(document, "bad")
    bad["applications"][0]["value"] = "12"
    bad["appeals"].append(dict(bad["appeals"][0]))
    bad["active_disclosure"].append(
        {"item": "permits", "measure": "in_force", "value": 1, "raw": "1"}
    )
    result = load_report(con, bad, ReportSource("630202"))
    assert result["status"] == "failed" and result["cells"] == 0
    status, errors, cells = con.execute(
        "SELECT status, load_errors, cell_count FROM core.dim_report WHERE report_id = ?",
        [result["report_id"]],
    ).fetchone()
    assert status == "failed" and cells == 0
    text = " ".join(errors)
    assert "not a number" in text and "duplicate cell" in text and "no measure 'in_force'" in text
    assert con.execute("SELECT count(*) FROM core.report_cells").fetchone()[0] == 0


def test_identity_is_required(con, truths):
    _, document = truths[0]
    anonymous = variant(document, "x")
    del anonymous["source"]["sha256"]
    with pytest.raises(ValueError, match="sha256"):
        load_report(con, anonymous, ReportSource("630202"))
    with pytest.raises(ValueError, match="6-digit"):
        load_report(con, document, ReportSource("63020"))
    # the catalog's hash identifies a document that prints none
    result = load_report(con, anonymous, ReportSource("630202", sha256="ab" * 32))
    assert result["report_id"] == report_id_of("ab" * 32)


def test_provenance_is_kept_beside_the_value(con, truths):
    _, document = truths[0]
    located = variant(document, "located")
    for index, entry in enumerate(located["applications"]):
        entry.update(page=2, table=1, row=index // 7, col=index % 7)
    result = load_report(con, located, ReportSource("630202"))
    row = con.execute(
        "SELECT src_page, src_table, src_row, src_col, raw FROM core.fact_applications "
        "WHERE report_id = ? AND outcome = ? AND requester = ?",
        [
            result["report_id"],
            located["applications"][8]["outcome"],
            located["applications"][8]["requester"],
        ],
    ).fetchone()
    assert row == (2, 1, 1, 1, located["applications"][8]["raw"])


def test_blank_cells_stay_null(con, truths):
    _, document = truths[0]
    blank = variant(document, "blank")
    set_cell(blank, "appeals", "litigation_direct", "pending", None)
    blank_fee = next(e for e in blank["active_disclosure"] if e["item"] == "fees")
    blank_fee["value"], blank_fee["raw"] = None, ""
    result = load_report(con, blank, ReportSource("630202"))
    assert (
        con.execute(
            "SELECT count, amount_wan_yuan FROM core.report_cells WHERE report_id = ? AND "
            "row_code IN ('litigation_direct', 'fees') AND column_code IN ('pending', "
            "'amount_wan_yuan', 'items_prev_year')",
            [result["report_id"]],
        ).fetchall()
        == [(None, None)] * 2
    )


def test_malformed_documents_are_recorded_never_crash(con):
    garbage = {
        "source": {"sha256": "ef" * 32},
        "report": "乐都区",
        "status": "weird",
        "applications": "nope",
        "errors": None,
        "findings": [1],
        "extracted_at": "yesterday",
    }
    result = load_report(con, garbage, ReportSource("630202", year=2021))
    assert result["status"] == "failed" and result["cells"] == 0
    status, year, errors = con.execute(
        "SELECT status, year, load_errors FROM core.dim_report"
    ).fetchone()
    assert (status, year) == ("failed", 2021)
    text = " ".join(errors)
    for expected in (
        "contract is None",
        "status 'weird'",
        "applications is not a list",
        "findings[0] has no rule",
    ):
        assert expected in text
    with pytest.raises(ValueError, match="JSON object"):
        load_report(con, ["not", "a", "document"], ReportSource("630202"))


def test_a_failing_load_leaves_the_previous_rows(loaded, truths, monkeypatch):
    path, document = truths[0]
    report_id = report_id_of(document["source"]["sha256"])
    before = snapshot(loaded)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("pipeline.warehouse.report_load._insert_cells", explode)
    changed = variant(document, "unused")
    changed["source"] = document["source"]
    set_cell(changed, "applications", "new_received", "total", 999)
    with pytest.raises(RuntimeError, match="disk full"):
        load_report(loaded, changed, source_for(path))
    assert snapshot(loaded) == before  # the old version's rows, all of them
    assert snapshot(loaded, report_id)["core.fact_applications"]
