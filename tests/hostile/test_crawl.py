"""A hostile portal cannot hurt a run: failing URLs back off across nights, a drip does not slow
the host, bodies stream to disk, ports are part of the allow-list, endless list pages are not
archived every night, and another government's report is never filed as a department."""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc

from pipeline.crawl import crawl_portal, current_documents
from pipeline.crawl.catalog import read_records, read_state
from pipeline.crawl.fetcher import Fetcher
from tests.crawl.faultsite import (
    PDF,
    Server,
    Site,
    article,
    basic_site,
    conf_for,
    list_page,
    make_portal,
    send,
)

TARGET = "/files/2022.pdf"


def _down(h, site):
    send(h, 503, b"down")


def test_a_failing_url_backs_off_across_nights(tmp_path):
    site = basic_site()
    site.fault(TARGET, _down)
    conf = conf_for(tmp_path)
    with Server(site) as server:
        portal = make_portal(server.port, politeness={"retries": 0})
        url = server.url(TARGET)
        crawl_portal(portal, conf)  # night 1: fails, may be asked again next run
        state = read_state(conf.catalog_dir, "faulty")["urls"][url]
        assert state["failures"] == 1
        crawl_portal(portal, conf)  # night 2: fails again, now waits a night
        assert site.counts[TARGET] == 2
        state = read_state(conf.catalog_dir, "faulty")["urls"][url]
        assert state["failures"] == 2 and state["next_attempt"] > state.get("last_seen", "")
        third = crawl_portal(portal, conf)  # night 3 (too early): not asked at all
        assert site.counts[TARGET] == 2
        assert third.skipped_known_failures == 1 and not third.errors
        assert server.url("/files/2021.pdf") in {
            d["url"] for d in current_documents(conf.catalog_dir, "faulty")
        }

        # the wait is over and the server healed: fetched, and the failure count is gone
        path = conf.catalog_dir / "faulty" / "state.json"
        saved = json.loads(path.read_text())
        saved["urls"][url]["next_attempt"] = "2000-01-01T00:00:00.000000Z"
        path.write_text(json.dumps(saved))
        site.healed = True
        fourth = crawl_portal(portal, conf)
        assert not fourth.errors and site.counts[TARGET] == 3
        assert "failures" not in read_state(conf.catalog_dir, "faulty")["urls"][url]


def drip(h, site):
    h.send_response(200)
    h.send_header("Content-Type", "application/pdf")
    h.send_header("Content-Length", "200")
    h.end_headers()
    try:
        for _ in range(40):
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.1)
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_a_dripping_url_does_not_slow_the_host(tmp_path):
    site = basic_site()
    site.fault(TARGET, drip)
    conf = conf_for(tmp_path)
    with Server(site) as server, Fetcher(conf.user_agent) as fetcher:
        portal = make_portal(server.port, politeness={"total_timeout": 0.8})
        result = crawl_portal(portal, conf, fetcher=fetcher)
        assert [(e["class"], e["attempts"]) for e in result.errors] == [("timeout", 1)]
        assert site.counts[TARGET] == 1  # not retried in the run that it would hold again
        # the host's pace is its response times to headers, not the drip's 0.8 s
        assert fetcher.slots.slot(server.url("/")).latency < 0.4


def test_a_gzip_bomb_streams_to_disk_and_leaves_nothing(tmp_path):
    bomb = gzip.compress(b"\0" * (64 * 1024 * 1024), 9)
    site = basic_site()
    site.fault(
        TARGET, lambda h, s: send(h, 200, bomb, "application/pdf", {"Content-Encoding": "gzip"})
    )
    conf = conf_for(tmp_path)
    with Server(site) as server:
        portal = make_portal(server.port, politeness={"max_body_bytes": 32 * 1024 * 1024})
        tracemalloc.start()
        try:
            result = crawl_portal(portal, conf)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert [e["class"] for e in result.errors] == ["too_large"]
    assert peak < 8 * 1024 * 1024  # 32 MB were inflated, never more than a step in memory
    staging = conf.archive_dir / ".tmp"
    assert not staging.exists() or not any(staging.iterdir())


