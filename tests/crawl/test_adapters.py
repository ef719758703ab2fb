"""CMS adapters against a loopback server: Hanweb dataproxy.jsp, gkmlpt JSON, SPA article API,
and TRS query-parameter paging that stops at the first 404."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

from pipeline.crawl import crawl_portal, current_documents
from tests.crawl.faultsite import (
    Server,
    article,
    basic_site,
    conf_for,
    list_page,
    make_portal,
    send,
)

REPORT = "乐都区2021年政府信息公开工作年度报告"


def urls(conf):
    return {urlsplit(d["url"]).path for d in current_documents(conf.catalog_dir, "faulty")}


def test_hanweb(tmp_path):
    site = basic_site()
    records = [
        f'<record><![CDATA[<li><a href="/art/{y}.html"'
        f' title="乐都区{y}年政府信息公开工作年度报告">x</a></li>]]></record>'
        for y in (2021, 2022)
    ] + ['<record><![CDATA[<li><a href="/n/1.html">通知</a></li>]]></record>']

    def proxy(h, s):
        q = parse_qs(urlsplit(h.path).query)
        start, end = int(q["startrecord"][0]), int(q["endrecord"][0])
        chosen = records[start - 1 : end]
        body = (
            f"<datastore><totalrecord>{len(records)}</totalrecord>"
            f"<recordset>{''.join(chosen)}</recordset></datastore>"
        )
        send(h, 200, body.encode(), "text/xml; charset=utf-8")

    conf = conf_for(tmp_path)
    with Server(site) as server:
        for start in (1, 3):
            site.fault(
                "/module/web/jpage/dataproxy.jsp"
                f"?startrecord={start}&endrecord={start + 1}&perpage=1",
                proxy,
            )
        portal = make_portal(
            server.port,
            adapter="hanweb",
            start_urls=[server.url("/module/web/jpage/dataproxy.jsp")],
            pagination={"style": "hanweb", "perpage": 1, "batch": 2, "form": {"columnid": 1}},
        )
        result = crawl_portal(portal, conf)
    assert not result.errors and result.list_pages == 2
    assert urls(conf) == {"/art/2021.html", "/art/2022.html", "/files/2021.pdf", "/files/2022.pdf"}
    assert {r.method for r in site.log if "dataproxy" in r.path} == {"POST"}


def test_gkmlpt_and_spa(tmp_path):
    site = basic_site()
    site.add(
        "/gkmlpt/api/all/5?page=1",
        json.dumps(
            {
                "articles": [{"title": REPORT, "url": "/gkmlpt/content/1/1234/post_1234.html"}],
                "total": 1,
            }
        ),
        "application/json",
    )
    site.add(
        "/api/content/1234",
        json.dumps({"data": {"content": '<p>见附件</p><a href="/files/2021.pdf">附件</a>'}}),
        "application/json",
    )
    site.add(
        "/gkmlpt/content/1/1234/post_1234.html",
        article(REPORT, '<a href="/files/2021.pdf">附件</a>'),
    )
    conf = conf_for(tmp_path)
    with Server(site) as server:
        gk = make_portal(
            server.port,
            adapter="gkmlpt",
            start_urls=[server.url("/gkmlpt/api/all/5")],
            pagination={"style": "json"},
        )
        assert not crawl_portal(gk, conf).errors
        assert urls(conf) == {"/gkmlpt/content/1/1234/post_1234.html", "/files/2021.pdf"}
        spa = make_portal(
            server.port,
            id="spa",
            adapter="spa",
            start_urls=[server.url("/gkmlpt/api/all/5")],
            pagination={"style": "json", "items": "articles"},
            options={
                "article_api": server.url("/api/content/{id}"),
                "id_pattern": r"post_(\d+)",
                "content_field": "data.content",
            },
        )
        result = crawl_portal(spa, conf)
    assert not result.errors
    docs = {urlsplit(d["url"]).path: d for d in current_documents(conf.catalog_dir, "spa")}
    assert set(docs) == {"/api/content/1234", "/files/2021.pdf"}
    assert docs["/files/2021.pdf"]["parent_url"].endswith("/api/content/1234")


def test_query_paging_stops_at_404(tmp_path):
    site = basic_site()
    site.add("/col/list?page=1", list_page([("/art/2021.html", REPORT)], pages=0))
    site.add(
        "/col/list?page=2",
        list_page([("/art/2022.html", "乐都区2022年政府信息公开工作年度报告")], pages=0),
    )
    conf = conf_for(tmp_path)
    with Server(site) as server:
        portal = make_portal(
            server.port,
            start_urls=[server.url("/col/list")],
            pagination={"style": "query", "param": "page", "total_pages_pattern": r"NOPAGES(\d+)"},
        )
        result = crawl_portal(portal, conf)
    assert not result.errors  # the 404 of page 3 is the end of the list, not a failure
    assert result.list_pages == 3
    assert "/files/2022.pdf" in urls(conf)
