"""Crawl the bundled sample portals: exactly the expected reports and attachments, no decoy."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipeline.config import Settings, settings
from pipeline.crawl import crawl, current_documents
from pipeline.crawl.published import BEIJING
from pipeline.portals.registry import load_portals
from pipeline.samples.facts import load_facts
from pipeline.samples.serve import sample_portals, serving
from pipeline.samples.site import SITE_DIR, ensure_site, expected_reports


@pytest.fixture(scope="module")
def server():
    ensure_site()
    log: list = []
    with serving(SITE_DIR, 0, log=log) as srv:
        yield srv


def test_registry_matches_facts():
    facts = load_facts()
    portals = {p.id: p for p in load_portals(Settings().portals_file) if p.sample}
    assert set(portals) == {p["id"] for p in facts["portals"]}
    for spec in facts["portals"]:
        portal = portals[spec["id"]]
        assert (portal.division_code, portal.district_name, portal.city) == (
            spec["division_code"],
            spec["district"],
            spec["city"],
        )
        assert urlsplit(portal.start_urls[0]).hostname == spec["host"]
        assert set(spec["district_aliases"]) <= set(portal.district_aliases)


def test_sample_crawl_finds_exactly_the_reports(server, tmp_path):
    conf = replace(settings(), archive_dir=tmp_path / "archive")
    portals = sample_portals(server.port)
    summary = crawl(portals, conf, progress=False)
    assert not summary.errors, summary.errors
    expected = expected_reports()
    facts = load_facts()
    docs = current_documents(conf.catalog_dir)
    got = {(d["url"], d["role"]) for d in docs}
    want = set()
    for e in expected:
        want.add((e.url(e.article_path, server.port), "article"))
        if e.attachment_path:
            want.add((e.url(e.attachment_path, server.port), "attachment"))
    assert got == want
    by_url = {d["url"]: d for d in docs}
    for e in expected:
        doc = by_url[e.url(e.document_path, server.port)]
        assert doc["sniffed_type"] == e.sniffed_type
        assert (doc["year"], doc["agency_kind"]) == (e.year, e.agency_kind), doc["title"]
        article = by_url[e.url(e.article_path, server.port)]
        # sample or not per report: 乐都区 2021 carries the real published figures
        assert article["is_sample"] is facts["reports"][e.facts_index]["sample"], e.title
        # the publication date the pages print, and where the crawler found it
        assert article["published_source"] == e.published_source, e.title
        published = datetime.fromisoformat(article["published_at"]).astimezone(BEIJING)
        if e.published:
            assert published.date().isoformat() == e.published, e.title
        else:  # nothing printed: the server's Last-Modified
            assert published.year == e.year + 1
    assert not facts["reports"][
        next(e.facts_index for e in expected if (e.portal, e.year) == ("ledu", 2021))
    ]["sample"]
    assert {e.published_source for e in expected} == {
        "article_meta",
        "article_text",
        "list_page",
        "last_modified",
    }
    assert sum(e.agency_kind == "department" for e in expected) == 1
    titles = " ".join(d["title"] for d in docs)
    for decoy in load_facts()["decoys"]:
        assert decoy["title"] not in titles

    # nightly rerun, nothing changed: conditional requests only, nothing stored or recorded
    server.log.clear()
    again = crawl(portals, conf, progress=False)
    assert again.total("new") == again.total("changed") == again.total("bytes_stored") == 0
    assert all(p.run_file is None for p in again.portals)
    assert server.log and all(conditional for _, _, _, conditional in server.log)
    assert {address for address, *_ in server.log} == {f"127.0.0.{i}" for i in range(2, 8)}


def test_year_filter(server, tmp_path):
    conf = replace(settings(), archive_dir=tmp_path / "archive")
    crawl(sample_portals(server.port), conf, year=2021, progress=False)
    years = {d["year"] for d in current_documents(conf.catalog_dir)}
    assert years == {2021}


def test_an_unchanged_night_reads_no_archived_document(server, tmp_path, monkeypatch):
    """Nightly cost grows with what changed: a 304 for a document neither re-reads nor re-hashes
    its archived file (only pages whose links are followed are read back)."""
    conf = replace(settings(), archive_dir=tmp_path / "archive")
    portals = sample_portals(server.port)
    crawl(portals, conf, progress=False)
    docs = current_documents(conf.catalog_dir)
    attachments = {d["archive_path"] for d in docs if d["role"] == "attachment"}
    assert attachments
    read: list[Path] = []
    read_bytes = Path.read_bytes

    def spy(path: Path) -> bytes:
        read.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", spy)
    again = crawl(portals, conf, progress=False)
    assert again.total("unchanged") == len(docs) and again.total("new") == 0
    archive = conf.archive_dir
    touched = {p.relative_to(archive).as_posix() for p in read if p.is_relative_to(archive)}
    assert touched and not touched & attachments
