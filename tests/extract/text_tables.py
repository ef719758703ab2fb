"""Text copies of a contract-format report whose tables are printed as rows, the way
PDF-to-text converters print them: Markdown pipe tables, tab-separated or space-aligned lines,
under a generic header row (``数据1 … 数据N``), merged cells as empty slots."""

from __future__ import annotations

from pipeline.extract.grid import GridBuilder
from pipeline.samples.render_pdf import report_tables


def _slots(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Expand spans: a merged cell's text in its first slot, ``None`` in the slots it covers."""
    builder = GridBuilder(0)
    for row in rows:
        builder.add_row(row)
    seen: set[int] = set()
    out = []
    for row in builder.grid():
        texts: list[str | None] = []
        for cell in row:
            texts.append(None if cell.source in seen else cell.text)
            seen.add(cell.source)
        out.append(texts)
    return out


def _line(cells: list[str | None], style: str, widths: list[int]) -> str:
    if style == "pipe":
        return "| " + " | ".join(c or "" for c in cells) + " |"
    if style == "tab":
        return "\t".join(c or "" for c in cells)
    # aligned: columns padded to their width, two spaces apart; a blank cell prints "-", the
    # slots a merged cell covers print nothing
    padded = [("-" if c == "" else c or "").ljust(w) for c, w in zip(cells, widths, strict=True)]
    return "  ".join(padded).rstrip()


def _table(rows: list[list[str | None]], style: str, header: str | None) -> list[str]:
    width = max(len(r) for r in rows)
    rows = [r + [None] * (width - len(r)) for r in rows]
    if header == "generic":
        rows = [[f"数据{i + 1}" for i in range(width)], *rows]
    widths = [max(len(r[i] or "") for r in rows) + 1 for i in range(width)]
    lines = [_line(r, style, widths) for r in rows]
    if style == "pipe":
        lines.insert(1, "| " + " | ".join("---" for _ in range(width)) + " |")
    return lines


def render_text_tables(
    report: dict,
    *,
    style: str = "pipe",
    header: str | None = "generic",
    one_table_two: bool = False,
    measure_headers: bool = True,
) -> str:
    """The report as converted text: title, headings, and each table in ``style``.

    ``one_table_two`` prints table 二's sub-tables as one table padded to the widest row (a
    converter that sees one ruled table); otherwise one table per 第二十条 clause.
    ``style="aligned"`` prints blank cells as ``-`` (spacing alone cannot place them).
    ``measure_headers=False`` drops table 二's ``信息内容`` rows, which name the columns.
    """
    meta = report.get("report") or {}
    out = [
        f"{meta.get('agency') or ''}{meta.get('year')}年政府信息公开工作年度报告",
        "",
        "一、总体情况",
        "",
        f"{meta.get('year')}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》。",
        "",
    ]
    for heading, tables in report_tables(report):
        out += [heading, ""]
        if one_table_two and len(tables) > 1:
            tables = [[row for t in tables for row in t]]
        for rows in tables:
            if not measure_headers:
                rows = [r for r in rows if r[0][0] != "信息内容"]
            slots = _slots(rows)
            out += [*_table(slots, style, header), ""]
    out += ["五、存在的主要问题及改进情况", "", "无。"]
    return "\n".join(out) + "\n"
