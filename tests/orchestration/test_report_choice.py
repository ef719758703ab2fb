"""pipeline.report_choice: which document of a report is"
" kept, what is written, what the sensor keys on."""

from __future__ import annotations

import json

from pipeline.extract.isolation import ReaderPool
from pipeline.report_choice import (
    MANIFEST,
    document_fingerprint,
    extract_district_year,
    extract_district_years,
    read_results,
    report_groups,
    report_index,
    results_fingerprint,
)
from tests.orchestration.conftest import report_page, report_text

CODE = "630202"
LINK_ONLY = (
    "<html><head><meta charset='utf-8'><title>乐都区2021年政府信息公开工作年度报告</title>"
    "</head><body><h1>乐都区2021年政府信息公开工作年度报告</h1>"
    "<p><a href='/files/2021.txt'>附件：年度报告</a></p></body></html>"
).encode()


def article_with_attachment(catalog) -> tuple[dict, dict]:
    """乐都区 2021: an article that only links to the report, and the report as its attachment."""
    article = catalog.document(CODE, 2021, LINK_ONLY)
    attachment = catalog.document(
        CODE,
        2021,
        report_text(CODE, 2021),
        role="attachment",
        parent_url=article["url"],
        url="http://portal.test/files/2021.txt",
        sniffed="text",
    )
    return article, attachment


def test_attachment_wins_over_a_link_only_article(catalog, conf):
    article, attachment = article_with_attachment(catalog)
    catalog.commit([article, attachment])

    [result] = extract_district_year(CODE, 2021, conf)

    assert result.status == "ok"
    assert result.url == attachment["url"] and result.sha256 == attachment["sha256"]
    assert result.article_url == article["url"]
    assert {c.role: c.status for c in result.candidates}["article"] != "ok"
    assert result.fault is None
    assert result.contract()["report"]["year"] == 2021
    folder = conf.extracted_dir / CODE / "2021"
    assert {p.name for p in folder.iterdir()} == {
        MANIFEST,
        f"{article['sha256']}.json",
        f"{attachment['sha256']}.json",
    }


def test_district_and_department_reports_are_separate(catalog, conf):
    district = catalog.document(CODE, 2022, report_page(CODE, 2022))
    department = catalog.document(
        CODE,
        2022,
        report_page(CODE, 2022, base=5, agency="乐都区教育局"),
        agency_kind="department",
        agency="乐都区教育局",
        url="http://portal.test/dept/2022.html",
    )
    other_year = catalog.document(CODE, 2021, report_page(CODE, 2021))
    catalog.commit([district, department, other_year])

    results = extract_district_year(CODE, 2022, conf)

    assert sorted((r.agency_kind, r.status) for r in results) == [
        ("department", "ok"),
        ("district", "ok"),
    ]
    assert read_results(CODE, 2022, conf) == results
    assert read_results(CODE, 2019, conf) is None


def test_missing_archive_file_is_a_pipeline_fault(catalog, conf):
    record = catalog.document(CODE, 2020, report_page(CODE, 2020))
    (conf.archive_dir / record["archive_path"]).unlink()
    catalog.commit([record])

    [result] = extract_district_year(CODE, 2020, conf)

    assert result.status == "failed"
    assert "archived file missing" in result.fault


def test_no_document_is_recorded_as_nothing_expected(conf):
    assert extract_district_year(CODE, 2019, conf) == []
    manifest = conf.extracted_dir / CODE / "2019" / MANIFEST
    assert json.loads(manifest.read_text()) == []


def test_fingerprint_follows_the_documents(catalog, conf):
    first = catalog.document(CODE, 2021, report_page(CODE, 2021))
    other = catalog.document("630203", 2021, report_page("630203", 2021))
    before = document_fingerprint([first, other], CODE, 2021)
    changed = catalog.document(CODE, 2021, report_page(CODE, 2021, base=9))

    assert document_fingerprint([first, other], CODE, 2021) == before
    assert document_fingerprint([changed, other], CODE, 2021) != before
    assert document_fingerprint([first, other], CODE, 2019) == ""


def test_same_document_under_a_new_url_is_one_report(catalog, conf):
    page = report_page(CODE, 2023)
    old = catalog.document(CODE, 2023, page, url="http://portal.test/old/2023.html")
    moved = {
        **catalog.document(CODE, 2023, page, url="http://portal.test/new/2023.html"),
        "last_seen": "2025-02-01T00:00:00.000000Z",
    }
    catalog.commit([old, moved])

    [result] = extract_district_year(CODE, 2023, conf)

    assert result.url == moved["url"]
    assert document_fingerprint([old, moved], CODE, 2023) == document_fingerprint([old], CODE, 2023)
    assert results_fingerprint([result]) == document_fingerprint([old, moved], CODE, 2023)


def test_an_altered_archive_file_is_caught_when_extracted(catalog, conf):
    """The crawl checks an archived file's name and size only; extraction hashes what it reads,
    so a file altered in place is a pipeline fault and its numbers are not used."""
    record = catalog.document(CODE, 2022, report_page(CODE, 2022))
    catalog.commit([record])
    path = conf.archive_dir / record["archive_path"]
    path.write_bytes(path.read_bytes().replace(b"2022", b"2023"))  # same size, still a report

    [result] = extract_district_year(CODE, 2022, conf)

    assert result.status == "failed" and result.cells == 0
    assert "catalog says" in result.fault
    assert result.contract()["pipeline_fault"] is True


def test_a_batch_of_district_years_is_extracted_as_each_alone(catalog, conf):
    records = [catalog.document(CODE, year, report_page(CODE, year)) for year in (2020, 2021)]
    other = catalog.document("630203", 2021, report_page("630203", 2021))
    catalog.commit([*records, other])
    keys = [(CODE, 2020), (CODE, 2021), ("630203", 2021), (CODE, 2019)]

    with ReaderPool(2) as pool:
        batch = extract_district_years(keys, conf, pool=pool)

    assert list(batch) == keys and batch[(CODE, 2019)] == []
    for code, year in keys:
        assert batch[(code, year)] == read_results(code, year, conf)
        assert [r.status for r in batch[(code, year)]] == ["ok"] * len(batch[(code, year)])
    assert {r.sha256 for r in batch[("630203", 2021)]} == {other["sha256"]}


def test_grouping_is_one_pass_and_matches_per_district_year(catalog, conf):
    article, attachment = article_with_attachment(catalog)
    other = catalog.document("630203", 2021, report_page("630203", 2021))
    documents = [article, attachment, other]
    index = report_index(documents)
    assert index == {(CODE, 2021): [[article, attachment]], ("630203", 2021): [[other]]}
    assert report_groups(documents, CODE, 2021) == index[(CODE, 2021)]
