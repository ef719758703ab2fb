"""Temp files are removed on every failure path: nothing half-written is left behind."""

from __future__ import annotations

import pytest

from pipeline.crawl.archive import write_atomic
from pipeline.report_choice import _atomic_json


def test_a_report_json_that_cannot_be_written_leaves_no_temp_file(tmp_path):
    target = tmp_path / "out" / "report.json"
    with pytest.raises(TypeError):
        _atomic_json(target, {"value": object()})  # not JSON: fails mid-write
    assert list(target.parent.iterdir()) == []


def test_an_atomic_write_that_fails_leaves_no_temp_file(tmp_path):
    target = tmp_path / "state.json"
    with pytest.raises(TypeError):
        write_atomic(target, "text, not bytes")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
