"""Render a contract report back into the documents portals publish: HTML pages and text.

The fixture renderer behind the bundled sample portals, the property-based tests and the
benchmarks: one facts dict in, a document out whose extraction must give the same facts back.
``quirks`` switch on the layout habits of real portals, one at a time or together.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from pipeline import contract

QUIRKS = frozenset(
    {
        "gbk_no_charset",  # GBK bytes, no <meta charset>
        "gbk_wrong_charset",  # GBK bytes under a <meta charset="utf-8"> that lies
        "word_markup",  # Word-exported MsoNormal paragraphs, spans, <br> and &nbsp; in cells
        "nested_layout",  # the article sits inside layout tables, with a navigation table
        "split_table",  # table 三 split over two <table> elements inside a group
        "single_ad_table",  # all 第二十条 sub-tables in one <table>
        "misaligned_header",  # table 三 header colspans that do not line up with the data rows
        "renumbered",  # tables headed 一/二/三 after extra narrative sections
        "label_noise",  # 1、 numbering, spaces and breaks inside labels, a known typo
        "fullwidth_digits",  # values printed with full-width digits
    }
)
FULLWIDTH = str.maketrans("0123456789.-", "０１２３４５６７８９．－")
SAMPLE_NOTE = "示例数据（合成）：本页为 Gongkai 示例门户生成的合成数据，不是真实政府报告。"


def report_title(report: dict) -> str:
    meta = report.get("report") or {}
    return (
        meta.get("title")
        or f"{meta.get('agency') or ''}{meta.get('year')}年政府信息公开工作年度报告"
    )


class _Table:
    """Rows of (text, rowspan, colspan) cells, rendered as one HTML table."""

    def __init__(self) -> None:
        self.rows: list[list[tuple[str, int, int]]] = []

    def row(self, *cells: tuple[str, int, int] | str) -> None:
        self.rows.append([c if isinstance(c, tuple) else (c, 1, 1) for c in cells])


class _Renderer:
    def __init__(self, report: dict, quirks: frozenset[str]) -> None:
        unknown = quirks - QUIRKS
        if unknown:
            raise ValueError(f"unknown quirks: {sorted(unknown)}")
        self.report = report
        self.quirks = quirks

    # -- cell text -----------------------------------------------------------------------
    def label(self, text: str) -> str:
        if "label_noise" in self.quirks:
            text = text.replace("2.其他法律行政法规禁止公开", "2.其他法律行政止公开")
            if len(text) > 2 and text[0].isdigit() and text[1] == ".":
                text = text[0] + "、" + text[2:]
            if len(text) >= 6:
                text = text[:3] + "\n" + text[3:]
        return text

    def raw(self, entry: dict | None) -> str:
        if entry is None:
            return ""
        raw = entry.get("raw")
        if raw is None:
            raw = "" if entry.get("value") is None else str(entry["value"])
        if "fullwidth_digits" in self.quirks:
            raw = raw.translate(FULLWIDTH)
        return raw

    def cell_html(self, text: str, tag: str = "td", rowspan: int = 1, colspan: int = 1) -> str:
        attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
            f' colspan="{colspan}"' if colspan > 1 else ""
        )
        body = html.escape(text).replace("\n", "<br>")
        if "word_markup" in self.quirks:
            body = (
                '<p class="MsoNormal" align="center" style="text-align:center">'
                '<span style="font-size:10.5pt;font-family:仿宋_GB2312">'
                f'<font face="方正仿宋_GBK">{body or "&nbsp;"}</font></span></p>'
            )
        return f"<{tag}{attrs}>{body}</{tag}>"

    def table_html(self, table: _Table) -> str:
        rows = "".join(
            "<tr>" + "".join(self.cell_html(t, "td", r, c) for t, r, c in row) + "</tr>"
            for row in table.rows
        )
        cls = (
            ' class="MsoNormalTable" border="1" cellspacing="0"'
            if "word_markup" in self.quirks
            else ' border="1"'
        )
        return f"<table{cls}><tbody>{rows}</tbody></table>"

    # -- table 二 ---------------------------------------------------------------------------
    def ad_tables(self) -> list[_Table]:
        entries = {(e["item"], e["measure"]): e for e in self.report.get("active_disclosure") or []}
        tables = []
        for clause, (items, m2019, m2021) in contract.AD_CLAUSES.items():
            present = [i for i in items if any(k[0] == i for k in entries)]
            if not present:
                continue
            measures = next(
                (
                    ms
                    for ms in sorted((m2021, m2019), key=len, reverse=True)
                    if ms and all((present[0], m) in entries for m in ms)
                ),
                tuple(m for m in (*m2019, *m2021) if (present[0], m) in entries),
            )
            table = _Table()
            width = max(len(measures), 3) + 1
            table.row((f"第二十条第（{clause}）项", 1, width))
            spans = self._spread(len(measures), width - 1)
            table.row(
                "信息内容",
                *[
                    (self.label(self._measure_label(m)), 1, s)
                    for m, s in zip(measures, spans, strict=True)
                ],
            )
            for item in present:
                label = (
                    "行政规范性文件"
                    if item == "normative_documents" and measures == m2021
                    else contract.AD_ITEMS[item]
                )
                table.row(
                    self.label(label),
                    *[
                        (self.raw(entries.get((item, m))), 1, s)
                        for m, s in zip(measures, spans, strict=True)
                    ],
                )
            tables.append(table)
        return tables

    @staticmethod
    def _spread(n: int, width: int) -> list[int]:
        spans = [1] * n
        spans[-1] += width - n
        return spans

    @staticmethod
    def _measure_label(measure: str) -> str:
        if measure == "decisions":
            return "本年处理决定数量"
        if measure == "amount_wan_yuan":
            return "本年收费金额（单位：万元）"
        return contract.AD_MEASURES[measure]

    # -- table 三 ---------------------------------------------------------------------------
    def applications_rows(self) -> list[tuple[list[tuple[str, int, int]], str | None]]:
        """Label cells and outcome code of each row, with the rowspans of the template."""
        entries = self.report.get("applications") or []
        outcomes = {e["outcome"] for e in entries}
        split = bool(outcomes & set(contract.SPLIT_OTHER))
        rows: list[tuple[list[tuple[str, int, int]], str | None]] = []
        handled = [
            o
            for o in contract.OUTCOMES
            if o not in ("new_received", "carried_over", "carried_forward")
        ]
        handled = [
            o
            for o in handled
            if (o in contract.SPLIT_OTHER) == split
            or (o not in contract.SPLIT_OTHER and o != "other_handling")
        ]
        if not split:
            handled.insert(handled.index("total_handled"), "other_handling")
        rows.append(([(self.label(contract.OUTCOMES["new_received"]), 1, 3)], "new_received"))
        rows.append(([(self.label(contract.OUTCOMES["carried_over"]), 1, 3)], "carried_over"))
        first = True
        group_seen: set[str] = set()
        for outcome in handled:
            cells: list[tuple[str, int, int]] = []
            if first:
                cells.append(("三、本年度办理结果", len(handled), 1))
                first = False
            group = next(
                (
                    g
                    for g, members in contract.OUTCOME_GROUPS.items()
                    if outcome in members
                    and g in contract.OUTCOME_GROUP_LABELS
                    and (g != "other" or split)
                ),
                None,
            )
            if group:
                if group not in group_seen:
                    group_seen.add(group)
                    size = sum(1 for o in handled if o in contract.OUTCOME_GROUPS[group])
                    cells.append((self.label(contract.OUTCOME_GROUP_LABELS[group]), size, 1))
                cells.append((self.label(contract.OUTCOMES[outcome]), 1, 1))
            else:
                cells.append((self.label(contract.OUTCOMES[outcome]), 1, 2))
            rows.append((cells, outcome))
        rows.append(([(self.label(contract.OUTCOMES["carried_forward"]), 1, 3)], "carried_forward"))
        return rows

    def applications_tables(self) -> list[_Table]:
        cells = {(e["outcome"], e["requester"]): e for e in self.report.get("applications") or []}
        if not cells:
            return []
        misaligned = "misaligned_header" in self.quirks
        head = _Table()
        note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        head.row((note, 3, 3), ("申请人情况", 1, 8 if misaligned else 7))
        if misaligned:
            head.row(("自然人", 1, 2), ("法人或其他组织", 1, 5), ("总计", 2, 1))
            head.row("", ("商业企业", 1, 2), "科研机构", "社会公益组织", "法律服务机构", "其他")
        else:
            head.row(("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1))
            head.row("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
        tables = [head]
        current = head
        rows = self.applications_rows()
        split_at = len(rows) // 2 if "split_table" in self.quirks else None
        for i, (labels, outcome) in enumerate(rows):
            if i == split_at:
                current = _Table()
                tables.append(current)
                # the continuation repeats no rowspan: the group label starts again
                labels = [(t, 1, c) if r > 1 else (t, r, c) for t, r, c in labels]
            values = []
            for requester in contract.REQUESTERS:
                span = 2 if misaligned and requester == "commercial_enterprise" else 1
                values.append((self.raw(cells.get((outcome, requester))), 1, span))
            current.row(*labels, *values)
        if split_at is not None:
            self._fix_split_rowspans(tables)
        return tables

    @staticmethod
    def _fix_split_rowspans(tables: list[_Table]) -> None:
        """Clip rowspans at the table boundary and repeat the labels they covered."""
        first, second = tables[-2], tables[-1]
        header_rows = 3 if first is tables[0] else 0
        body = first.rows[header_rows:]
        n = len(body)
        carry: list[tuple[int, tuple[str, int, int]]] = []
        for i, row in enumerate(body):
            for j, (text, rowspan, colspan) in enumerate(row):
                if i + rowspan > n:
                    row[j] = (text, n - i, colspan)
                    carry.append((j, (text, i + rowspan - n, colspan)))
        for position, cell in carry:
            second.rows[0].insert(min(position, len(second.rows[0])), cell)

    # -- table 四 ---------------------------------------------------------------------------
    def appeals_table(self) -> _Table | None:
        cells = {(e["proceeding"], e["result"]): e for e in self.report.get("appeals") or []}
        if not cells:
            return None
        table = _Table()
        results = list(contract.RESULTS.values())
        table.row(("行政复议", 1, 5), ("行政诉讼", 1, 10))
        table.row(*[(r, 2, 1) for r in results], ("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5))
        table.row(*results, *results)
        table.row(
            *[self.raw(cells.get((p, r))) for p in contract.PROCEEDINGS for r in contract.RESULTS]
        )
        return table

    # -- page ---------------------------------------------------------------------------------
    def sections(self) -> Iterable[tuple[str, str, list[_Table]]]:
        """(heading, paragraph, tables) in report order."""
        meta = self.report.get("report") or {}
        year, agency = meta.get("year"), meta.get("agency") or "本机关"
        extra = ["工作机制", "平台建设"] if "renumbered" in self.quirks else []
        numbers = "一二三四五六七八九十"
        k = 0

        def heading(text: str) -> str:
            nonlocal k
            k += 1
            return f"{numbers[k - 1]}、{text}"

        yield (
            heading("总体情况"),
            f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
            f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "持续推进行政许可、行政处罚等信息公开工作。",
            [],
        )
        for title in extra:
            yield heading(title), "围绕重点领域持续做好政务公开工作。", []
        ad = self.ad_tables()
        if ad:
            if "single_ad_table" in self.quirks:
                merged = _Table()
                width = max(sum(c for _, _, c in t.rows[1]) for t in ad)
                for t in ad:
                    for row in t.rows:
                        total = sum(c for _, _, c in row)
                        text, r, c = row[-1]
                        merged.rows.append([*row[:-1], (text, r, c + width - total)])
                ad = [merged]
            yield heading("主动公开政府信息情况"), "", ad
        apps = self.applications_tables()
        if apps:
            yield heading("收到和处理政府信息公开申请情况"), "", apps
        appeals = self.appeals_table()
        if appeals:
            yield heading("政府信息公开行政复议、行政诉讼情况"), "", [appeals]
        yield (
            heading("存在的主要问题及改进情况"),
            "工作中仍存在公开内容不够全面等问题，下一步将持续改进。",
            [],
        )
        yield heading("其他需要报告的事项"), "无。", []

    def page(self, padding_paragraphs: int) -> str:
        title = report_title(self.report)
        parts = []
        if self.report.get("sample"):
            parts.append(f'<p class="sample-note">{SAMPLE_NOTE}</p>')
        for head, paragraph, tables in self.sections():
            parts.append(f"<h3>{html.escape(head)}</h3>")
            if paragraph:
                parts.append(self.paragraph(paragraph))
            for _ in range(padding_paragraphs if head.endswith("总体情况") else 0):
                parts.append(
                    self.paragraph(
                        "坚持以公开为常态、不公开为例外，围绕群众关切加大信息公开力度，"
                        "完善政府信息公开平台建设，规范依申请公开办理流程，提升公开质量和实效。"
                    )
                )
            parts.extend(self.table_html(t) for t in tables)
        article = f'<div class="TRS_Editor"><h1>{html.escape(title)}</h1>{"".join(parts)}</div>'
        if "nested_layout" in self.quirks:
            nav = (
                '<table class="nav"><tr><td><a href="/">'
                '首页</a></td><td><a href="/xzxk/">行政许可</a>'
                '</td><td><a href="/xzcf/">行政处罚</a></td><td>2023年12月</td></tr></table>'
            )
            article = (
                f'<table width="100%"><tr><td>{nav}</td></tr><tr><td><table width="90%"><tr><td>'
                f"{article}</td></tr></table></td></tr></table>"
            )
        charset = "" if "gbk_no_charset" in self.quirks else '<meta charset="utf-8">'
        return (
            "<!DOCTYPE html><html>"
            f"<head>{charset}<title>{html.escape(title)}_政府信息公开年报</title>"
            f'</head><body><div class="header">政府门户网站</div>{article}'
            '<div class="footer">主办单位：人民政府办公室'
            " 网站标识码：0000000000</div></body></html>"
        )

    def paragraph(self, text: str) -> str:
        if "word_markup" in self.quirks:
            return (
                '<p class="MsoNormal" style="text-indent:32.0pt"><span style="font-family:'
                f'仿宋_GB2312"><font face="方正仿宋_GBK">{html.escape(text)}</font></span></p>'
            )
        return f"<p>{html.escape(text)}</p>"


def render_html(
    report: dict,
    *,
    quirks: frozenset[str] = frozenset(),
    encoding: str = "utf-8",
    padding_paragraphs: int = 0,
) -> bytes:
    """A full portal article page for ``report``; ``padding_paragraphs`` grows the narrative."""
    page = _Renderer(report, frozenset(quirks)).page(padding_paragraphs)
    if quirks & {"gbk_no_charset", "gbk_wrong_charset"}:
        encoding = "gbk"
    return page.encode(encoding)


def render_text(report: dict) -> str:
    """The page as a reader copies it from a browser: one cell per line, blank lines between."""
    renderer = _Renderer(report, frozenset())
    blocks = [report_title(report)]
    if report.get("sample"):
        blocks.append(SAMPLE_NOTE)
    for head, paragraph, tables in renderer.sections():
        blocks.append(head)
        if paragraph:
            blocks.append(paragraph)
        for table in tables:
            for row in table.rows:
                blocks.extend(text if text else "" for text, _, _ in row)
    return "\n\n".join(b for b in blocks if b) + "\n"
