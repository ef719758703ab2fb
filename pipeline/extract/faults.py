"""Whose failure is it: the document's, or our code's?

A parser library raising on a damaged file is the document's problem (``pipeline_fault``
false); an exception raised inside our own modules is a bug of ours, whatever the file, and
must stay visible as a pipeline fault. A limit the document itself breaks (a reference loop,
a zip bomb, a table of millions of cells) is the document's problem and says which limit.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


class DocumentLimit(Exception):
    """The document breaks a structural limit of ours; the message names the limit."""


def raised_by_us(exc: BaseException) -> bool:
    """True when the innermost frame of ``exc`` is in the ``pipeline`` package (our bug)."""
    if isinstance(exc, DocumentLimit):
        return False
    tb, last = exc.__traceback__, None
    while tb is not None:
        last, tb = tb, tb.tb_next
    return last is not None and Path(last.tb_frame.f_code.co_filename).resolve().is_relative_to(
        PACKAGE
    )
