"""Who published a report and which year it covers, from what the document prints.

The covered year is not the publication year (a 2021 report appears in early 2022), so the
order of evidence is: the report title, the statistics-period sentence, the year that opens
the 总体情况 section, and last the file name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

YEAR = r"((?:19|20)\d{2})"
TITLE = re.compile(
    r"(?P<agency>[\u4e00-\u9fff（）()·、]{2,40}?)?(?:关于)?\s*"
    + YEAR
    + r"\s*年\s*度?\s*(?:政府)?信息公开\s*(?:工作)?\s*年\s*度?\s*报\s*告"
)
STATISTICS_PERIOD = re.compile(r"统计期限[^。]{0,20}?" + YEAR + r"\s*年")
OPENING_YEAR = re.compile(r"总体情况\s*\n?\s*[^\n]{0,10}?" + YEAR + r"\s*年")
AGENCY_NOISE = re.compile(r"^(?:关于|转发|印发|公布)|(?:关于|的)$")


@dataclass(frozen=True)
class ReportMeta:
    agency: str | None
    year: int | None
    title: str | None


def _title_match(text: str | None) -> re.Match | None:
    if not text:
        return None
    return TITLE.search(unicodedata.normalize("NFKC", text).replace("\u3000", " "))


def _agency(match: re.Match) -> str | None:
    agency = (match.group("agency") or "").strip()
    agency = AGENCY_NOISE.sub("", agency).strip()
    return agency or None


def report_meta(title: str | None, text: str, filename: str | None = None) -> ReportMeta:
    """Metadata from the printed title (or the first title-like line of ``text``)."""
    head = text[:3000]
    printed = _title_match(title) or _title_match(head)
    year = int(printed.group(2)) if printed else None
    if year is None:
        found = STATISTICS_PERIOD.search(text) or OPENING_YEAR.search(text)
        year = int(found.group(1)) if found else None
    from_name = _title_match(filename)
    if year is None and from_name:
        year = int(from_name.group(2))
    agency = _agency(printed) if printed else None
    if agency is None and from_name:
        agency = _agency(from_name)
        # A file name gives the district (乐都区); the text names its government in full.
        if agency and f"{agency}人民政府" in text:
            agency += "人民政府"
    clean_title = printed.group(0).strip() if printed else None
    return ReportMeta(agency=agency, year=year, title=clean_title)
