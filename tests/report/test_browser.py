"""The report in a real browser: Debian's headless Chromium opens it from disk, offline.

Playwright drives /usr/bin/chromium (it never downloads a browser) with the network off: the
context is offline and every request that is not a file of the report is aborted and counted.
No console error, the Chinese labels in the DOM, and every chart's screenshot drawn.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import duckdb
import numpy as np
import pytest
from PIL import Image

from pipeline.report import load_marts, write_report

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A drawn chart: more than this share of its pixels is not background, in several colours.
MIN_INK_SHARE = 0.03
MIN_COLOURS = 4


def _chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} missing: make test installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} missing (make test installs it)")
    return CHROMIUM


def ink(png: bytes) -> tuple[float, int]:
    """Share of non-white pixels and the number of distinct colours among them."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    inked = pixels[pixels.min(axis=1) < 235]
    return len(inked) / len(pixels), len(np.unique(inked // 32, axis=0))


@pytest.fixture(scope="module")
def report_dir(sample_warehouse, tmp_path_factory):
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        marts = load_marts(con)
    finally:
        con.close()
    return write_report(marts, tmp_path_factory.mktemp("browser") / "report").directory


def test_report_in_headless_chromium_offline(report_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    problems: list[str] = []
    outside: list[str] = []

    def only_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh profile
            executable_path=str(executable),
            headless=True,
            args=FLAGS,
            offline=True,
            viewport={"width": 1100, "height": 900},
        )
        try:
            context.route("**/*", only_files)
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    problems.append(f"console {m.type}: {m.text}")
                    if m.type in ("error", "warning")
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))

            page.goto((report_dir / "index.html").as_uri())
            assert "区县比较" in page.title()
            page.get_by_role("link", name="海东市").click()
            page.wait_for_load_state("load")
            assert page.url.endswith("city-630200.html")

            labels = page.locator("svg text").all_text_contents()
            for name in ("乐都区", "平安区", "民和回族土族自治县", "循化撒拉族自治县"):
                assert any(name in label for label in labels), name
            assert any("示例" in label for label in labels)

            charts = page.locator("figure.chart")
            assert charts.count() == 7
            for number in range(charts.count()):
                chart = charts.nth(number)
                chart.scroll_into_view_if_needed()
                share, colours = ink(chart.screenshot())
                slug = chart.get_attribute("data-chart")
                assert share > MIN_INK_SHARE and colours >= MIN_COLOURS, (slug, share, colours)
        finally:
            context.close()
    assert problems == []
    assert outside == []