def test_an_allowed_host_on_another_port_is_refused(tmp_path):
    """A redirect to another service on the same (loopback) machine is off the allow-list."""
    other = Site()
    other.add("/secret.pdf", PDF, "application/pdf")
    site = basic_site()
    conf = conf_for(tmp_path)
    with Server(site) as server, Server(other) as service:
        site.fault(
            TARGET,
            lambda h, s: (
                h.send_response(302),
                h.send_header("Location", service.url("/secret.pdf")),
                h.send_header("Content-Length", "0"),
                h.end_headers(),
            ),
        )
        hosts = ["127.0.0.1", f"127.0.0.1:{server.port}"]  # the bare host: ports 80/443 only
        result = crawl_portal(make_portal(server.port, allowed_hosts=hosts), conf)
    assert [(e["url"], e["class"]) for e in result.errors] == [(server.url(TARGET), "redirect")]
    assert "allowed_hosts" in result.errors[0]["message"]
    assert not other.counts


def test_unchanged_list_pages_are_not_archived_again(tmp_path):
    """A list page that differs on every request (a clock, a token) but lists the same reports
    is revalidated, not stored again; a new report on it is."""
    site = basic_site()
    links = [
        ("../art/2021.html", "乐都区2021年政府信息公开工作年度报告"),
        ("/art/2022.html", "乐都区2022年政府信息公开工作年度报告"),
    ]

    def ticking(h, s):
        body = list_page(links).replace("</body>", f"<!-- {s.counts[h.path]} --></body>")
        send(h, 200, body.encode())

    site.fault("/col/index.html", ticking)
    conf = conf_for(tmp_path)
    with Server(site) as server:
        portal = make_portal(server.port)

        def list_records():
            return [r for r in read_records(conf.catalog_dir, "faulty") if r["kind"] == "list_page"]

        crawl_portal(portal, conf)
        assert len(list_records()) == 1
        second = crawl_portal(portal, conf)
        assert len(list_records()) == 1 and second.run_file is None
        links.append(("/art/2023.html", "乐都区2023年政府信息公开工作年度报告"))
        site.add("/art/2023.html", article("乐都区2023年政府信息公开工作年度报告", ""))
        crawl_portal(portal, conf)
        assert len(list_records()) == 2 and list_records()[-1]["change"] == "changed"


def test_another_governments_report_is_filed_under_it_or_as_other(tmp_path):
    site = basic_site()
    site.add(
        "/col/index.html",
        list_page(
            [
                ("/art/2021.html", "乐都区2021年政府信息公开工作年度报告"),
                ("/art/pa.html", "海东市平安区2021年政府信息公开工作年度报告"),
                ("/art/cd.html", "西宁市城东区2021年政府信息公开工作年度报告"),
            ]
        ),
    )
    site.add("/art/pa.html", article("平安区", '<a href="/files/pa.pdf">附件.pdf</a>'))
    site.add("/files/pa.pdf", PDF + b"pa", "application/pdf")
    site.add("/art/cd.html", article("城东区", ""))
    conf = conf_for(tmp_path)
    with Server(site) as server:
        portal = make_portal(server.port)
        pingan = make_portal(server.port, id="pingan", district="平安区", division_code="630203")
        crawl_portal(portal, conf, others=[portal, pingan])
        docs = {d["url"]: d for d in current_documents(conf.catalog_dir, "faulty")}
    kinds = {
        url.rsplit("/", 1)[-1]: (d["agency"], d["agency_kind"], d["division_code"])
        for url, d in docs.items()
    }
    assert kinds["pa.html"] == ("海东市平安区", "district", "630203")
    assert kinds["pa.pdf"] == ("海东市平安区", "district", "630203")  # its attachment too
    assert kinds["cd.html"] == ("西宁市城东区", "other", "630202")
    assert kinds["2021.html"] == ("乐都区人民政府", "district", "630202")
