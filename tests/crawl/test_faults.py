"""One misbehaving-server case each: the crawl completes, the failure lands in the right class,
and a rerun after the server heals fetches what failed retryably and nothing else."""

from __future__ import annotations

import gzip
import json
import time

import pytest

from pipeline.crawl import crawl_portal, current_documents
from pipeline.crawl.catalog import read_records
from tests.crawl.faultsite import PDF, Server, basic_site, conf_for, make_portal, send

TARGET = "/files/2022.pdf"


def burst_then_ok(statuses, headers=None):
    def handler(h, site):
        n = site.counts[h.path]
        if n <= len(statuses):
            send(h, statuses[n - 1], b"busy", headers=headers)
        else:
            send(h, 200, PDF + b"2022", "application/pdf")

    return handler


def stall(h, site):
    time.sleep(2.0)  # longer than read_timeout before any header
    send(h, 200, PDF)


def drip(h, site):
    h.send_response(200)
    h.send_header("Content-Type", "application/pdf")
    h.send_header("Content-Length", "200")
    h.end_headers()
    try:
        for _ in range(40):  # 1 byte every 0.1 s: never idle long enough for the read timeout
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)
    except (BrokenPipeError, ConnectionResetError):
        pass


def cut_short(h, site):
    h.send_response(200)
    h.send_header("Content-Type", "application/pdf")
    h.send_header("Content-Length", "10000")
    h.end_headers()
    h.wfile.write(PDF[:100])
    h.wfile.flush()
    h.close_connection = True


BOMB = gzip.compress(b"\0" * (8 * 1024 * 1024), 9)


def gzip_bomb(h, site):
    send(h, 200, BOMB, "application/pdf", {"Content-Encoding": "gzip"})


def redirect_to(target):
    def handler(h, site):
        location = target(h) if callable(target) else target
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    return handler


def oversize(h, site):
    h.send_response(200)
    h.send_header("Content-Type", "application/pdf")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"%PDF" + b"0" * 65532
    try:
        for _ in range(40):  # 2.6 MB, no Content-Length: only the streaming cap can stop it
            h.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        h.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass


def waf(h, site):
    send(h, 412, b"<html><script>var $_ts={};</script></html>")


def challenge_200(h, site):
    send(h, 200, b"<html><script>document.cookie='__jsl_clearance=1';</script></html>")


CASES = {
    # name: (path, handler, expected error class or None, retryable)
    "5xx_burst_then_ok": (TARGET, burst_then_ok([500, 503, 502]), None, None),
    "429_retry_after": (TARGET, burst_then_ok([429], {"Retry-After": "1"}), None, None),
    "read_timeout": (TARGET, stall, "timeout", True),
    "slow_drip": (TARGET, drip, "timeout", True),
    "body_cut_short": (TARGET, cut_short, "connection", True),
    "gzip_bomb": (TARGET, gzip_bomb, "too_large", False),
    "redirect_loop": (
        TARGET,
        redirect_to(lambda h: "/loop/a" if "2022" in h.path else TARGET),
        "redirect",
        False,
    ),
    "redirect_off_allow_list": (
        TARGET,
        redirect_to(lambda h: f"http://localhost:{h.server.server_address[1]}/files/2022.pdf"),
        "redirect",
        False,
    ),
    "redirect_link_local": (
        TARGET,
        redirect_to("http://169.254.169.254/latest/meta-data/"),
        "redirect",
        False,
    ),
    "attachment_404": (TARGET, lambda h, s: send(h, 404, b"gone"), "http", False),
    "oversize": (TARGET, oversize, "too_large", False),
    "waf_412": ("/art/2022.html", waf, "blocked", False),
    "challenge_page": ("/art/2022.html", challenge_200, "blocked", False),
}


def crawl_errors(result):
    return {(e["url"], e["class"], e["retryable"]) for e in result.errors}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fault(name, tmp_path):
    path, handler, cls, retryable = CASES[name]
    site = basic_site()
    site.fault(path, handler)
    if name == "redirect_loop":
        site.fault("/loop/a", handler)
    conf = conf_for(tmp_path)
    politeness = {"max_body_bytes": 1024 * 1024, "blocked_cooldown": 0.5}
    if name == "slow_drip":
        politeness.update(retries=1, total_timeout=0.8)
    with Server(site) as server:
        portal = make_portal(server.port, politeness=politeness)
        first = crawl_portal(portal, conf)
        stored = {d["url"] for d in current_documents(conf.catalog_dir, "faulty")}
        assert server.url("/files/2021.pdf") in stored  # the rest of the portal is unaffected
        if cls is None:
            assert not first.errors
            assert server.url(TARGET) in stored
            assert site.counts[TARGET] > 1
            return
        assert crawl_errors(first) == {(server.url(path), cls, retryable)}
        error = first.errors[0]
        if cls == "blocked":
            assert error["attempts"] == 1 and site.counts[path] == 1  # never retried
        if name == "slow_drip":  # another try would hold the host as long again: next run
            assert error["attempts"] == 1
        elif cls in ("timeout", "connection"):
            assert error["attempts"] == portal.politeness.retries + 1

        # heal, rerun: only the retryable failure is fetched again (whole); the rest revalidates
        site.healed = True
        site.clear()
        if cls == "blocked":
            time.sleep(0.6)  # let the host's cool-down (0.5 s in this entry) run out
        second = crawl_portal(portal, conf)
        unconditional = {r.path for r in site.log if not r.conditional}
        stored = {d["url"] for d in current_documents(conf.catalog_dir, "faulty")}
        if retryable or cls == "blocked":
            assert not second.errors
            assert server.url(TARGET) in stored
            expected = {path} | ({TARGET} if path != TARGET else set())
            assert unconditional == expected
        else:
            assert site.counts.get(path, 0) == 0  # a permanent failure is not asked again soon
            assert unconditional == set()
            assert second.skipped_known_failures == 1


