"""Static HTML pages: inline SVG charts, inline CSS, no script and no network.

A page opened from disk (``file://``) needs nothing else: every chart is an ``<svg>`` element
whose labels are ``<text>``, so the Chinese names are in the DOM and render with the system's
CJK font.
"""

from __future__ import annotations

import io
import re
from html import escape

from pipeline.report.charts import Chart
from pipeline.report.style import CSS_FONT_STACK

CSS = f"""
body {{ font-family: {CSS_FONT_STACK}; color: #222; margin: 1.5rem auto; max-width: 62rem;
       padding: 0 1rem; line-height: 1.45; }}
h1 {{ font-size: 1.5rem; margin-bottom: .2rem; }}
h2 {{ font-size: 1.1rem; margin: 2rem 0 .3rem; }}
.sample {{ background: #fff4d6; border: 1px solid #e0b84c; padding: .5rem .8rem; }}
.meta {{ color: #555; font-size: .85rem; margin: .2rem 0 .5rem; }}
figure.chart {{ margin: 0 0 1.5rem; border: 1px solid #e3e3e3; padding: .5rem; }}
figure.chart svg {{ width: 100%; height: auto; display: block; }}
svg text {{ font-family: {CSS_FONT_STACK} !important; }}
table {{ border-collapse: collapse; font-size: .9rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
nav a {{ margin-right: 1rem; }}
footer {{ color: #777; font-size: .8rem; margin-top: 2rem; }}
"""
_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)


def svg_markup(chart: Chart) -> str:
    """The chart as an inline ``<svg>`` element (no XML prolog, no fixed pixel size)."""
    buffer = io.StringIO()
    chart.figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _PROLOG.sub("", buffer.getvalue(), count=1)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(chart.title)}" ', 1)


def _document(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # No favicon request: the page opens from disk with the network off.
        '<link rel="icon" href="data:,">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _sample_banner(note: str) -> str:
    return f'<p class="sample" data-sample="true">{escape(note)}</p>' if note else ""


def city_page(
    city: str, province: str, charts: list[Chart], sample_note: str, generated: str
) -> str:
    sections = []
    for chart in charts:
        sections.append(
            f'<section id="{chart.slug}">\n<h2>{escape(chart.title)}</h2>\n'
            f'<p class="meta">单位 unit: {escape(chart.unit)} · 分母 denominator: '
            f"{escape(chart.denominator)}</p>\n"
            f'<figure class="chart" data-chart="{chart.slug}">\n{svg_markup(chart)}\n</figure>\n'
            "</section>"
        )
    toc = " ".join(f'<a href="#{c.slug}">{escape(c.title.split(" ")[0])}</a>' for c in charts)
    body = (
        f'<p><a href="index.html">← 全部城市 all cities</a></p>\n'
        f"<h1>{escape(city)} {escape(province)}：政府信息公开年度报告比较</h1>\n"
        f"{_sample_banner(sample_note)}\n<nav>{toc}</nav>\n" + "\n".join(sections) + "\n"
        f"<footer>Gongkai comparison report, built {escape(generated)} from the warehouse's "
        "marts (marts.district_year, requester_mix, outcome_mix, city_ranking, coverage, "
        "quality). Missing values are drawn as missing, never as zero.</footer>"
    )
    return _document(f"{city} · Gongkai", body)


def index_page(cities: list[dict], sample_note: str, generated: str, years: tuple) -> str:
    rows = "\n".join(
        f'<tr><td><a href="{escape(c["file"])}">{escape(c["city"])}</a></td>'
        f"<td>{escape(c['province'])}</td><td class=n>{c['districts']}</td>"
        f"<td class=n>{c['found']}/{c['expected']}</td><td class=n>{c['flagged']}</td>"
        f"<td class=n>{c['issues']}</td></tr>"
        for c in cities
    )
    span = f"{years[0]}–{years[-1]}" if years else "no years"
    body = (
        "<h1>政府信息公开工作年度报告：区县比较 District comparisons</h1>\n"
        f"{_sample_banner(sample_note)}\n"
        f'<p class="meta">One page per city, report years {span}. Found = district-years with a '
        "usable report of the expected ones (registry districts × years); flagged = reports "
        "whose own arithmetic does not add up; issues = rows of marts.quality.</p>\n"
        "<table>\n<thead><tr><th>城市 city</th><th>省 province</th><th>区县 districts</th>"
        "<th>已获 found</th><th>有误 flagged</th><th>问题 issues</th></tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>\n"
        f"<footer>Gongkai comparison report, built {escape(generated)}.</footer>"
    )
    return _document("Gongkai · 区县比较", body)
