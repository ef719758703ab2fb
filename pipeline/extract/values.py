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

from pipeline import contract

BLANKS = frozenset({"", "-", "--", "—", "——", "–", "/", "\\", "无", "空", "null", "none", "n/a"})
NUMBER = re.compile(r"^([-+]?)\s*((?:\d[\d,]*(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)")
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


def parse_value(text: str, column: str) -> tuple[int | float | None, str | None]:
    """The number a cell of ``column`` (a contract measure/requester/result code) prints, as the
    contract wants it, and why it is invalid (None when valid).

    ``None`` for a blank cell. Money cells are in 万元: a cell that says 元 is divided by
    10,000, one without a unit is taken as 万元 already. Counts are ints. A value the cell
    cannot hold (the contract's ``invalid_value`` rule: ``3.5`` people, ``-5`` decisions, a
    20-digit count, an amount beyond DECIMAL(18,6)) is ``(None, reason)``: the caller keeps
    ``raw`` and records a finding, and no out-of-range number ever reaches the JSON output.
    """
    norm = normalize_cell(text)
    if norm.lower() in BLANKS:
        return None, None
    match = NUMBER.match(norm)
    if not match:
        raise ValueError(f"not a number: {text[:80]!r}")
    sign, digits = match.groups()
    try:
        number = Decimal(sign + digits.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {text[:80]!r}") from exc
    money = column in contract.MONEY_MEASURES
    if money and (TAIL.match(norm[match.end() :]) or [None, None])[1] == "元":
        number = number.scaleb(-4)  # 元 -> 万元, exact
    problem = contract.invalid_value(number, column)
    if problem:
        return None, problem
    if money:
        value = float(number)
        # the emitted float, not only the printed decimal, must fit (rounding at 10^12)
        problem = contract.invalid_value(value, column)
        return (None, problem) if problem else (value, None)
    return int(number), None
