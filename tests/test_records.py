"""The crawl catalog's one rule for a line, shared by the crawler and the warehouse."""

from __future__ import annotations

import json

from pipeline.crawl.catalog import read_records
from pipeline.records import Listing, catalog_document, catalog_lines
from pipeline.warehouse import connect, load_catalog


def test_a_bad_line_is_skipped_with_its_reason_and_the_rest_counts():
    data = b'{"a": 1}\nnot json\n[1]\n\n{"b": "\xe2\x80\xa8"}\n{"c":'
    lines = list(catalog_lines(data))
    assert [(n, r) for n, r, _ in lines] == [
        (1, {"a": 1}),
        (2, None),
        (3, None),
        (5, {"b": "\u2028"}),  # a line separator inside a string is no line break
        (6, None),
    ]
    problems = [p for _, _, p in lines]
    assert problems[1].startswith("not JSON")
    assert problems[2] == "not a JSON object"
    assert problems[4] == "incomplete line (no newline at the end)"


def test_crawler_and_warehouse_read_the_same_records(tmp_path):
    def document(n: int) -> dict:
        return catalog_document(
            run_id="r1",
            portal="p",
            division_code="630202",
            url=f"http://example.test/{n}.html",
            listing=Listing(
                f"乐都区{n}年政府信息公开工作年度报告", n, "乐都区", "district", "article"
            ),
            sha256=f"{n:064x}",
            archive_path=f"00/{n}.html",
            sniffed_type="html",
            size=1,
            fetched_at="2025-01-01T00:00:00.000000Z",
        )

    folder = tmp_path / "catalog" / "p"
    folder.mkdir(parents=True)
    (folder / "r1.jsonl").write_bytes(
        json.dumps(document(2021)).encode()
        + b"\n{broken\n"
        + json.dumps(document(2022)).encode()
        + b"\n"
    )
    crawled = [r["url"] for r in read_records(tmp_path / "catalog", "p")]
    assert crawled == ["http://example.test/2021.html", "http://example.test/2022.html"]
    with connect(tmp_path / "w.duckdb") as con:
        assert load_catalog(con, tmp_path / "catalog")["invalid_lines"] == 1
        rows = con.execute("SELECT url FROM raw.documents ORDER BY line_no").fetchall()
    loaded = [url for (url,) in rows]
    assert loaded == crawled
