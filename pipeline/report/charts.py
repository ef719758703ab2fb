"""The comparison charts, drawn from the marts with matplotlib.

Every chart states its unit and denominator in its own text, draws a missing value as missing
(a cross on the missing strip, a hatched cell or bar, never a zero), and marks sample data
(hollow points, ``示例`` beside a label, and a note naming which rows are sample).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator, PercentFormatter

from pipeline.report.frames import Marts
from pipeline.report.style import INK, MISSING_COLOUR, MISSING_HATCH, MUTED, colour, configure

SAMPLE = "示例"
MISSING_NOT_ZERO = "斜线/× = 缺失，不是零 (hatched or × = missing, not zero)"
RANKED_METRICS = {
    "grant_rate": ("公开率 grant rate", True),
    "applications_received": ("新收申请 applications received", False),
    "reconsiderations_corrected_share": ("复议纠错率 reconsiderations corrected", True),
}
COVERAGE_COLOURS = {
    "found": "#4daf4a",
    "failed": "#e41a1c",
    "unsupported": "#ff7f00",
}
COVERAGE_LABELS = {
    "found": "已获 found",
    "missing": "缺失 missing",
    "failed": "失败 failed",
    "unsupported": "无法读取 unsupported",
}


@dataclass(frozen=True)
class Chart:
    """One drawn chart and the words around it (also printed inside the figure)."""

    slug: str
    title: str
    unit: str
    denominator: str
    figure: Figure
    note: str = ""


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _value(frame: pd.DataFrame, code: str, year: int, column: str):
    """One cell of a (division_code, year)-indexed frame; None when absent or NULL."""
    if column not in frame.columns or (code, year) not in frame.index:
        return None
    value = frame.at[(code, year), column]
    return None if _missing(value) else value


def _found(marts: Marts) -> set[tuple[str, int]]:
    """District-years with a usable current report."""
    rows = marts.coverage[marts.coverage["coverage"] == "found"]
    return set(zip(rows["division_code"], rows["year"].astype(int), strict=True))


def sample_note(marts: Marts) -> str:
    """Which figures are synthetic sample data: all, none, or the exceptions named."""
    lookup = marts.is_sample()
    if lookup.empty or not lookup.any():
        return ""
    names = dict(
        zip(marts.districts["division_code"], marts.districts["district_name"], strict=True)
    )
    if lookup.all():
        return "全部为示例数据（合成） all figures are synthetic sample data"
    real = [f"{names.get(c, c)} {y}" for (c, y), s in lookup.items() if not s]
    sample = [f"{names.get(c, c)} {y}" for (c, y), s in lookup.items() if s]
    if len(real) <= len(sample):
        listed = "、".join(real[:8]) + (" …" if len(real) > 8 else "")
        return f"示例数据（合成）sample data, except real figures of {listed}"
    listed = "、".join(sample[:8]) + (" …" if len(sample) > 8 else "")
    return f"示例数据（合成）sample data: {listed}"


def _footer(figure: Figure, *lines: str) -> None:
    figure.supxlabel("\n".join(line for line in lines if line), x=0.01, ha="left", fontsize=7.5)


def _new_figure(width: float, height: float) -> Figure:
    configure()
    return Figure(figsize=(width, height), layout="constrained", dpi=100)


def _trend(
    marts: Marts,
    column: str,
    *,
    slug: str,
    title: str,
    unit: str,
    denominator: str,
    percent: bool,
) -> Chart:
    districts = list(marts.districts.itertuples(index=False))
    years = list(marts.years)
    frame = marts.district_year.set_index(["division_code", "year"])
    samples = marts.is_sample()
    found = _found(marts)
    scale = 100 if percent else 1
    series = {
        d.division_code: np.array(
            [
                np.nan if v is None else float(v) * scale
                for v in (_value(frame, d.division_code, year, column) for year in years)
            ]
        )
        for d in districts
    }
    gaps = any(np.isnan(values).any() for values in series.values())
    # The strip of missing values is drawn only when something is missing; else a line says so.
    figure = _new_figure(7.4, 3.4 + (0.2 * len(districts) if gaps else 0))
    if gaps:
        top, strip = figure.subplots(
            2, 1, sharex=True, height_ratios=[3.0, 0.5 + 0.2 * len(districts)]
        )
    else:
        top, strip = figure.subplots(), None
    for index, district in enumerate(districts):
        code, name, tint = district.division_code, district.district_name, colour(index)
        top.plot(years, series[code], color=tint, linewidth=1.6, label=name)
        for year, point in zip(years, series[code], strict=True):
            if np.isnan(point):
                no_report = (code, year) not in found
                strip.plot(
                    year,
                    index,
                    marker="x" if no_report else "_",
                    color=tint,
                    markersize=7,
                    mew=1.6,
                    gid=f"{'no-report' if no_report else 'blank'}-{code}-{year}",
                )
                continue
            sample = bool(samples.get((code, year), False))
            top.plot(
                year,
                point,
                marker="o",
                markersize=5,
                color=tint,
                markerfacecolor="white" if sample else tint,
                markeredgewidth=1.4,
            )
    top.set_title(title, loc="left")
    top.set_ylabel(unit)
    top.set_ylim(bottom=0, top=105 if percent else None)
    if percent:
        top.yaxis.set_major_formatter(PercentFormatter(100))
    else:
        top.yaxis.set_major_locator(MaxNLocator(integer=True))
    top.grid(axis="y", color="#e5e5e5")
    top.set_xticks(years, [str(y) for y in years])
    top.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    handles = [
        Line2D([], [], color=colour(i), marker="o", label=d.district_name)
        for i, d in enumerate(districts)
    ] + [
        Line2D(
            [], [], color=MUTED, marker="o", markerfacecolor="white", ls="", label="示例 sample"
        ),
        Line2D([], [], color=MUTED, marker="x", ls="", label="无报告 no report"),
        Line2D([], [], color=MUTED, marker="_", ls="", mew=1.6, label="报告无此值 blank"),
    ]
    top.legend(handles=handles, fontsize=7.5, ncols=2, loc="upper left", bbox_to_anchor=(1, 1))
    if strip is not None:
        strip.set_yticks(range(len(districts)), [d.district_name for d in districts], fontsize=7.5)
        strip.set_ylim(len(districts) - 0.5, -0.5)
        strip.set_title("缺失 missing values (no point above; not zero)", loc="left", fontsize=8)
        strip.tick_params(axis="y", length=0)
        strip.grid(axis="x", color="#eeeeee")
    missing = MISSING_NOT_ZERO if gaps else "缺失 missing: none, every district-year has a value"
    note = sample_note(marts)
    _footer(figure, f"单位 unit: {unit} · 分母 denominator: {denominator}", missing, note)
    return Chart(slug, title, unit, denominator, figure, note)


def grant_rate_chart(marts: Marts) -> Chart:
    return _trend(
        marts,
        "grant_rate",
        slug="grant-rate",
        title="公开率 Grant rate by district and year",
        unit="% of applications handled",
        denominator="（七）总计 applications handled that year (marts.district_year.total_handled)",
        percent=True,
    )


def applications_chart(marts: Marts) -> Chart:
    return _trend(
        marts,
        "applications_received",
        slug="applications",
        title="新收申请 Applications received by district and year",
        unit="applications (件)",
        denominator="none: a count of the year's new applications (本年新收, 总计 column)",
        percent=False,
    )


def _mix(
    marts: Marts,
    frame: pd.DataFrame,
    *,
    key: str,
    label: str,
    total: str,
    slug: str,
    title: str,
    denominator: str,
) -> Chart:
    districts = list(marts.districts.itertuples(index=False))
    samples = marts.is_sample()
    found = _found(marts)
    order = frame.drop_duplicates(key)[[key, label]] if not frame.empty else frame
    categories = list(zip(order[key], order[label], strict=True)) if not frame.empty else []
    shares = frame.set_index(["division_code", "year", key])["share"] if not frame.empty else None
    totals = (
        frame.drop_duplicates(["division_code", "year"]).set_index(["division_code", "year"])
        if not frame.empty
        else pd.DataFrame()
    )
    rows = [(d.division_code, d.district_name, y) for d in districts for y in marts.years]
    figure = _new_figure(7.4, 1.4 + 0.22 * len(rows))
    axes = figure.subplots()
    labels = []
    for position, (code, name, year) in enumerate(rows):
        sample = bool(samples.get((code, year), False))
        labels.append(f"{name} {year}" + (f" {SAMPLE}" if sample else ""))
        n = _value(totals, code, year, total) if not totals.empty else None
        known = {
            c: float(shares[(code, year, c)])
            for c, _ in categories
            if shares is not None
            and (code, year, c) in shares.index
            and not _missing(shares[(code, year, c)])
        }
        if (code, year) not in found or not known:
            axes.barh(
                position,
                1,
                color=MISSING_COLOUR,
                hatch=MISSING_HATCH,
                edgecolor="white",
                gid=f"{'no-report' if (code, year) not in found else 'blank'}-{code}-{year}",
            )
            axes.text(
                0.5,
                position,
                "无报告 no report" if (code, year) not in found else "无数据 blank, not computable",
                ha="center",
                va="center",
                fontsize=7,
                color=INK,
            )
        else:
            left = 0.0
            for index, (category, _) in enumerate(categories):
                share = known.get(category)
                if share is None:
                    continue
                axes.barh(position, share, left=left, color=colour(index), edgecolor="white")
                if share >= 0.08:
                    axes.text(
                        left + share / 2,
                        position,
                        f"{share:.0%}",
                        ha="center",
                        va="center",
                        fontsize=6.5,
                        color="white",
                    )
                left += share
            if len(known) < len(categories) and left < 1:
                axes.barh(
                    position,
                    1 - left,
                    left=left,
                    color=MISSING_COLOUR,
                    hatch=MISSING_HATCH,
                    edgecolor="white",
                    gid=f"blank-{code}-{year}",
                )
        axes.text(
            1.02,
            position,
            f"n={int(n)}" if n is not None else "n=—",
            va="center",
            fontsize=7,
            color=MUTED,
        )
    axes.set_yticks(range(len(rows)), labels, fontsize=7.5)
    axes.set_ylim(len(rows) - 0.5, -0.5)
    axes.set_xlim(0, 1.12)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    axes.xaxis.set_major_formatter(PercentFormatter(1))
    axes.set_xlabel(f"% of {denominator.split(':')[0]}")
    axes.set_title(title, loc="left")
    handles = [Patch(color=colour(i), label=text) for i, (_, text) in enumerate(categories)]
    handles.append(Patch(facecolor=MISSING_COLOUR, hatch=MISSING_HATCH, label="缺失 missing"))
    axes.legend(handles=handles, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    note = sample_note(marts)
    _footer(
        figure,
        f"单位 unit: % share · 分母 denominator: {denominator}; n = the denominator",
        MISSING_NOT_ZERO,
        note,
    )
    return Chart(slug, title, "% share", denominator, figure, note)


def requester_mix_chart(marts: Marts) -> Chart:
    return _mix(
        marts,
        marts.requester_mix,
        key="requester",
        label="requester_label",
        total="applications_received_total",
        slug="requester-mix",
        title="申请人构成 Who asks: requester mix per district-year",
        denominator="new applications: 本年新收 总计 column (applications_received_total)",
    )


def outcome_mix_chart(marts: Marts) -> Chart:
    return _mix(
        marts,
        marts.outcome_mix,
        key="outcome_group",
        label="group_label",
        total="total_handled",
        slug="outcome-mix",
        title="办理结果构成 How applications end: outcome mix per district-year",
        denominator="applications handled: （七）总计 of the 总计 column (total_handled)",
    )


def _grid(
    axes,
    districts: list,
    years: list[int],
    cell: Callable[[str, int], tuple[str | None, str, str]],
    title: str,
) -> None:
    """A district × year grid; ``cell`` gives (fill colour or None for missing, text, text
    colour) per district-year."""
    for row, district in enumerate(districts):
        for column, year in enumerate(years):
            fill, text, ink = cell(district.division_code, year)
            patch = _cell_patch(column, row, fill)
            if fill is None:
                patch.set_gid(f"missing-{district.division_code}-{year}")
            axes.add_patch(patch)
            axes.text(column, row, text, ha="center", va="center", fontsize=6.5, color=ink)
    axes.set_xlim(-0.5, len(years) - 0.5)
    axes.set_ylim(len(districts) - 0.5, -0.5)
    axes.set_xticks(range(len(years)), [str(y) for y in years])
    axes.set_yticks(range(len(districts)), [d.district_name for d in districts], fontsize=7.5)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
    axes.set_title(title, loc="left")


def _cell_patch(column: int, row: int, fill: str | None) -> Rectangle:
    return Rectangle(
        (column - 0.5, row - 0.5),
        1,
        1,
        facecolor=fill or MISSING_COLOUR,
        hatch=None if fill else MISSING_HATCH,
        edgecolor="white",
        linewidth=1.5,
    )


def _rank_cell(ranking: pd.DataFrame, percent: bool, sized: bool):
    shades = colormaps["YlGnBu"]

    def cell(code: str, year: int) -> tuple[str | None, str, str]:
        if (code, year) not in ranking.index:
            return None, "无值\nno value", INK
        row = ranking.loc[(code, year)]
        value, rank, ranked = row["value"], row["city_rank"], row["city_ranked"]
        size = row["sample_size"] if sized else None
        if not sized:
            size_text = "n=?"
        else:
            size_text = "n=—" if size is None or _missing(size) else f"n={int(size)}"
        if _missing(value):
            return None, "无值\nno value", INK
        shown = f"{float(value):.0%}" if percent else f"{float(value):,.0f}"
        if _missing(rank):
            return None, f"未排名 unranked\n{shown}\n{size_text}", INK
        depth = 1 - (float(rank) - 1) / max(float(ranked) - 1, 1)
        fill = shades(0.2 + 0.7 * depth)
        ink = "white" if depth > 0.55 else INK
        return to_hex(fill), f"{int(rank)}/{int(ranked)}\n{shown}\n{size_text}", ink

    return cell


def ranking_chart(marts: Marts) -> Chart:
    districts = list(marts.districts.itertuples(index=False))
    years = list(marts.years)
    ranking = marts.city_ranking
    sized = "sample_size" in ranking.columns
    metrics = [m for m in RANKED_METRICS if not ranking.empty and m in set(ranking["metric"])]
    metrics = metrics or list(RANKED_METRICS)[:1]
    height = 0.6 + len(metrics) * (0.75 + 0.42 * len(districts))
    figure = _new_figure(7.4, height)
    panels = figure.subplots(len(metrics), 1, squeeze=False)[:, 0]
    for axes, metric in zip(panels, metrics, strict=True):
        label, percent = RANKED_METRICS[metric]
        rows = ranking[ranking["metric"] == metric] if not ranking.empty else ranking
        rows = rows.drop_duplicates(["division_code", "year"]).set_index(["division_code", "year"])
        _grid(
            axes, districts, years, _rank_cell(rows, percent, sized), f"市内名次 city rank: {label}"
        )
    base = (
        "n = sample size, the base of the ranked value (marts.city_ranking.sample_size)"
        if sized
        else "n=? : this warehouse's city_ranking has no sample_size column yet"
    )
    denominator = "districts of the city ranked that year (k/m = rank k of m)"
    note = sample_note(marts)
    _footer(
        figure,
        f"单位 unit: rank, 1 = highest value · 分母 denominator: {denominator}",
        base + "; darker = better rank; 斜线 hatched = not ranked (no value, or base too small)",
        note,
    )
    return Chart(
        "ranking", "市内排名 City ranking with sample sizes", "rank", denominator, figure, note
    )


def coverage_chart(marts: Marts) -> Chart:
    districts = list(marts.districts.itertuples(index=False))
    years = list(marts.years)
    coverage = marts.coverage.set_index(["division_code", "year"])
    district_year = marts.district_year.set_index(["division_code", "year"])
    timed = "days_after_deadline" in district_year.columns

    def cell(code: str, year: int) -> tuple[str | None, str, str]:
        state = _value(coverage, code, year, "coverage") or "missing"
        text = COVERAGE_LABELS.get(state, state)
        if state == "found":
            if _value(coverage, code, year, "report_status") == "flagged":
                text += "\n有误 flagged"
            if timed:
                days = _value(district_year, code, year, "days_after_deadline")
                note = _value(district_year, code, year, "days_after_deadline_note") or ""
                if days is None:
                    known = "last-modified" in note.lower()
                    text += "\n仅 Last-Modified" if known else "\n日期未知 date?"
                elif days > 0:
                    text += f"\n迟 late +{int(days)}d"
                else:
                    text += "\n按时 on time"
        return COVERAGE_COLOURS.get(state), text, INK

    figure = _new_figure(7.4, 1.6 + 0.5 * len(districts))
    axes = figure.subplots()
    states = marts.coverage["coverage"].value_counts()
    late = 0
    if timed and not marts.district_year.empty:
        late = int((marts.district_year["days_after_deadline"] > 0).sum())
    expected = len(marts.coverage)
    title = (
        f"覆盖与及时性 Coverage and timeliness: {int(states.get('found', 0))}/{expected} found"
        + (f", {late} late" if timed else "")
    )
    _grid(axes, districts, years, cell, title)
    handles = [Patch(color=c, label=COVERAGE_LABELS[s]) for s, c in COVERAGE_COLOURS.items()]
    handles.append(Patch(facecolor=MISSING_COLOUR, hatch=MISSING_HATCH, label="缺失 missing"))
    axes.legend(handles=handles, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    denominator = f"expected district-years: registry districts × configured years ({expected})"
    deadline = (
        "late = first publication after the 第四十九条 deadline (31 March for county governments)"
        if timed
        else "timeliness: this warehouse has no days_after_deadline column yet"
    )
    note = sample_note(marts)
    _footer(figure, f"单位 unit: district-years · 分母 denominator: {denominator}", deadline, note)
    return Chart("coverage", title, "district-years", denominator, figure, note)


def quality_chart(marts: Marts) -> Chart:
    districts = list(marts.districts.itertuples(index=False))
    quality = marts.quality
    found = _found(marts)
    samples = marts.is_sample()
    rules = sorted(quality["rule"].dropna().unique().tolist()) if not quality.empty else []
    severity = (
        quality.drop_duplicates("rule").set_index("rule")["severity"].to_dict()
        if not quality.empty
        else {}
    )
    counts = (
        quality.groupby(["division_code", "rule"]).size()
        if not quality.empty
        else pd.Series(dtype=int)
    )
    figure = _new_figure(7.4, 1.5 + 0.34 * len(districts))
    axes = figure.subplots()
    widest = max([int(counts.groupby(level=0).sum().max())] if not counts.empty else [1])
    labels = []
    for position, district in enumerate(districts):
        code = district.division_code
        checked = sorted(y for c, y in found if c == code)
        sampled = checked and all(bool(samples.get((code, y), False)) for y in checked)
        labels.append(district.district_name + (f" {SAMPLE}" if sampled else ""))
        if not checked:
            axes.barh(
                position, widest, color=MISSING_COLOUR, hatch=MISSING_HATCH, edgecolor="white"
            )
            axes.text(
                widest / 2,
                position,
                "无报告可查 no report to check",
                ha="center",
                va="center",
                fontsize=7,
            )
            continue
        left = 0
        for index, rule in enumerate(rules):
            n = int(counts.get((code, rule), 0))
            if n:
                axes.barh(position, n, left=left, color=colour(index), edgecolor="white")
                left += n
        axes.text(
            left + widest * 0.02,
            position,
            f"{left} issue(s) in {len(checked)} report(s)",
            va="center",
            fontsize=7,
            color=MUTED,
        )
    axes.set_yticks(range(len(districts)), labels, fontsize=7.5)
    axes.set_ylim(len(districts) - 0.5, -0.5)
    axes.set_xlim(0, widest * 1.6)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlabel("issues (rows of marts.quality)")
    axes.set_title("数据质量 Quality findings per district", loc="left")
    handles = [
        Patch(color=colour(i), label=f"{rule} ({severity.get(rule, '')})")
        for i, rule in enumerate(rules)
    ]
    handles.append(Patch(facecolor=MISSING_COLOUR, hatch=MISSING_HATCH, label="无报告 no report"))
    axes.legend(handles=handles, fontsize=7.5, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    denominator = "usable reports of the district checked (all configured years)"
    note = sample_note(marts)
    _footer(
        figure,
        f"单位 unit: issues · 分母 denominator: {denominator}",
        "errors are the source's arithmetic, flagged and never corrected; "
        "0 = checked and clean, hatched = nothing to check",
        note,
    )
    return Chart(
        "quality", "数据质量 Quality findings per district", "issues", denominator, figure, note
    )


CITY_CHARTS = (
    grant_rate_chart,
    applications_chart,
    requester_mix_chart,
    outcome_mix_chart,
    ranking_chart,
    coverage_chart,
    quality_chart,
)


def city_charts(marts: Marts) -> list[Chart]:
    """The charts of one city's page, in reading order."""
    return [draw(marts) for draw in CITY_CHARTS]
