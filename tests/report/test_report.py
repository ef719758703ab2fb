"""The comparison report from the sample marts: pages, labels, missing values, sample marks,
units and denominators; the marts' previews for the UI; the Dagster asset."""

from __future__ import annotations

import base64
import math
import re

import dagster as dg
import duckdb
import pytest

from assets.report import build_comparison_report
from assets.resources import GongkaiSettings, Warehouse
from pipeline.config import Settings
from pipeline.report import load_marts, write_report
from pipeline.report.charts import grant_rate_chart
from pipeline.report.page import svg_markup
from pipeline.report.preview import markdown_table, mart_preview
from tests.report.conftest import BLANKED, LEFT_OUT

CHARTS = (
    "grant-rate",
    "applications",
    "requester-mix",
    "outcome-mix",
    "ranking",
    "coverage",
    "quality",
)


@pytest.fixture(scope="module")
def marts(sample_warehouse):
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        return load_marts(con, list(range(2019, 2025)))
    finally:
        con.close()


@pytest.fixture(scope="module")
def report(marts, tmp_path_factory):
    return write_report(marts, tmp_path_factory.mktemp("out") / "report")


def test_pages_drawn_in_worker_processes_are_the_same(marts, report, tmp_path):
    """Two cities, two spawned workers: the same pages, byte for byte (the minute stamp aside)."""
    parallel = write_report(marts, tmp_path / "report", workers=2)
    assert parallel.charts == report.charts and list(parallel.pages) == list(report.pages)
    stamp = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")
    for city, page in report.pages.items():
        serial = stamp.sub("", page.read_text(encoding="utf-8"))
        assert stamp.sub("", parallel.pages[city].read_text(encoding="utf-8")) == serial


def _svg_texts(html: str, slug: str) -> list[str]:
    section = html.split(f'<section id="{slug}">', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<text[^>]*>([^<]*)</text>", section)


def test_one_page_per_city_and_an_index(report):
    assert sorted(report.pages) == ["海东市", "淮安市"]
    index = report.index.read_text(encoding="utf-8")
    for page in report.pages.values():
        assert page.is_file()
        assert f'href="{page.name}"' in index
    assert report.charts == 2 * len(CHARTS)


def test_pages_need_no_network_and_no_script(report):
    for path in [report.index, *report.pages.values()]:
        html = path.read_text(encoding="utf-8")
        assert "<script" not in html
        references = re.findall(r'(?:src|href)="([^"]*)"', html) + re.findall(
            r"url\(([^)]*)\)", html
        )
        external = [r for r in references if re.match(r"[a-z]+://", r)]
        assert external == [], path


def test_every_chart_is_svg_with_its_text_unit_and_denominator(report):
    html = report.pages["海东市"].read_text(encoding="utf-8")
    for slug in CHARTS:
        assert f'data-chart="{slug}"' in html
        texts = " ".join(_svg_texts(html, slug))
        assert "单位 unit" in texts and "分母 denominator" in texts, slug
        assert "乐都区" in texts, slug  # Chinese labels are <text>, not paths
    assert html.count("<svg ") == len(CHARTS)


def test_missing_is_drawn_as_missing_not_zero(report):
    html = report.pages["海东市"].read_text(encoding="utf-8")
    for code, year in LEFT_OUT:
        for prefix in ("no-report", "missing"):
            assert f'id="{prefix}-{code}-{year}"' in html, (prefix, code, year)
    mix = _svg_texts(html, "requester-mix")
    assert "无报告 no report" in mix and "n=—" in mix
    assert sum("缺失 missing" in t for t in _svg_texts(html, "coverage")) >= len(LEFT_OUT)


def test_a_blank_figure_is_a_gap_not_a_zero(sample_warehouse):
    """A report whose grant rate is NULL (a blank input cell) draws no point, and says blank."""
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        marts = load_marts(con).city("630200")
    finally:
        con.close()
    code, year = BLANKED
    frame = marts.district_year
    frame.loc[(frame["division_code"] == code) & (frame["year"] == year), "grant_rate"] = None
    chart = grant_rate_chart(marts)
    svg = svg_markup(chart)
    assert f'id="blank-{code}-{year}"' in svg
    [top] = [a for a in chart.figure.axes if a.get_ylabel()]
    markers = [line.get_xydata()[0] for line in top.get_lines() if len(line.get_xydata()) == 1]
    assert len([x for x, _ in markers if x == year]) == 5  # the blank one draws no point
    [series] = [line for line in top.get_lines() if line.get_label() == "互助土族自治县"]
    assert math.isnan(dict(series.get_xydata())[year])  # a gap in its line, not a zero


def test_sample_data_is_marked(report):
    html = report.pages["海东市"].read_text(encoding="utf-8")
    assert 'data-sample="true"' in html
    assert "sample data, except real figures of 乐都区 2021" in html
    labels = _svg_texts(html, "outcome-mix")
    assert "乐都区 2019 示例" in labels
    assert "乐都区 2021" in labels  # the real figures carry no sample mark
    other = report.pages["淮安市"].read_text(encoding="utf-8")
    assert 'data-sample="true"' not in other  # 洪泽区's report is real data


def test_rankings_say_their_sample_size(report):
    html = report.pages["海东市"].read_text(encoding="utf-8")
    ranking = " ".join(_svg_texts(html, "ranking"))
    assert "sample size" in ranking or "sample_size" in ranking
    assert re.search(r"\d/6", ranking)  # rank k of the city's 6 ranked districts


def test_mart_previews_carry_a_png_and_the_top_rows(sample_warehouse):
    con = duckdb.connect(str(sample_warehouse), read_only=True)
    try:
        marts = load_marts(con)
        preview = mart_preview(con, "district_year", marts)
    finally:
        con.close()
    [data] = re.findall(r"!\[district_year\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", preview)
    assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")
    assert "| division_code | district_name |" in preview
    assert "Top 8 rows" in preview


def test_markdown_table_writes_null_not_blank():
    import pandas as pd

    table = markdown_table(pd.DataFrame({"a": [1.5, None], "b": ["x|y", None]}))
    assert table.splitlines()[2:] == ["| 1.5 | x\\|y |", "| NULL | NULL |"]


def test_report_asset_materialises(sample_warehouse, tmp_path):
    conf = Settings(warehouse_path=sample_warehouse, report_dir=tmp_path / "report")
    asset = build_comparison_report([])
    result = dg.materialize(
        [asset],
        resources={"warehouse": Warehouse.of(conf), "gongkai": GongkaiSettings.of(conf)},
    )
    assert result.success
    [event] = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["charts"].value == 2 * len(CHARTS)
    assert (tmp_path / "report" / "index.html").is_file()
