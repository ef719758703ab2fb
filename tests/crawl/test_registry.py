"""The registry is validated on load, with errors that name the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.portals.registry import (
    RegistryError,
    load_portals,
    move_entry_to_port,
    parse_registry,
)

GOOD = {
    "id": "x",
    "district": "乐都区",
    "division_code": "630202",
    "city": "海东市",
    "province": "青海省",
    "start_urls": ["https://www.ledu.gov.cn/xxgk/ndbg/index.html"],
}


def parse(**changes):
    entry = {**GOOD, **changes}
    entry = {k: v for k, v in entry.items() if v is not None}
    return parse_registry({"portals": [entry]})


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"division_code": "63020"}, "division_code"),
        ({"district": None}, "district"),
        ({"start_urls": ["ftp://example.org/"]}, "start_urls"),
        ({"adapter": "drupal"}, "adapter"),
        ({"politeness": {"delay": -1}}, "politeness.delay"),
        ({"politeness": {"speed": 3}}, "politeness.speed"),
        ({"link_rule": {"include": ["("]}}, "link_rule.include"),
        ({"allowed_hosts": ["other.gov.cn"]}, "allowed_hosts"),
        ({"pagination": {"style": "query"}}, "pagination.param"),
        ({"adapter": "json_list"}, "pagination.style"),
        ({"adapter": "spa", "pagination": {"style": "json"}}, "options.article_api"),
        ({"max_pages": 0}, "max_pages"),
        ({"id": "Has Space"}, "id"),
    ],
)
def test_errors_name_entry_and_field(changes, field):
    with pytest.raises(RegistryError) as err:
        parse(**changes)
    assert f"field {field!r}" in str(err.value)
    assert "portal" in str(err.value)


def test_defaults_and_duplicates():
    portal = parse()[0]
    assert portal.adapter == "trs" and portal.allowed_hosts == ("www.ledu.gov.cn",)
    assert portal.host_allowed("https://www.ledu.gov.cn:443/a.pdf")
    assert not portal.host_allowed("https://evil.example/a.pdf")
    assert portal.politeness.delay == 1.0 and not portal.allow_private
    assert portal.link_rule.matches("乐都区2021年政府信息公开工作年度报告")
    assert portal.link_rule.matches("2023年度政府信息公开工作年报")
    assert not portal.link_rule.matches("《乐都区2021年政府信息公开工作年度报告》的解读")
    assert not portal.link_rule.matches("乐都区2021年法治政府建设年度报告")
    with pytest.raises(RegistryError, match="more than one"):
        parse_registry({"portals": [GOOD, GOOD]})


def test_shipped_registries_load():
    assert {p.id for p in load_portals(Settings().portals_file)} >= {
        "ledu",
        "pingan",
        "minhe",
        "huzhu",
        "hualong",
        "xunhua",
    }
    example = load_portals(Path(__file__).resolve().parents[2] / "data" / "portals.example.yaml")
    assert example and all(not p.verified and not p.sample and not p.allow_private for p in example)


def test_allowed_hosts_match_the_port():
    """A bare host means its default ports only; other ports must be listed as host:port."""
    portal = parse(allowed_hosts=["www.ledu.gov.cn", "127.0.0.2:8765"])[0]
    assert portal.host_allowed("http://www.ledu.gov.cn/a.pdf")
    assert portal.host_allowed("https://www.ledu.gov.cn/a.pdf")
    assert not portal.host_allowed("http://www.ledu.gov.cn:8080/a.pdf")
    assert portal.host_allowed("http://127.0.0.2:8765/a.pdf")
    assert not portal.host_allowed("http://127.0.0.2/a.pdf")
    assert not portal.host_allowed("http://127.0.0.2:6379/")
    moved = portal.with_port(9999)
    assert moved.host_allowed("http://www.ledu.gov.cn:9999/xxgk/")  # the start URL's host
    assert not moved.host_allowed("http://www.ledu.gov.cn:8080/")
    defaulted = parse(start_urls=["http://127.0.0.9:8765/x/index.html"])[0]
    assert defaulted.allowed_hosts == ("127.0.0.9:8765",)
    with pytest.raises(RegistryError, match="port must be a number"):
        parse(allowed_hosts=["www.ledu.gov.cn:http"])


def test_sample_registry_names_its_ports():
    for portal in load_portals(Settings().portals_file):
        if portal.sample:
            assert all(":" in host for host in portal.allowed_hosts)
            assert not portal.host_allowed(portal.start_urls[0].replace(":8765", ":8766"))


def test_an_entry_moves_to_another_port_with_its_allowed_hosts():
    entry = {**GOOD, "start_urls": ["http://127.0.0.2:8765/x/index.html"]}
    entry["allowed_hosts"] = ["127.0.0.2:8765", "cdn.example"]
    moved = move_entry_to_port(entry, 9000)
    assert moved["start_urls"] == ["http://127.0.0.2:9000/x/index.html"]
    assert moved["allowed_hosts"] == ["127.0.0.2:9000", "cdn.example"]
    assert parse_registry({"portals": [moved]})[0].host_allowed("http://127.0.0.2:9000/a.pdf")
