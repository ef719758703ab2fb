"""Shared fixtures: the shared corpus truth files as loader input, and fresh warehouses."""

from __future__ import annotations

import copy
import hashlib
import json
import os
from pathlib import Path

import pytest

from pipeline.records import RegisteredDistrict
from pipeline.warehouse import ReportSource, connect, load_districts, load_report

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
# Division code of each truth file's district (GB/T 2260; see data/divisions.csv).
DIVISION_BY_PREFIX = {"hzq": "320813", "pingtan": "350128", "乐都区": "630202"}


def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"shared corpus missing at {CORPUS}")
        pytest.skip(f"shared corpus missing at {CORPUS}")
    return CORPUS


def division_of(path: Path) -> str:
    return next(code for prefix, code in DIVISION_BY_PREFIX.items() if path.name.startswith(prefix))


def source_for(path: Path) -> ReportSource:
    """The truth file's district report, extracted at a fixed time so reloads compare equal."""
    return ReportSource(division_of(path), extracted_at="2025-01-01T00:00:00Z")


def truth_documents() -> list[tuple[Path, dict]]:
    """Every truth file with a sha256 (the seed prints none: hash the document beside it)."""
    found = []
    for path in sorted(corpus_dir().glob("*/*.truth.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        if not document["source"].get("sha256"):
            source = path.parent / document["source"]["path"]
            document["source"]["sha256"] = hashlib.sha256(source.read_bytes()).hexdigest()
        found.append((path, document))
    return found


def variant(document: dict, tag: str, **report) -> dict:
    """A copy of ``document`` as another document (new sha256), with report fields replaced."""
    out = copy.deepcopy(document)
    out["source"]["sha256"] = hashlib.sha256(tag.encode()).hexdigest()
    out["report"].update(report)
    return out


def set_cell(document: dict, table: str, k1: str, k2: str, value) -> None:
    keys = {
        "active_disclosure": ("item", "measure"),
        "applications": ("outcome", "requester"),
        "appeals": ("proceeding", "result"),
    }[table]
    for entry in document[table]:
        if (entry[keys[0]], entry[keys[1]]) == (k1, k2):
            entry["value"], entry["raw"] = value, str(value)
            return
    raise KeyError((table, k1, k2))


@pytest.fixture
def truths() -> list[tuple[Path, dict]]:
    return truth_documents()


@pytest.fixture
def con(tmp_path):
    connection = connect(tmp_path / "warehouse.duckdb")
    load_districts(
        connection,
        [
            RegisteredDistrict("630202", "乐都区", "海东市", "青海省"),
            RegisteredDistrict("630203", "平安区", "海东市", "青海省"),
        ],
    )
    yield connection
    connection.close()


@pytest.fixture
def loaded(con, truths):
    """The working warehouse with every truth document loaded as a district report."""
    for path, document in truths:
        load_report(con, document, source_for(path))
    return con
