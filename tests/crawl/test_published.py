"""Publication dates as portals print them, and the source each came from."""

from __future__ import annotations

import json
from datetime import date

from pipeline.crawl.published import (
    BEIJING,
    article_date,
    list_dates,
    parse_date,
    publication,
)

BASE = "http://127.0.0.1/xxgk/ndbg/index.html"


def test_printed_date_forms():
    assert parse_date("2022-01-20").date() == date(2022, 1, 20)
    assert parse_date("发布时间：2022/1/5 09:30").hour == 9
    assert parse_date("2022年3月31日").date() == date(2022, 3, 31)
    assert parse_date("[2022.02.28]").date() == date(2022, 2, 28)
    assert parse_date("2022-02-30") is None  # not a date
    assert parse_date("2021年政府信息公开工作年度报告") is None
    assert parse_date("2022-01-20").tzinfo == BEIJING


def test_html_list_dates_beside_each_title():
    page = """<ul>
      <li><a href="./202201/t1.html" title="乐都区2021年政府信息公开工作年度报告">
          乐都区2021年政府信息公开工作年度报告</a><span>2022-01-20</span></li>
      <li><a href="../ndbg/202101/t2.html">乐都区2020年政府信息公开工作年度报告</a></li>
      <li><span class="date">[2020-02-03]</span><a href="/x/t3.html">2019年报告</a></li>
    </ul>""".encode()
    got = list_dates(page, BASE)
    assert {url: d.date() for url, d in got.items()} == {
        "http://127.0.0.1/xxgk/ndbg/202201/t1.html": date(2022, 1, 20),
        "http://127.0.0.1/x/t3.html": date(2020, 2, 3),
    }


def test_a_container_of_several_entries_dates_none_of_them():
    page = b'<div><a href="/a.html">A</a><a href="/b.html">B</a> 2022-01-01</div>'
    assert list_dates(page, BASE) == {}


def test_json_list_dates():
    doc = {
        "data": {
            "list": [
                {"title": "A", "url": "/a.html", "publishTime": "2022-01-20 10:00:00"},
                {"title": "B", "url": "//127.0.0.1/b.html", "pubDate": 1642644000000},
                {"title": "C", "url": "/c.html", "publishTime": ""},
            ]
        }
    }
    got = list_dates(json.dumps(doc).encode(), "http://127.0.0.1/api/list?page=1")
    assert got["http://127.0.0.1/a.html"].date() == date(2022, 1, 20)
    assert got["http://127.0.0.1/b.html"].date() == date(2022, 1, 20)
    assert "http://127.0.0.1/c.html" not in got


def test_article_meta_then_printed_line():
    meta = b'<html><head><meta name="PubDate" content="2022-01-20 10:00"></head><body>x</body>'
    when, source = article_date(meta)
    assert (when.date(), source) == (date(2022, 1, 20), "article_meta")
    text = "<html><body><h1>报告</h1><div>发布时间：2022-02-03 来源：办公室</div></body>"
    when, source = article_date(text.encode())
    assert (when.date(), source) == (date(2022, 2, 3), "article_text")
    assert article_date("<html><body>2021年1月1日至12月31日</body></html>".encode()) is None


def test_publication_prefers_printed_dates_and_says_which():
    listed = parse_date("2022-01-21")
    article = (parse_date("2022-01-20"), "article_meta")
    header = "Thu, 20 Jan 2022 02:00:00 GMT"
    assert publication(article, listed, header)["published_source"] == "article_meta"
    assert publication(None, listed, header) == {
        "published_at": listed.isoformat(),
        "published_source": "list_page",
    }
    fallback = publication(None, None, header)
    assert fallback["published_source"] == "last_modified"
    assert fallback["published_at"].startswith("2022-01-20T02:00:00")
    assert publication(None, None, None) == {"published_at": None, "published_source": None}
    assert publication(None, None, "not a date") == {
        "published_at": None,
        "published_source": None,
    }
