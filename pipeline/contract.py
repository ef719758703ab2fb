"""The report-facts contract ``gongkai.report/1`` (see ../shared/contract/README.md).

The codes here are fixed by the contract; the warehouse, the sample-site renderer and the
template mapper all read them from this module so there is one list of each.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

CONTRACT = "gongkai.report/1"
STATUSES = ("ok", "flagged", "partial", "unsupported", "failed")
FORMATS = ("html", "pdf", "text", "docx", "doc", "wps")
TABLES = ("active_disclosure", "applications", "appeals")
TABLE_LABELS = {
    "active_disclosure": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
}
ENTRY_KEYS = {
    "active_disclosure": ("item", "measure"),
    "applications": ("outcome", "requester"),
    "appeals": ("proceeding", "result"),
}

# --- table 二: 主动公开政府信息情况 ---------------------------------------------------------
# Sub-tables by 第二十条 clause, the items each holds, and the measures of each format.
AD_ITEMS = {
    "regulations": "规章",
    "normative_documents": "规范性文件",
    "permits": "行政许可",
    "other_services": "其他对外管理服务事项",
    "penalties": "行政处罚",
    "coercion": "行政强制",
    "fees": "行政事业性收费",
    "procurement": "政府集中采购",
}
AD_MEASURES = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "items_prev_year": "上一年项目数量",
    "items_change": "本年增/减",
    "decisions": "处理决定数量",
    "amount_wan_yuan": "本年收费金额（单位：万元）",
    "projects": "采购项目数量",
}
MONEY_MEASURES = frozenset({"amount_wan_yuan"})
# clause -> (items, measures in 2019 format, measures in 2021 format)
AD_CLAUSES = {
    "一": (
        ("regulations", "normative_documents"),
        ("new_made", "new_published", "total_published"),
        ("issued", "repealed", "in_force"),
    ),
    "五": (
        ("permits", "other_services"),
        ("items_prev_year", "items_change", "decisions"),
        ("decisions",),
    ),
    "六": (
        ("penalties", "coercion"),
        ("items_prev_year", "items_change", "decisions"),
        ("decisions",),
    ),
    "八": (("fees",), ("items_prev_year", "items_change"), ("amount_wan_yuan",)),
    "九": (("procurement",), ("projects", "amount_wan_yuan"), ()),
}
CLAUSE_OF_ITEM = {item: clause for clause, (items, _, _) in AD_CLAUSES.items() for item in items}


def sub_table_format(item: str, measures: Iterable[str]) -> str | None:
    """The template (``"2019"`` or ``"2021"``) of the table-二 sub-table ``item`` belongs to.

    Decided from the measures (columns) the sub-table prints, never per report: 2019 when it
    has a column only the 2019 format has or its clause exists only in 2019, else 2021. None
    for an item outside table 二 or a sub-table without any known column.
    """
    clause = CLAUSE_OF_ITEM.get(item)
    present = set(measures)
    if clause is None:
        return None
    _, m2019, m2021 = AD_CLAUSES[clause]
    if not present & set(m2019 + m2021):
        return None
    return "2019" if present & (set(m2019) - set(m2021)) or not m2021 else "2021"


# --- table 三: 收到和处理政府信息公开申请情况 --------------------------------------------------
REQUESTERS = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
OUTCOMES = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "withheld_state_secret": "1.属于国家秘密",
    "withheld_prohibited_by_law": "2.其他法律行政法规禁止公开",
    "withheld_security_stability": "3.危及“三安全一稳定”",
    "withheld_third_party": "4.保护第三方合法权益",
    "withheld_internal_affairs": "5.属于三类内部事务信息",
    "withheld_process_info": "6.属于四类过程性信息",
    "withheld_enforcement_file": "7.属于行政执法案卷",
    "withheld_query_matter": "8.属于行政查询事项",
    "unavailable_not_held": "1.本机关不掌握相关政府信息",
    "unavailable_needs_creation": "2.没有现成信息需要另行制作",
    "unavailable_unclear": "3.补正后申请内容仍不明确",
    "rejected_complaint": "1.信访举报投诉类申请",
    "rejected_duplicate": "2.重复申请",
    "rejected_publication": "3.要求提供公开出版物",
    "rejected_excessive": "4.无正当理由大量反复申请",
    "rejected_confirmation": "5.要求行政机关确认或重新出具已获取信息",
    "other_handling": "（六）其他处理",
    "other_no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_unpaid_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_reasons": "3.其他",
    "total_handled": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}
OUTCOME_GROUPS = {
    "granted": ("granted",),
    "partially_granted": ("partially_granted",),
    "withheld": tuple(o for o in OUTCOMES if o.startswith("withheld_")),
    "unavailable": tuple(o for o in OUTCOMES if o.startswith("unavailable_")),
    "rejected": tuple(o for o in OUTCOMES if o.startswith("rejected_")),
    "other": ("other_handling", "other_no_correction", "other_unpaid_fee", "other_reasons"),
}
OUTCOME_GROUP_LABELS = {
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "rejected": "（五）不予处理",
    "other": "（六）其他处理",
}
SPLIT_OTHER = ("other_no_correction", "other_unpaid_fee", "other_reasons")
HANDLING_LEAVES = tuple(o for group in OUTCOME_GROUPS.values() for o in group)

# --- table 四: 政府信息公开行政复议、行政诉讼情况 --------------------------------------------
PROCEEDINGS = {
    "reconsideration": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after_reconsideration": "复议后起诉",
}
RESULTS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# --- the invalid_value rule -------------------------------------------------------------------
# One notion of a valid value for the extractor and the warehouse alike: a count is a whole
# number from 0 to 2^63-1 (BIGINT), except ``items_change`` (本年增/减), which may be negative;
# an amount is finite and fits DECIMAL(18,6) in 万元. A failing cell's value is null, its raw kept.
COUNT_MAX = 2**63 - 1
SIGNED_MEASURES = frozenset({"items_change"})
AMOUNT_LIMIT = Decimal(10) ** 12
AMOUNT_QUANTUM = Decimal("0.000001")


def as_decimal(value: int | float | Decimal) -> Decimal:
    """A JSON number as an exact Decimal (a float through its shortest repr)."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def invalid_value(value: int | float | Decimal, column: str) -> str | None:
    """Why ``value`` cannot be what a cell of measure/requester/result ``column`` holds, or None.

    Never builds a huge integer: a 5,000-digit count is rejected from its Decimal magnitude.
    """
    number = as_decimal(value)
    if not number.is_finite():
        return "not a finite number"
    if column in MONEY_MEASURES:
        if abs(number) >= AMOUNT_LIMIT:
            return "amount does not fit DECIMAL(18,6) in 万元"
        if abs(number.quantize(AMOUNT_QUANTUM)) >= AMOUNT_LIMIT:
            return "amount does not fit DECIMAL(18,6) in 万元"
        return None
    if abs(number) > COUNT_MAX:
        return "count out of range (more than 2^63-1)"
    if number != number.to_integral_value():
        return "count is not a whole number"
    if number < 0 and column not in SIGNED_MEASURES:
        return "count is negative"
    return None


def cell_where(table: str, row: str, column: str) -> str:
    """The ``where`` of a cell-level finding: ``<table>/<row>/<col>``."""
    return f"{table}/{row}/{column}"


def _json_int(text: str) -> int | Decimal:
    # Python refuses to build ints of more than 4,300 digits; such a count is invalid anyway.
    return int(text) if len(text) <= 20 else Decimal(text)


def loads(text: str) -> Any:
    """Parse a contract document; a hostile number (5,000 digits, NaN) parses, the rule judges."""
    return json.loads(text, parse_int=_json_int)
