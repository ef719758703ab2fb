"""The report's prose: its full text without the statistics tables.

Reports print 一、总体情况 (narrative), then sections 二、三、四 (the statistics tables, with
template labels identical in every report), then 五、存在的主要问题及改进情况 and 六、其他需要报告
的事项 (narrative). What an agency writes, and may copy from last year, is the text outside the
tables: this is kept in the contract output (extra key ``text``) and loaded by the warehouse.
"""

from __future__ import annotations

import re

TABLES_START = re.compile(r"二\s*[、.．]\s*主动公开政府信息情况")
TABLES_END = re.compile(r"[五六七]\s*[、.．]\s*(?:存在的主要问题|其他需要报告)")


def narrative(text: str) -> str:
    """``text`` without sections 二 to 四 (the tables); all of it when they are not found."""
    start = TABLES_START.search(text)
    if start is None:
        return text.strip()
    end = TABLES_END.search(text, start.end())
    kept = text[: start.start()] + ("\n" + text[end.start() :] if end else "")
    return kept.strip()
