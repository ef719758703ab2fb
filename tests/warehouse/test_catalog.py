"""raw.documents / raw.fetch_errors from the crawl catalog, loaded incrementally."""

from __future__ import annotations

import json

from pipeline.records import Listing, catalog_document, fetch_error_record
from pipeline.warehouse import load_catalog

DOCUMENT = {
    **catalog_document(
        run_id="r1",
        portal="haidong-ledu",
        division_code="630202",
        url="http://example.test/a.html",
        final_url="http://example.test/a.html",
        listing=Listing(
            "乐都区2021年政府信息公开工作年度报告", 2021, "乐都区人民政府", "district", "article"
        ),
        etag='"x"',
        content_type="text/html",
        sniffed_type="html",
        size=1234,
        sha256="ab" * 32,
        archive_path="ab/abab.html",
        is_sample=True,
        first_seen="2024-01-02T03:04:05.123456Z",
        fetched_at="2024-01-02T03:04:05Z",
    ),
    "future_key": "ignored",
}
ERROR = fetch_error_record(
    run_id="r1",
    portal="haidong-ledu",
    division_code="630202",
    url="http://example.test/b.pdf",
    error_class="timeout",
    message="read timed out",
    attempts=3,
    retryable=True,
    at="2024-01-02T03:05:00Z",
)


def write(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def test_catalog_loads_only_new_files(con, tmp_path):
    catalog = tmp_path / "catalog"
    write(
        catalog / "haidong-ledu" / "r1.jsonl",
        [
            json.dumps(DOCUMENT, ensure_ascii=False),
            json.dumps(ERROR),
            json.dumps({"kind": "list_page", "url": "http://example.test/"}),
            "{not json",
            json.dumps(["a list"]),
            "",
        ],
    )
    # an unfinished journal of a running crawl is not a catalog file yet
    write(catalog / "haidong-ledu" / ".r2.jsonl.part", [json.dumps(DOCUMENT)])
    assert load_catalog(con, catalog) == {
        "files": 1,
        "documents": 1,
        "fetch_errors": 1,
        "ignored": 1,
        "invalid_lines": 2,
    }
    assert load_catalog(con, catalog) == {
        "files": 0,
        "documents": 0,
        "fetch_errors": 0,
        "ignored": 0,
        "invalid_lines": 0,
    }
    second = dict(DOCUMENT, run_id="r2", change="unchanged")
    write(catalog / "haidong-ledu" / "r2.jsonl", [json.dumps(second, ensure_ascii=False)])
    assert load_catalog(con, catalog)["documents"] == 1
    rows = con.execute(
        "SELECT catalog_file, line_no, run_id, year, is_sample, change, "
        "CAST(first_seen AS VARCHAR) FROM raw.documents ORDER BY catalog_file"
    ).fetchall()
    assert [r[:6] for r in rows] == [
        ("haidong-ledu/r1.jsonl", 1, "r1", 2021, True, "new"),
        ("haidong-ledu/r2.jsonl", 1, "r2", 2021, True, "unchanged"),
    ]
    assert rows[0][6].startswith("2024-01-02 03:04:05.123456")
    assert con.execute(
        "SELECT error_class, http_status, attempts FROM raw.fetch_errors"
    ).fetchall() == [("timeout", None, 3)]
    invalid = con.execute(
        "SELECT invalid_lines, invalid_detail FROM raw.catalog_files "
        "WHERE path = 'haidong-ledu/r1.jsonl'"
    ).fetchone()
    assert invalid[0] == 2 and invalid[1][0].startswith("line 4: not JSON")


def test_wrongly_typed_values_become_null(con, tmp_path):
    catalog = tmp_path / "catalog"
    odd = dict(DOCUMENT, year="2021年", bytes="many", is_sample="yes", fetched_at="yesterday")
    write(catalog / "p" / "r.jsonl", [json.dumps(odd, ensure_ascii=False)])
    load_catalog(con, catalog)
    assert con.execute(
        "SELECT year, bytes, is_sample, fetched_at FROM raw.documents"
    ).fetchone() == (None, None, None, None)


def test_missing_catalog_dir_loads_nothing(con, tmp_path):
    assert load_catalog(con, tmp_path / "nowhere")["files"] == 0
