"""The registry is validated on load, with errors that name the entry and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings
from pipeline.portals.registry import RegistryError, load_portals, parse_registry

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
