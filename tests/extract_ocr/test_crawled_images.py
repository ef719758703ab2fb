"""The crawler archives the pictures in a report article's body (size-capped, same host rules)
with the article, and the report's extraction reads the tables in them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pipeline.crawl import crawl_portal, current_documents
from pipeline.crawl import runner as crawl_runner
from pipeline.crawl.archive import Archive
from pipeline.crawl.discovery import body_images
from pipeline.report_choice import extract_district_year
from tests.conftest import CORPUS, require_shared
from tests.crawl.faultsite import Server, Site, conf_for, list_page, make_portal
from tests.extract_ocr.test_images import _screenshots

TITLE = "乐都区2024年政府信息公开工作年度报告"


def test_body_images_skip_page_furniture():
    page = (
        "<html><body><img src='/logo.png'><div class='TRS_Editor'><p>正文</p>"
        "<img src='t1.png'><img src='data:image/png;base64,AAAA'><img src='t1.png'>"
        "<img data-src='/pic/t2.jpg'></div><img src='/footer.gif'></body></html>"
    ).encode()
    assert body_images(page, "http://a.gov.cn/art/2024/1.html") == [
        "http://a.gov.cn/art/2024/t1.png",
        "http://a.gov.cn/pic/t2.jpg",
    ]


@pytest.fixture
def site() -> Site:
    require_shared()
    site = Site()
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    site.add("/col/index.html", list_page([("/art/2024.html", TITLE)]))
    pictures = "".join(f"<p><img src='/pic/t{i}.png'></p>" for i in range(3))
    site.add(
        "/art/2024.html",
        f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body>"
        "<img src='/pic/logo.png'>"
        f"<div class='TRS_Editor'><h1>{TITLE}</h1><p>一、总体情况</p>{pictures}"
        "<p><img src='/pic/huge.png'><img src='/pic/missing.png'></p></div></body></html>",
    )
    for i, png in enumerate(_screenshots()):
        site.add(f"/pic/t{i}.png", png, "image/png")
    site.add("/pic/logo.png", _screenshots(40)[0], "image/png")
    site.add("/pic/huge.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 3_000_000, "image/png")
    site.add("/pic/missing.png", "<html><body>404</body></html>")
    return site


def test_article_images_are_archived_and_read(site, tmp_path, monkeypatch):
    monkeypatch.setattr(crawl_runner, "MAX_IMAGE_BYTES", 2_000_000)
    conf = replace(conf_for(tmp_path), extracted_dir=tmp_path / "extracted")
    with Server(site) as server:
        result = crawl_portal(make_portal(server.port), conf)
    docs = {d["url"].rsplit("/", 1)[-1]: d for d in current_documents(conf.catalog_dir, "faulty")}
    assert {k for k, d in docs.items() if d.get("role") == "image"} == {
        "t0.png",
        "t1.png",
        "t2.png",
    }
    assert all(docs[f"t{i}.png"]["parent_url"] == docs["2024.html"]["url"] for i in range(3))
    assert all(docs[f"t{i}.png"]["sniffed_type"] == "image" for i in range(3))
    assert "logo.png" not in docs and "missing.png" not in docs
    assert [e["class"] for e in result.errors] == ["too_large"]
    assert Archive(conf.archive_dir).path(docs["t0.png"]["archive_path"]).is_file()

    [report] = extract_district_year("630202", 2024, conf=conf, documents=list(docs.values()))
    assert [c.role for c in report.candidates] == ["article"]
    assert report.status == "ok", report.errors
    extracted = json.loads(Path(report.json_path).read_text("utf-8"))
    truth = json.loads((CORPUS / "real" / "hzq2024_working.truth.json").read_text("utf-8"))
    assert extracted["source"]["ocr"] is True
    for table in ("active_disclosure", "applications", "appeals"):
        got = sorted((tuple(e.values())[:2], e["value"]) for e in extracted[table])
        want = sorted((tuple(e.values())[:2], e["value"]) for e in truth[table])
        assert got == want, table
