"""Template labels by meaning: which printed label is which contract code.

Labels are matched on normalised text (NFKC, no whitespace, numbering stripped) by the words
that carry their meaning, so `1、` / `1.` / `1．`, full and half width, line breaks inside a
label, `行政规范性文件` and known typos (`其他法律行政止公开`) all land on the same code.
Every reader's grids go through these tables; add a synonym here, never in a reader.

Labels read by OCR come with its typical confusions: a look-alike character (形近字: 己/已,
末/未), a dropped or extra character or punctuation. A label no word matches is compared with
the printed template labels, and one that is nearly the same (``FUZZY_RATIO``) is taken.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import cache

from pipeline import contract
from pipeline.extract.values import normalize_cell

# Leading numbering: 一、 (一) 1. 1、 1． ①; NFKC has already made brackets and dots half width.
NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|\d{1,2}[、.](?!\d)|[①-⑳])+"
)
CLAUSE = re.compile(r"第二十条第\(?([一二三四五六七八九十]+)\)?项")
HEADING = re.compile(r"^[一二三四五六七八九十]+[、.]")

# --- headings: where the tables are, where they start and end --------------------------------
# The printed title of one of the report's tables, found inside a longer line of a PDF page.
TABLE_HEADING = re.compile(
    r"主动公开政府信息情况|收到和处理政府信息公开申请|行政复议、?行政诉讼情况|第二十条第"
)

# A line where a table (or its header) starts on a PDF page whose tables have no ruling lines.
TABLE_START = re.compile(
    TABLE_HEADING.pattern + r"|信息内容|申请人情况|行政复议.*行政诉讼|结果维持|尚未审结"
)
# Words the statistics tables print (whitespace removed): where the tables are. Narrative text
# quotes some of them too (行政复议结果维持2件，结果纠正1件), so the PDF triage counts a marker
# only on a line shaped like a table's (see pipeline.extract.pdf._table_line).
TABLE_MARKERS = (
    "第二十条第",
    "本年制发件数",
    "本年新制作数量",
    "处理决定数量",
    "本年收费金额",
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "本年度办理结果",
    "属于国家秘密",
    "本机关不掌握相关政府信息",
    "结转下年度继续办理",
    "尚未审结",
    "结果维持",
    "结果纠正",
    "未经复议直接起诉",
    "复议后起诉",
)
# The section after the tables (五、存在的主要问题…, 六、其他需要报告…): the tables are over.
LATER_SECTION = re.compile(r"[五六七][、.．](存在的主要问题|其他需要报告)")
# Header cells that are never a label continued from the previous page.
HEADER_WORDS = ("信息内容", "申请人情况", "自然人", "行政复议", "行政诉讼")
# Numbering that opens a printed row label: （一） 一、 1. 第….
ROW_MARKER = re.compile(
    r"^\s*([（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+[、.．]|"
    r"\d{1,2}\s*[.、．](?!\d)|第)"
)
# What makes a document an annual report at all, and the pre-2019 layout's tell-tale column.
REPORT_WORDS = ("政府信息公开", "政务公开")
ANNUAL_WORDS = ("年度报告", "年报", "工作报告")
PRE_2019_WORDS = ("历年累计",)

# --- page furniture -------------------------------------------------------------------------
# A line that is only a page number: 3, - 3 -, 第3页, 3/12, 第 3 页 共 12 页.
PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／共]\s*\d+\s*页?)?[-—–－\s]*$")
CJK = r"\u2e80-\u9fff\uff00-\uffef\u3000-\u303f"
# Whitespace next to a CJK character: PDF exporters space out 政 府 信 息; never meaningful.
CJK_SPACE = re.compile(rf"(?<=[{CJK}])\s+|\s+(?=[{CJK}])")


def label_key(text: str) -> str:
    """Normalised label without its numbering, e.g. ``（二）部分 公开`` → ``部分公开``."""
    return NUMBERING.sub("", normalize_cell(text))


FUZZY_RATIO = 0.8  # similarity to a template label above which an unmatched label is taken
FUZZY_MIN_LENGTH = 4  # shorter labels are matched by their words only


def _closest(key: str, labels: dict[str, str]) -> str | None:
    """The code whose template label ``key`` nearly is (one OCR slip in five characters)."""
    if len(key) < FUZZY_MIN_LENGTH:
        return None
    best, best_ratio = None, FUZZY_RATIO
    for code, label in _keys(tuple(labels.items())):
        ratio = SequenceMatcher(None, key, label).ratio()
        if ratio >= best_ratio:
            best, best_ratio = code, ratio
    return best


@cache
def _keys(labels: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    return tuple((code, label_key(label)) for code, label in labels)


# --- sections -------------------------------------------------------------------------------
MAX_HEADING = 40  # longer cells are narrative paragraphs, which mention table names in passing


def section_of(norm: str) -> str | None:
    """The report table a heading or header label opens, or ``"end"`` for a later section."""
    if len(norm) > MAX_HEADING:
        return None
    if "主动公开政府信息情况" in norm or CLAUSE.search(norm):
        return "active_disclosure"
    if "收到和处理政府信息公开申请" in norm or norm == "申请人情况" or "本年新收" in norm:
        return "applications"
    if "行政复议" in norm and ("行政诉讼" in norm or len(norm) <= 6):
        return "appeals"
    if HEADING.match(norm) and any(
        word in norm for word in ("存在的主要问题", "其他需要报告", "改进情况", "总体情况")
    ):
        return "end"
    return None


# --- table 二 ------------------------------------------------------------------------------
AD_ITEM_WORDS = (
    ("normative_documents", ("规范性文件",)),
    ("other_services", ("其他对外管理服务", "对外管理服务事项")),
    ("permits", ("行政许可",)),
    ("penalties", ("行政处罚",)),
    ("coercion", ("行政强制",)),
    ("fees", ("行政事业性收费", "事业性收费")),
    ("procurement", ("政府集中采购", "集中采购")),
)
AD_MEASURE_WORDS = (
    ("issued", ("本年制发", "制发件数")),
    ("repealed", ("废止",)),
    ("in_force", ("现行有效",)),
    ("new_made", ("新制作",)),
    ("new_published", ("新公开",)),
    ("total_published", ("公开总数",)),
    ("items_prev_year", ("上一年项目", "上年项目")),
    ("items_change", ("增/减", "增减", "增(减)")),
    ("decisions", ("处理决定",)),
    ("amount_wan_yuan", ("收费金额", "采购总金额", "采购金额")),
    ("projects", ("采购项目",)),
)
MAX_LABEL = 24  # longer cells are narrative, not table labels


def ad_item(norm: str) -> str | None:
    key = label_key(norm)
    if not key or len(key) > MAX_LABEL:
        return None
    if key == "规章" or (key.endswith("规章") and len(key) <= 6):
        return "regulations"
    for code, words in AD_ITEM_WORDS:
        if any(word in key for word in words):
            return code
    return _closest(key, contract.AD_ITEMS)


def ad_measure(norm: str) -> str | None:
    key = label_key(norm)
    if not key or len(key) > MAX_LABEL:
        return None
    for code, words in AD_MEASURE_WORDS:
        if any(word in key for word in words):
            return code
    return _closest(key, contract.AD_MEASURES)


# --- table 三 ------------------------------------------------------------------------------
OUTCOME_WORDS = (
    ("new_received", ("本年新收",)),
    ("carried_over", ("上年结转",)),
    ("carried_forward", ("结转下年",)),
    ("partially_granted", ("部分公开",)),
    ("withheld_state_secret", ("国家秘密",)),
    ("withheld_prohibited_by_law", ("禁止公开", "法律行政法规", "行政止公开", "其他法律")),
    ("withheld_security_stability", ("三安全一稳定", "危及")),
    ("withheld_third_party", ("第三方",)),
    ("withheld_internal_affairs", ("内部事务",)),
    ("withheld_process_info", ("过程性",)),
    ("withheld_enforcement_file", ("执法案卷",)),
    ("withheld_query_matter", ("查询事项",)),
    ("unavailable_not_held", ("不掌握",)),
    ("unavailable_needs_creation", ("另行制作", "没有现成")),
    ("unavailable_unclear", ("补正后", "仍不明确")),
    ("rejected_complaint", ("信访", "举报投诉")),
    ("rejected_excessive", ("大量反复",)),
    ("rejected_duplicate", ("重复申请",)),
    ("rejected_publication", ("公开出版物",)),
    ("rejected_confirmation", ("重新出具", "确认或")),
    ("other_no_correction", ("不补正",)),
    ("other_unpaid_fee", ("缴纳费用", "收费通知")),
    ("granted", ("予以公开",)),
    ("total_handled", ("总计",)),
)
GROUP_WORDS = (
    ("withheld", ("不予公开",)),
    ("unavailable", ("无法提供",)),
    ("rejected", ("不予处理",)),
    ("other", ("其他处理",)),
)


def outcome_group(norm: str) -> str | None:
    key = label_key(norm)
    if len(key) > MAX_LABEL:
        return None
    for code, words in GROUP_WORDS:
        # a short label that holds the group's words is the group (OCR may add stray marks)
        if any(key.startswith(word) or (word in key and len(key) <= 12) for word in words):
            return code
    return None


def outcome(norm: str, group: str | None) -> str | None:
    """The outcome a label names; ``group`` resolves the bare ``3.其他`` of split 其他处理."""
    key = label_key(norm)
    if not key or len(key) > 60:
        return None
    if key in ("其他", "其它"):
        return "other_reasons" if group == "other" else None
    for code, words in OUTCOME_WORDS:
        if any(word in key for word in words):
            return code
    return _closest(
        key, {o: label for o, label in contract.OUTCOMES.items() if o != "other_reasons"}
    )


# --- table 四 ------------------------------------------------------------------------------
RESULT_WORDS = (
    ("upheld", ("维持",)),
    ("corrected", ("纠正",)),
    ("other", ("其他结果", "其他")),
    ("pending", ("尚未审结", "未审结")),
    ("total", ("总计", "合计")),
)


def appeal_result(norm: str) -> str | None:
    key = label_key(norm)
    if len(key) > 8:
        return None
    for code, words in RESULT_WORDS:
        if any(word in key for word in words):
            return code
    return None
