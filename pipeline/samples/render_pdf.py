"""Render a contract-format report dict as a realistic annual-report PDF (reportlab).

Used by the PDF reader's tests, by the sample-portal generator and by the benchmarks, so the
PDFs look like the WPS/Word exports portals publish: a two-line title, a statistics-period
sentence, narrative sections, the three tables with merged cells, page numbers ``- n -`` at
the top of each page. Options reproduce the quirks the reader must survive: table 三 broken
across pages inside a group, tables without ruling lines, fake-bold text (every glyph drawn
twice, slightly offset), extra pages of dense narrative text.

Fonts: reportlab's built-in CID font ``STSong-Light`` needs no font file, and its text comes
back correctly from pdfplumber and pypdfium2.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import _cidfontdata, pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfgen import canvas

from pipeline import contract as C

FONT = "STSong-Light"
PAGE_W, PAGE_H = A4
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 72.0, 72.0, 64.0
BODY_SIZE, TABLE_SIZE, TITLE_SIZE = 12.0, 9.0, 18.0
SAMPLE_NOTE = "示例数据（合成）"


def _register_font() -> None:
    """Register STSong-Light so that encrypted PDFs stay readable by pdfminer.

    reportlab writes the font's CIDSystemInfo strings as raw text, which then stays
    unencrypted in an encrypted PDF; a conforming reader decrypts it into garbage and loses
    the character map. As PDFString objects they are encrypted like every other string.
    """
    info = _cidfontdata.CIDFontInfo[FONT]["DescendantFonts"][0]["CIDSystemInfo"]
    for key in ("Registry", "Ordering"):
        if isinstance(info[key], str):
            info[key] = PDFString(info[key].strip("()"))
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))


_register_font()


def render_pdf(
    report: dict,
    *,
    split_applications_at: str | None = None,
    ruled: bool = True,
    fake_bold: bool = False,
    narrative_pages: int = 0,
    note: str | None = None,
    password: tuple[str, str] | None = None,
    cut_labels: bool = False,
    new_page_before: frozenset[str] = frozenset(),
) -> bytes:
    """Render ``report`` (keys as in the contract/truth files) and return the PDF bytes.

    - ``split_applications_at``: an outcome code (e.g. ``"unavailable_needs_creation"``);
      table 三 breaks to a new page right before that row, inside its group.
    - ``ruled``: draw table ruling lines (False: a table readable only from word positions).
    - ``fake_bold``: draw every glyph twice, 0.4 pt apart, as some exporters do for bold.
    - ``narrative_pages``: extra full pages of dense narrative text (half before the tables,
      half after), for long benchmark documents.
    - ``note``: a visible line under the title; defaults to ``"示例数据（合成）"`` when the
      report dict says it is sample data (``report["sample"]`` or ``report["report"]["sample"]``).
    - ``cut_labels``: a merged label cell broken by the page break prints part of its text on
      each page (``（四）无`` / ``法提供``), as WPS does; otherwise all of it on the first page.
    - ``new_page_before``: table names (``"applications"``, ``"appeals"``) that start a page.
    - ``password``: ``(user, owner)`` passwords to encrypt with; an empty user password makes an
      owner-password-only PDF, which opens without a password.
    """
    meta = report.get("report") or {}
    if note is None and (report.get("sample") or meta.get("sample")):
        note = SAMPLE_NOTE
    doc = _Writer(ruled=ruled, fake_bold=fake_bold, password=password, cut_labels=cut_labels)
    agency = meta.get("agency") or "某区人民政府"
    year = meta.get("year") or 2021
    title = meta.get("title") or f"{agency}{year}年政府信息公开工作年度报告"
    tail = f"{year}年政府信息公开工作年度报告"
    if title.endswith(tail) and title != tail:
        doc.heading(title[: -len(tail)], TITLE_SIZE, center=True)
        doc.heading(tail.replace(str(year), f"{year} "), TITLE_SIZE, center=True)
    else:
        doc.heading(title, TITLE_SIZE, center=True)
    if note:
        doc.heading(note, BODY_SIZE, center=True)
    doc.paragraph(
        f"本报告由{agency}办公室根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求编制。"
        f"报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。"
        f"如对本报告有疑问，请与{agency}办公室联系。"
    )
    rng = random.Random(f"{agency}{year}")
    doc.heading("一、总体情况", BODY_SIZE)
    doc.paragraph(_narrative(rng, 6))
    doc.narrative_pages(rng, narrative_pages - narrative_pages // 2)

    doc.heading(C.TABLE_LABELS["active_disclosure"], BODY_SIZE)
    for table in _active_disclosure_tables(report.get("active_disclosure") or []):
        doc.table(table, gap=0)
    doc.space(10)
    if "applications" in new_page_before:
        doc.new_page()
    doc.heading(C.TABLE_LABELS["applications"], BODY_SIZE)
    doc.table(
        _applications_table(report.get("applications") or []),
        break_before=_applications_break(report, split_applications_at),
    )
    doc.space(10)
    if "appeals" in new_page_before:
        doc.new_page()
    doc.heading(C.TABLE_LABELS["appeals"], BODY_SIZE)
    doc.table(_appeals_table(report.get("appeals") or []))

    doc.heading("五、存在的主要问题及改进情况", BODY_SIZE)
    doc.paragraph(_narrative(rng, 4))
    doc.narrative_pages(rng, narrative_pages // 2)
    doc.heading("六、其他需要报告的事项", BODY_SIZE)
    doc.paragraph(f"{year}年，本机关未收取政府信息公开信息处理费。")
    return doc.finish()


# --- tables as rows of (text, rowspan, colspan) ----------------------------------------------


def report_tables(report: dict) -> list[tuple[str, list[list[list[tuple[str, int, int]]]]]]:
    """The three tables as printed, ``[(heading, [rows, ...]), ...]``, each table's rows being
    ``(text, rowspan, colspan)`` cells: for other renderers (the DOCX test fixtures)."""
    return [
        (
            C.TABLE_LABELS["active_disclosure"],
            [t.rows for t in _active_disclosure_tables(report.get("active_disclosure") or [])],
        ),
        (
            C.TABLE_LABELS["applications"],
            [_applications_table(report.get("applications") or []).rows],
        ),
        (C.TABLE_LABELS["appeals"], [_appeals_table(report.get("appeals") or []).rows]),
    ]


@dataclass
class _Table:
    widths: list[float]  # fractions of the text width
    rows: list[list[tuple[str, int, int]]]


def _raw(entry: dict) -> str:
    if entry.get("raw") is not None:
        return str(entry["raw"])
    return "" if entry.get("value") is None else str(entry["value"])


def _active_disclosure_tables(entries: list[dict]) -> list[_Table]:
    cells = {(e["item"], e["measure"]): _raw(e) for e in entries}
    tables = []
    for clause, (items, m2019, m2021) in C.AD_CLAUSES.items():
        present = [i for i in items if any(k[0] == i for k in cells)]
        if not present:
            continue
        in_2019 = [m for m in m2019 if any((i, m) in cells for i in present)]
        in_2021 = [m for m in m2021 if any((i, m) in cells for i in present)]
        measures = in_2021 if len(in_2021) >= len(in_2019) and in_2021 else in_2019
        n = len(measures)
        label_w = 0.34
        widths = [label_w] + [(1 - label_w) / n] * n
        rows = [
            [(f"第二十条第（{clause}）项", 1, n + 1)],
            [("信息内容", 1, 1)] + [(_measure_label(clause, m), 1, 1) for m in measures],
        ]
        for item in present:
            label = C.AD_ITEMS[item]
            if item == "normative_documents" and measures == list(m2021):
                label = "行政规范性文件"
            rows.append([(label, 1, 1)] + [(cells.get((item, m), ""), 1, 1) for m in measures])
        tables.append(_Table(widths, rows))
    return tables


def _measure_label(clause: str, measure: str) -> str:
    if clause == "九" and measure == "amount_wan_yuan":
        return "采购总金额（单位：万元）"
    if measure == "decisions":
        return "本年处理决定数量"
    return C.AD_MEASURES[measure]


def _applications_table(entries: list[dict]) -> _Table:
    cells = {(e["outcome"], e["requester"]): _raw(e) for e in entries}
    outcomes = [o for o in C.OUTCOMES if any(k[0] == o for k in cells)]
    requesters = list(C.REQUESTERS)

    def values(outcome: str) -> list[tuple[str, int, int]]:
        return [(cells.get((outcome, r), ""), 1, 1) for r in requesters]

    rows: list[list[tuple[str, int, int]]] = [
        [
            ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            ("申请人情况", 1, 7),
        ],
        [("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(C.REQUESTERS[r], 1, 1) for r in requesters[1:6]],
    ]
    handling = [o for o in outcomes if o in C.HANDLING_LEAVES or o == "total_handled"]
    first_handling = True
    for outcome in outcomes:
        row: list[tuple[str, int, int]] = []
        if outcome in ("new_received", "carried_over", "carried_forward"):
            rows.append([(C.OUTCOMES[outcome], 1, 3), *values(outcome)])
            continue
        if first_handling:
            row.append(("三、本年度办理结果", len(handling), 1))
            first_handling = False
        group = next((g for g, members in C.OUTCOME_GROUPS.items() if outcome in members), None)
        label = C.OUTCOMES[outcome]
        if group in C.OUTCOME_GROUP_LABELS and outcome != "other_handling":
            members = [o for o in C.OUTCOME_GROUPS[group] if o in outcomes]
            if outcome == members[0]:
                row.append((C.OUTCOME_GROUP_LABELS[group], len(members), 1))
            row.append((label, 1, 1))
        else:
            row.append((label, 1, 2))
        rows.append(row + values(outcome))
    return _Table([0.06, 0.12, 0.26] + [0.08] * 7, rows)


def _applications_break(report: dict, outcome: str | None) -> int | None:
    if outcome is None:
        return None
    present = [
        o for o in C.OUTCOMES if any(e["outcome"] == o for e in report.get("applications") or [])
    ]
    if outcome not in present:
        raise ValueError(f"split_applications_at: {outcome!r} is not in the report")
    return 3 + present.index(outcome)  # three header rows


def _appeals_table(entries: list[dict]) -> _Table:
    cells = {(e["proceeding"], e["result"]): _raw(e) for e in entries}
    results = list(C.RESULTS)
    labels = [(C.RESULTS[r], 1, 1) for r in results]
    rows = [
        [("行政复议", 1, 5), ("行政诉讼", 1, 10)],
        [
            *[(C.RESULTS[r], 2, 1) for r in results],
            ("未经复议直接起诉", 1, 5),
            ("复议后起诉", 1, 5),
        ],
        labels + labels,
        [(cells.get((p, r), ""), 1, 1) for p in C.PROCEEDINGS for r in results],
    ]
    return _Table([1 / 15] * 15, rows)


# --- narrative ---------------------------------------------------------------------------

_PHRASES = (
    "坚持以习近平新时代中国特色社会主义思想为指导",
    "全面贯彻落实《条例》相关规范要求",
    "不断完善政府信息公开制度",
    "建立健全政府信息公开保障机制",
    "始终将政务公开工作摆在重要位置",
    "推进政府信息公开工作规范有序健康发展",
    "加强政府门户网站及政务新媒体日常管理",
    "运用第三方检测平台实行常态化监测",
    "严格执行分级审核先审后发程序",
    "落实三审三校制度",
    "从严从实把好政治关法律关政策关保密关文字关",
    "及时关停整合用户关注度低的新媒体账号",
    "围绕中心工作进一步梳理明确政务公开的重点领域",
    "继续优化政策解读和关切回应等工作",
    "加强业务指导培训",
    "不断提高工作人员的思想认识和业务水平",
    "形成工作清单做到任务具体责任明确",
)


def _narrative(rng: random.Random, sentences: int) -> str:
    return "".join("，".join(rng.sample(_PHRASES, 3)) + "。" for _ in range(sentences))


# --- page writer -------------------------------------------------------------------------


class _Writer:
    """A minimal flowing layout: headings, paragraphs and tables on A4 pages.

    Drawing operations are collected per page and written at the end, because a table cell
    that spans a page break draws on two pages.
    """

    def __init__(
        self,
        *,
        ruled: bool,
        fake_bold: bool,
        password: tuple[str, str] | None = None,
        cut_labels: bool = False,
    ) -> None:
        self.password = password
        self.cut_labels = cut_labels
        self.ruled = ruled
        self.fake_bold = fake_bold
        self.pages: list[list[tuple]] = []
        self.new_page()

    def _text(self, x: float, y: float, text: str, size: float, page: int | None = None) -> None:
        self.pages[-1 if page is None else page].append(("text", x, y, text, size))

    def new_page(self) -> None:
        self.pages.append([])
        self.y = PAGE_H - MARGIN_TOP
        label = f"- {len(self.pages)} -"
        width = pdfmetrics.stringWidth(label, FONT, 10)
        self._text((PAGE_W - width) / 2, PAGE_H - 40, label, 10)

    def _room(self, height: float) -> None:
        if self.y - height < MARGIN_BOTTOM:
            self.new_page()

    def space(self, height: float) -> None:
        self.y -= height

    def heading(self, text: str, size: float, *, center: bool = False) -> None:
        for line in _wrap(text, PAGE_W - 2 * MARGIN_X, size):
            self._room(size * 1.8)
            width = pdfmetrics.stringWidth(line, FONT, size)
            x = (PAGE_W - width) / 2 if center else MARGIN_X
            self.y -= size * 1.8
            self._text(x, self.y + size * 0.4, line, size)

    def paragraph(self, text: str) -> None:
        for line in _wrap("\u3000\u3000" + text, PAGE_W - 2 * MARGIN_X, BODY_SIZE):
            self._room(BODY_SIZE * 1.8)
            self.y -= BODY_SIZE * 1.8
            self._text(MARGIN_X, self.y + BODY_SIZE * 0.4, line, BODY_SIZE)

    def narrative_pages(self, rng: random.Random, pages: int) -> None:
        """``pages`` full pages of paragraphs, each starting on a new page."""
        for _ in range(pages):
            self.new_page()
            lines: list[str] = []
            while self.y - BODY_SIZE * 1.8 >= MARGIN_BOTTOM:
                if not lines:
                    lines = _wrap(
                        "\u3000\u3000" + _narrative(rng, 3), PAGE_W - 2 * MARGIN_X, BODY_SIZE
                    )
                self.y -= BODY_SIZE * 1.8
                self._text(MARGIN_X, self.y + BODY_SIZE * 0.4, lines.pop(0), BODY_SIZE)
        if pages:
            self.new_page()

    def table(self, table: _Table, *, gap: float = 0, break_before: int | None = None) -> None:
        """Lay rows out, breaking pages between rows (or before row ``break_before``)."""
        width = PAGE_W - 2 * MARGIN_X
        xs = [MARGIN_X]
        for fraction in table.widths:
            xs.append(xs[-1] + fraction * width)
        placed = place_cells(table.rows)
        heights = []
        for r, row in enumerate(table.rows):
            need = TABLE_SIZE * 1.9
            for i, (text, rowspan, colspan) in enumerate(row):
                c = placed[(r, i)]
                if rowspan == 1:
                    lines = _wrap(text, xs[c + colspan] - xs[c] - 4, TABLE_SIZE)
                    need = max(need, len(lines) * TABLE_SIZE * 1.3 + 8)
            heights.append(need)
        header = _header_rows(table.rows)
        self._room(sum(heights[: header + 1]))  # never strand a header at a page bottom
        tops: list[tuple[int, float]] = []  # (page index, top y) per row
        for r, h in enumerate(heights):
            if r == break_before or (r > header and self.y - h < MARGIN_BOTTOM):
                self.new_page()
            tops.append((len(self.pages) - 1, self.y))
            self.y -= h
        self.y -= gap
        for r, row in enumerate(table.rows):
            for i, (text, rowspan, colspan) in enumerate(row):
                c = placed[(r, i)]
                by_page: dict[int, list[int]] = {}
                for rr in range(r, min(r + rowspan, len(table.rows))):
                    by_page.setdefault(tops[rr][0], []).append(rr)
                pieces = [text] + [""] * (len(by_page) - 1)
                if self.cut_labels and len(by_page) == 2:
                    first = len(next(iter(by_page.values())))
                    cut = max(1, min(len(text) - 1, round(len(text) * first / rowspan)))
                    pieces = [text[:cut], text[cut:]]
                for k, (page, rows) in enumerate(sorted(by_page.items())):
                    top = tops[rows[0]][1]
                    bottom = tops[rows[-1]][1] - heights[rows[-1]]
                    if self.ruled:
                        self.pages[page].append(("rect", xs[c], bottom, xs[c + colspan], top))
                    if pieces[k]:
                        self._cell_text(page, pieces[k], xs[c], xs[c + colspan], top, bottom)

    def _cell_text(
        self, page: int, text: str, x0: float, x1: float, top: float, bottom: float
    ) -> None:
        lines = _wrap(text, x1 - x0 - 4, TABLE_SIZE)
        block = len(lines) * TABLE_SIZE * 1.3
        y = (top + bottom) / 2 + block / 2 - TABLE_SIZE
        for line in lines:
            width = pdfmetrics.stringWidth(line, FONT, TABLE_SIZE)
            self._text(x0 + max(2.0, (x1 - x0 - width) / 2), y, line, TABLE_SIZE, page)
            y -= TABLE_SIZE * 1.3

    def finish(self) -> bytes:
        buffer = io.BytesIO()
        encrypt = None
        if self.password is not None:
            user, owner = self.password
            encrypt = StandardEncryption(user, ownerPassword=owner, canModify=0, canCopy=0)
        pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1, encrypt=encrypt)
        pdf.setLineWidth(0.75)
        for ops in self.pages:
            for op in ops:
                if op[0] == "rect":
                    _, x0, y0, x1, y1 = op
                    pdf.rect(x0, y0, x1 - x0, y1 - y0, stroke=1, fill=0)
                else:
                    _, x, y, text, size = op
                    pdf.setFont(FONT, size)
                    pdf.drawString(x, y, text)
                    if self.fake_bold:
                        pdf.drawString(x + 0.4, y, text)
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()


def _header_rows(rows: list[list[tuple[str, int, int]]]) -> int:
    """Rows held together by the rowspans of the first row."""
    return max((rowspan for _t, rowspan, _c in rows[0]), default=1) if rows else 0


def place_cells(rows: list[list[tuple[str, int, int]]]) -> dict[tuple[int, int], int]:
    """Map (row, index in row) to its grid column, honouring rowspans from rows above."""
    taken: set[tuple[int, int]] = set()
    placed = {}
    for r, row in enumerate(rows):
        col = 0
        for i, (_text, rowspan, colspan) in enumerate(row):
            while (r, col) in taken:
                col += 1
            placed[(r, i)] = col
            for rr in range(r, r + rowspan):
                for cc in range(col, col + colspan):
                    taken.add((rr, cc))
            col += colspan
    return placed


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(line + ch, FONT, size) > width and line:
            lines.append(line)
            line = ""
        line += ch
    if line or not lines:
        lines.append(line)
    return lines
