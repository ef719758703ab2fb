"""Read a printed table cell as a number, keeping what was printed.

Blank is not zero: empty, dash, slash and 无 cells are ``None``. Annotations after the number
(``22（其中修订16件）``) are kept in ``raw`` and ignored in ``value``. Money printed in 元 is
converted to the contract's 万元.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

BLANKS = frozenset({"", "-", "--", "—", "——", "–", "/", "\\", "无", "空", "null", "none", "n/a"})
NUMBER = re.compile(r"^([-+]?)\s*(\d[\d,]*(?:\.\d+)?|\.\d+)")
# What may follow a number in a value cell: a unit, an annotation in brackets, a percent sign.
TAIL = re.compile(r"^\s*(万元|元|万|件|个|项|次|宗|人次|条|%)?\s*([(（\[【].*)?$", re.S)


@lru_cache(maxsize=8192)
def normalize_cell(text: str) -> str:
    """NFKC (full width → half width), no whitespace of any kind (``&nbsp;`` included)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_value(text: str) -> bool:
    """True for cells that print a value (or a deliberate blank), not a label."""
    norm = normalize_cell(text)
    if norm.lower() in BLANKS:
        return True
    match = NUMBER.match(norm)
    if not match:
        return False
    rest = norm[match.end() :]
    # "1.属于国家秘密" and "2019年" are labels, "22(其中修订16件)" and "251000元" are values.
    return bool(TAIL.match(rest))


def parse_value(text: str, *, money: bool = False) -> int | float | None:
    """The number a cell prints, as the contract wants it; ``None`` for a blank cell.

    ``money`` cells are in 万元: a cell that says 元 is divided by 10,000, one without a unit is
    taken as 万元 already. Counts are ints when they are whole.
    """
    norm = normalize_cell(text)
    if norm.lower() in BLANKS:
        return None
    match = NUMBER.match(norm)
    if not match:
        raise ValueError(f"not a number: {text!r}")
    sign, digits = match.groups()
    try:
        number = Decimal(sign + digits.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text!r}") from exc
    unit = (TAIL.match(norm[match.end() :]) or [None, None])[1] if money else None
    if money:
        if unit == "元":
            number /= Decimal(10000)
        return float(number)
    if number == number.to_integral_value():
        return int(number)
    return float(number)
