"""Every shared document with a truth file extracts exactly, as judged by the contract's scorer."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from pipeline.extract import extract_path
from tests.conftest import document_for, require_shared, truth_files

# PDFs are scored through the CLI in tests/extract_pdf/test_real_pdfs.py; everything else here,
# so a new HTML, text or Word document with a truth file is picked up without a code change.
CASES = [t for t in truth_files() if document_for(t).suffix.lower() != ".pdf"]


def test_the_corpus_is_there():
    shared = require_shared()
    assert CASES, f"no non-PDF truth files under {shared / 'corpus'}"


@pytest.mark.parametrize("truth", CASES, ids=lambda p: p.name)
def test_extracts_exactly(truth, tmp_path):
    require_shared()
    out = tmp_path / "out.json"
    out.write_text(json.dumps(extract_path(document_for(truth)), ensure_ascii=False), "utf-8")
    score = subprocess.run(
        [sys.executable, str(truth.parents[2] / "contract" / "score.py"), str(out), str(truth)],
        capture_output=True,
        text=True,
    )
    assert score.returncode == 0, score.stdout


def test_cli_prints_one_contract_object_for_the_seed():
    require_shared()
    seed = next(t for t in CASES if t.parent.name == "seed")
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(document_for(seed))],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["contract"] == "gongkai.report/1"
    assert doc["report"]["year"] == 2021
    assert doc["source"]["format"] == "text"
