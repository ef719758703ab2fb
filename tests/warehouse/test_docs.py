"""The README's example analyst queries run against a published analyst copy."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from pipeline.warehouse import ReportSource, build_marts, load_report, publish
from tests.warehouse.conftest import set_cell, variant

DOC = Path(__file__).resolve().parents[2] / "README.md"


def doc_queries() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    examples = text[text.index("### Example analyst queries") :]
    next_section = examples.find("\n## ")
    if next_section >= 0:
        examples = examples[:next_section]
    return re.findall(r"```sql\n(.*?)```", examples, re.DOTALL)


def test_readme_example_queries_run(loaded, truths, tmp_path):
    seed = next(d for p, d in truths if p.name.startswith("乐都区"))
    load_report(
        loaded,
        variant(seed, "ledu-education", agency="乐都区教育局"),
        ReportSource("630202", agency_kind="department", agency="乐都区教育局"),
    )
    # a corrected republication of 乐都区 2021, for the revisions example
    corrected = variant(seed, "ledu-2021-corrected")
    pending = next(
        e["value"]
        for e in seed["appeals"]
        if (e["proceeding"], e["result"]) == ("reconsideration", "pending")
    )
    set_cell(corrected, "appeals", "reconsideration", "pending", (pending or 0) + 1)
    load_report(
        loaded,
        corrected,
        ReportSource(
            "630202", published_at="2030-01-01T10:00:00+08:00", published_source="list_page"
        ),
    )
    build_marts(loaded, 2019, 2024)
    copy = tmp_path / "gongkai.duckdb"
    publish(loaded, copy)
    queries = doc_queries()
    assert len(queries) >= 5
    with duckdb.connect(str(copy), read_only=True) as con:
        for query in queries:
            assert con.execute(query).fetchall(), f"no rows from:\n{query}"
