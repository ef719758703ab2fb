"""Shared test helpers: the read-only corpus in ../shared, which CI must have."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SCORE = SHARED / "contract" / "score.py"


def require_shared() -> Path:
    """The shared directory; fail in CI (CI=true) and skip elsewhere when it is missing."""
    if not CORPUS.is_dir() or not SCORE.is_file():
        message = f"shared corpus not found at {CORPUS}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED


def truth_files() -> list[Path]:
    return sorted(CORPUS.glob("*/*.truth.json")) if CORPUS.is_dir() else []


def document_for(truth: Path) -> Path:
    stem = truth.name.removesuffix(".truth.json")
    matches = [p for p in truth.parent.iterdir() if p.stem == stem and not p.name.endswith(".json")]
    assert len(matches) == 1, f"expected one document beside {truth}, found {matches}"
    return matches[0]
