"""Mart previews for the Dagster UI: a small PNG chart as a data URI and the top rows.

The UI renders Markdown metadata and allows ``data:`` image sources, so an operator sees what a
rerun changed on the materialisation itself. The chart is the report's own chart of the mart,
for one city (the one with the most districts) and the last years, drawn small.
"""

from __future__ import annotations

import base64
import io

import duckdb
import pandas as pd

from pipeline.report.charts import (
    coverage_chart,
    grant_rate_chart,
    outcome_mix_chart,
    quality_chart,
    ranking_chart,
    requester_mix_chart,
)
from pipeline.report.frames import Marts, city_code

TOP_ROWS = 8
TOP_COLUMNS = 10
PREVIEW_DPI = 72
# Mart → (chart, how many of the last years it shows: the mix charts grow a bar per year).
PREVIEW_CHARTS = {
    "district_year": (grant_rate_chart, None),
    "requester_mix": (requester_mix_chart, 1),
    "outcome_mix": (outcome_mix_chart, 1),
    "city_ranking": (ranking_chart, 3),
    "coverage": (coverage_chart, None),
    "timeliness": (coverage_chart, None),
    "quality": (quality_chart, None),
}


def markdown_table(frame: pd.DataFrame, columns: int = TOP_COLUMNS) -> str:
    """A Markdown table of ``frame``; NULL is written NULL, never blank or 0."""
    shown = list(frame.columns[:columns])

    def text(value) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return "NULL"
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    lines += [
        "| " + " | ".join(text(row[c]) for c in shown) + " |" for _, row in frame[shown].iterrows()
    ]
    if len(frame.columns) > columns:
        lines.append(f"\n{columns} of {len(frame.columns)} columns; all in the Columns tab.")
    return "\n".join(lines)


def png_data_uri(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=PREVIEW_DPI)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def preview_city(marts: Marts) -> str | None:
    """The city code with the most expected districts (ties: the lowest code)."""
    districts = marts.districts
    if districts.empty:
        return None
    counts = districts["division_code"].map(city_code).value_counts()
    return sorted(counts[counts == counts.max()].index)[0]


def mart_preview(con: duckdb.DuckDBPyConnection, name: str, marts: Marts | None) -> str:
    """Markdown: the mart's chart (when the report draws one) and its top rows."""
    parts = []
    draw, last = PREVIEW_CHARTS.get(name, (None, None))
    code = preview_city(marts) if marts is not None else None
    if draw is not None and marts is not None and code is not None:
        city = marts.city(code)
        if last:
            city = city.last_years(last)
        chart = draw(city)
        place = city.districts["city"].iloc[0] or code
        years = f"{city.years[0]}–{city.years[-1]}" if city.years else ""
        parts.append(f"**{chart.title}** ({place}, {years}; the report has every city)\n")
        parts.append(f"![{name}]({png_data_uri(chart.figure)})\n")
    top = con.execute(f"SELECT * FROM marts.{name} ORDER BY ALL LIMIT {TOP_ROWS}").df()
    parts.append(f"**Top {len(top)} rows** of marts.{name}\n")
    parts.append(markdown_table(top))
    return "\n".join(parts)
