"""Unreadable PDFs end with a clear status and reason, never a crash or a hang."""

from __future__ import annotations

from pipeline.extract import extract_bytes
from pipeline.extract.isolation import Limits, run_isolated
from pipeline.samples.render_pdf import render_pdf
from tests.extract.contract_reports import report
from tests.extract_pdf.fixtures import bomb_pdf, notice_pdf, scanned_pdf

READ_PDF = "pipeline.extract.pdf:read_pdf"


def _good() -> bytes:
    return render_pdf(report())


def test_scan_without_ruled_tables_is_unsupported_after_ocr():
    result = extract_bytes(scanned_pdf(), path="scan.pdf")
    assert result["status"] == "unsupported"
    assert result["errors"][0] == (
        "no text layer: scanned report, and OCR found no ruled table on its pages"
    )
    assert result["source"]["ocr"] is True


def test_corrupt_file_fails_with_reason():
    result = extract_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40, path="bad.pdf")
    assert result["status"] == "failed"
    assert result["errors"][0].startswith("corrupt or truncated PDF")
    assert result["pipeline_fault"] is False  # the document is broken, not our pipeline


def test_truncated_file_fails_with_reason():
    data = _good()
    result = extract_bytes(data[: len(data) // 2], path="cut.pdf")
    assert result["status"] == "failed"
    assert "corrupt or truncated PDF" in result["errors"][0]


def test_user_password_fails():
    result = extract_bytes(render_pdf(report(), password=("user-secret", "owner")), path="x.pdf")
    assert result["status"] == "failed"
    assert result["errors"][0] == "PDF needs a user password"


def test_text_without_unicode_mapping_is_garbled():
    """A CID font without a usable CMap: pdfium guesses wrong Chinese, pdfminer says (cid:)."""
    data = _good().replace(b"/UniGB-UCS2-H", b"/Identity-H  ")
    result = extract_bytes(data, path="cid.pdf")
    assert result["status"] == "unsupported"
    assert result["errors"][0].startswith("garbled text")


def test_readable_text_that_is_not_a_report_fails():
    result = extract_bytes(notice_pdf(), path="notice.pdf")
    assert result["status"] == "failed"
    assert result["errors"][0].startswith("not an annual report")


def test_decompression_bomb_fails_alone():
    """2 MB that inflates to 2 GB: the worker dies at its memory cap (twice: the second time
    in a fresh worker, so it is the document's doing), and the run goes on."""
    result = extract_bytes(bomb_pdf(2048), path="bomb.pdf")
    assert result["status"] == "failed"
    assert "memory limit" in result["errors"][0]
    assert result["pipeline_fault"] is False
    after = extract_bytes(_good(), path="next.pdf")
    assert after["status"] == "ok"


def test_timeout_kills_the_worker_and_the_next_document_is_read():
    doc = run_isolated(READ_PDF, _good(), limits=Limits(timeout=0.05))
    assert doc.verdict[0] == "failed"
    assert doc.verdict[1].startswith("timed out after 0.05 s (twice")
    assert doc.fault is False
    doc = run_isolated(READ_PDF, _good())
    assert doc.verdict is None and doc.grids


def test_a_reader_outside_the_allow_list_is_refused():
    doc = run_isolated("os:system", b"echo hi")
    assert doc.verdict[0] == "failed"
    assert "not allowed" in doc.verdict[1]


def test_the_memory_cap_is_applied():
    doc = run_isolated(READ_PDF, bomb_pdf(600), limits=Limits(memory_mb=400))
    assert doc.verdict[0] == "failed"
    assert "memory limit" in doc.verdict[1]
