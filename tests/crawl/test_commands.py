"""``portals check`` and ``crawl`` from the command line, against a loopback portal."""

from __future__ import annotations

import yaml

from pipeline.cli import main
from tests.crawl.faultsite import Server, basic_site, portal_entry, send


def test_portals_check_prints_the_reports(tmp_path, capsys):
    with Server(basic_site()) as server:
        registry = tmp_path / "portals.yaml"
        registry.write_text(
            yaml.safe_dump({"portals": [portal_entry(server.port)]}, allow_unicode=True)
        )
        code = main(["portals", "check", "faulty", "--registry", str(registry), "--attachments"])
    out = capsys.readouterr().out
    assert code == 0
    assert "2 reports" in out and "乐都区2021年政府信息公开工作年度报告" in out
    assert "/files/2022.pdf" in out and "解读" not in out


def test_crawl_command_summary(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GONGKAI_ARCHIVE_DIR", str(tmp_path / "archive"))
    with Server(basic_site()) as server:
        registry = tmp_path / "portals.yaml"
        registry.write_text(
            yaml.safe_dump({"portals": [portal_entry(server.port)]}, allow_unicode=True)
        )
        assert main(["crawl", "--registry", str(registry), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "new 4, changed 0, unchanged 0" in out and "errors         0" in out
    assert main(["portals", "check", "nope", "--registry", str(registry)]) == 2


def test_portals_check_follows_the_crawlers_robots_rules(tmp_path, capsys):
    """robots.txt answering 503 disallows the host for the crawler, so for the check too."""
    site = basic_site()
    site.fault("/robots.txt", lambda h, s: send(h, 503, b"down"))
    with Server(site) as server:
        registry = tmp_path / "portals.yaml"
        registry.write_text(
            yaml.safe_dump({"portals": [portal_entry(server.port)]}, allow_unicode=True)
        )
        code = main(["portals", "check", "faulty", "--registry", str(registry)])
        asked = [r.path for r in site.log]
    captured = capsys.readouterr()
    assert code == 1
    assert "0 reports" in captured.out and "robots" in captured.err
    assert set(asked) == {"/robots.txt"}  # nothing else was asked, exactly as the crawler does