def test_wrong_charset_header(tmp_path):
    """GBK bytes served as charset=utf-8: the report title still reads right."""
    site = basic_site()
    body, _ = site.static["/col/index.html"]
    site.add(
        "/col/index.html",
        body.decode("utf-8").replace("charset='utf-8'", "").encode("gbk"),
        "text/html; charset=utf-8",
    )
    conf = conf_for(tmp_path)
    with Server(site) as server:
        result = crawl_portal(make_portal(server.port), conf)
    assert not result.errors
    titles = {
        d["title"] for d in current_documents(conf.catalog_dir, "faulty") if d["role"] == "article"
    }
    assert titles == {
        "乐都区2021年政府信息公开工作年度报告",
        "乐都区2022年政府信息公开工作年度报告",
    }


@pytest.mark.parametrize(
    "robots, cls, retryable",
    [
        ("disallow", "robots", False),
        ("503", "robots", True),
    ],
)
def test_robots(robots, cls, retryable, tmp_path):
    site = basic_site()
    if robots == "disallow":
        site.add("/robots.txt", "User-agent: *\nDisallow: /col/\n", "text/plain")
    else:
        site.fault("/robots.txt", lambda h, s: send(h, 503, b"down"))
    conf = conf_for(tmp_path)
    with Server(site) as server:
        portal = make_portal(server.port)
        first = crawl_portal(portal, conf)
        assert crawl_errors(first) == {(server.url("/col/index.html"), cls, retryable)}
        assert not [r for r in site.log if r.path != "/robots.txt"]  # nothing else was asked
        site.healed = True
        site.clear()
        second = crawl_portal(portal, conf)
        if retryable:
            assert not second.errors
            assert len(current_documents(conf.catalog_dir, "faulty")) == 4
        else:
            assert [r.path for r in site.log] == ["/robots.txt"]
            assert all(r.conditional for r in site.log)
            assert crawl_errors(second) == crawl_errors(first)
            assert second.run_file is None  # the same refusal as last night adds no record


def test_robots_404_allows_everything(tmp_path):
    site = basic_site()
    del site.static["/robots.txt"]
    conf = conf_for(tmp_path)
    with Server(site) as server:
        result = crawl_portal(make_portal(server.port), conf)
    assert not result.errors
    assert len(current_documents(conf.catalog_dir, "faulty")) == 4


def test_endless_json_list(tmp_path):
    """An endpoint that always offers another page stops at the entry's max_pages."""
    site = basic_site()

    def endless(h, site_):
        page = int(h.path.rsplit("page=", 1)[1])
        items = [{"title": f"通知{page}-{i}", "url": f"/art/n{page}-{i}.html"} for i in range(3)]
        if page == 1:
            items.append({"title": "乐都区2021年政府信息公开工作年度报告", "url": "/art/2021.html"})
        send(
            h,
            200,
            json.dumps({"data": {"list": items}, "hasNext": True}).encode(),
            "application/json",
        )

    conf = conf_for(tmp_path)
    with Server(site) as server:
        for page in range(1, 30):
            site.fault(f"/api/list?page={page}", endless)
        portal = make_portal(
            server.port,
            adapter="json_list",
            max_pages=7,
            start_urls=[server.url("/api/list")],
            pagination={"style": "json", "items": "data.list"},
        )
        result = crawl_portal(portal, conf)
    assert result.list_pages == 7
    assert result.page_limits == [server.url("/api/list")]
    assert not result.errors
    assert {d["url"] for d in current_documents(conf.catalog_dir, "faulty")} == {
        server.url("/art/2021.html"),
        server.url("/files/2021.pdf"),
    }


def test_catalog_records_failures_and_documents(tmp_path):
    site = basic_site()
    site.fault(TARGET, lambda h, s: send(h, 404, b"gone"))
    conf = conf_for(tmp_path)
    with Server(site) as server:
        crawl_portal(make_portal(server.port), conf)
    records = list(read_records(conf.catalog_dir, "faulty"))
    error = next(r for r in records if r["kind"] == "fetch_error")
    assert {
        "run_id",
        "portal",
        "division_code",
        "url",
        "class",
        "http_status",
        "message",
        "attempts",
        "at",
    } <= set(error)
    assert error["http_status"] == 404 and error["attempts"] == 1
    doc = next(r for r in records if r["kind"] == "document")
    assert {
        "run_id",
        "portal",
        "division_code",
        "url",
        "final_url",
        "title",
        "year",
        "agency",
        "agency_kind",
        "role",
        "parent_url",
        "http_status",
        "etag",
        "last_modified",
        "content_type",
        "sniffed_type",
        "bytes",
        "sha256",
        "archive_path",
        "is_sample",
        "first_seen",
        "last_seen",
        "fetched_at",
        "change",
    } <= set(doc)
