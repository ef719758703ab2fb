"""A clean crawl and a no-change rerun of a small portal on a real loopback server."""

from __future__ import annotations

import json

from pipeline.crawl import crawl_portal, current_documents
from pipeline.crawl.archive import Archive
from pipeline.crawl.catalog import run_files
from tests.crawl.faultsite import Server, basic_site, conf_for, make_portal


def test_first_crawl_then_unchanged_rerun(tmp_path):
    site = basic_site()
    conf = conf_for(tmp_path)
    with Server(site) as server:
        portal = make_portal(server.port)
        first = crawl_portal(portal, conf)
        assert not first.errors
        docs = current_documents(conf.catalog_dir, "faulty")
        urls = {d["url"]: d for d in docs}
        assert set(urls) == {
            server.url(p)
            for p in ("/art/2021.html", "/art/2022.html", "/files/2021.pdf", "/files/2022.pdf")
        }
        pdf = urls[server.url("/files/2021.pdf")]
        assert pdf["role"] == "attachment" and pdf["sniffed_type"] == "pdf" and pdf["year"] == 2021
        assert pdf["parent_url"] == server.url("/art/2021.html")
        assert pdf["agency_kind"] == "district" and pdf["archive_path"].endswith(".pdf")
        assert all("jd" not in u for u in urls)
        files_before = run_files(conf.catalog_dir, "faulty")

        site.clear()
        second = crawl_portal(portal, conf)
        assert not second.errors
        assert second.new == second.changed == 0 and second.unchanged == 4
        assert second.bytes_stored == 0
        assert site.log and all(r.conditional for r in site.log), [
            r for r in site.log if not r.conditional
        ]
        assert run_files(conf.catalog_dir, "faulty") == files_before
        assert second.run_file is None

        # a changed document becomes a new version; the old file stays
        old = Archive(conf.archive_dir).path(pdf["archive_path"])
        site.add("/files/2021.pdf", b"%PDF-1.4\nrevised\n%%EOF\n", "application/pdf")
        third = crawl_portal(portal, conf)
        assert third.changed == 1 and third.new == 0
        assert old.is_file()
        latest = {d["url"]: d for d in current_documents(conf.catalog_dir, "faulty")}
        assert latest[pdf["url"]]["sha256"] != pdf["sha256"]
        assert latest[pdf["url"]]["change"] == "changed"
        records = [
            json.loads(line)
            for f in run_files(conf.catalog_dir, "faulty")
            for line in f.read_text().splitlines()
        ]
        assert sum(1 for r in records if r.get("url") == pdf["url"]) == 2
