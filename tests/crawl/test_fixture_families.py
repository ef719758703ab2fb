"""One saved page set per CMS family (tests/crawl/fixtures/<family>/), crawled from loopback.

Each set is a small portal of that family written after the field notes: its list pages, a
report article and the attachment the article links. The crawl must archive exactly the
expected documents, with the year the list title gives and the right agency kind, through the
family's own adapter.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from pipeline.crawl import crawl_portal, current_documents
from pipeline.portals import adapter_names
from tests.crawl.faultsite import Server, Site, conf_for, make_portal

FIXTURES = Path(__file__).parent / "fixtures"
FAMILIES = sorted(p.name for p in FIXTURES.iterdir() if (p / "site.yaml").is_file())
TEXT_TYPES = ("text/", "application/json")


def load(family: str) -> dict:
    return yaml.safe_load((FIXTURES / family / "site.yaml").read_text(encoding="utf-8"))


def serve(family: str, spec: dict, origin: str, site: Site) -> None:
    for path, route in spec["routes"].items():
        body = (FIXTURES / family / route["file"]).read_bytes()
        if route["type"].startswith(TEXT_TYPES):  # some families print absolute links
            body = body.replace(b"{origin}", origin.encode())
        site.add(path, body, route["type"])


def with_origin(value, origin: str):
    if isinstance(value, str):
        return value.replace("{origin}", origin)
    if isinstance(value, list):
        return [with_origin(v, origin) for v in value]
    if isinstance(value, dict):
        return {k: with_origin(v, origin) for k, v in value.items()}
    return value


def test_every_adapter_has_a_fixture_set():
    assert adapter_names() == FAMILIES


@pytest.mark.parametrize("family", FAMILIES)
def test_family_fixture_crawls_to_the_expected_documents(family, tmp_path):
    spec = load(family)
    site = Site()
    site.add("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    conf = conf_for(tmp_path)
    with Server(site) as server:
        origin = server.url("")
        serve(family, spec, origin, site)
        portal = make_portal(server.port, id=family, **with_origin(spec["portal"], origin))
        result = crawl_portal(portal, conf)
    assert result.errors == []
    documents = {
        (urlsplit(d["url"]).path + (f"?{q}" if (q := urlsplit(d["url"]).query) else "")): d
        for d in current_documents(conf.catalog_dir, family)
    }
    expected = {e["path"]: e for e in spec["expect"]}
    assert set(documents) == set(expected)
    for path, want in expected.items():
        got = documents[path]
        assert (got["role"], got["year"], got["agency_kind"]) == (
            want["role"],
            want["year"],
            want["agency_kind"],
        ), path
        assert got["division_code"] == portal.division_code
    attachments = [d for d in documents.values() if d["role"] == "attachment"]
    assert attachments and all(d["sniffed_type"] == "pdf" for d in attachments)
    for path, route in spec["routes"].items():
        if route.get("method"):
            assert {r.method for r in site.requests(path)} == {route["method"]}
