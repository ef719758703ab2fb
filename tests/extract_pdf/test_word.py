"""Word documents: .docx with merged cells, .doc/.wps through (a stand-in for) LibreOffice."""

from __future__ import annotations

import io
import os
import stat
import sys
import time
import zipfile

import pytest

from pipeline.extract import extract_bytes, word
from pipeline.extract.word import (
    NO_CONVERTER,
    ConverterFailure,
    read_binary_word,
    read_docx,
    run_converter,
)
from tests.extract.contract_reports import cells, report
from tests.extract_pdf.fixtures import report_docx

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504  # an OLE compound file header

CASES = {
    "2021 split": report(split_other=True),
    "2019 with procurement": report(
        year=2019, formats=dict.fromkeys("一五六八", "2019"), procurement=True
    ),
    "mixed": report(formats={"一": "2019", "五": "2021", "六": "2021", "八": "2021"}),
}


@pytest.mark.parametrize("name", CASES)
def test_docx_reads_back_what_it_printed(name):
    facts = CASES[name]
    result = extract_bytes(report_docx(facts), path="report.docx")
    assert result["source"]["format"] == "docx"
    assert result["status"] == "ok", result["errors"]
    assert cells(result) == cells(facts)
    assert result["templates"] == facts["templates"]
    assert result["report"]["year"] == facts["report"]["year"]


def test_merged_cells_share_their_source():
    doc = read_docx(report_docx(report()))
    applications = next(g for g in doc.grids if any("本年新收" in c.text for row in g for c in row))
    header = applications[0]
    assert len({c.source for c in header[:3]}) == 1  # gridSpan 3 + vMerge over three rows
    assert applications[1][0].source == header[0].source
    group = [row[0] for row in applications[5:]]
    assert len({c.source for c in group if c.text == "三、本年度办理结果"}) == 1
    assert all(
        c.row == r and c.col == k for r, row in enumerate(applications) for k, c in enumerate(row)
    )


def test_corrupt_docx_fails():
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types")
        zf.writestr("word/document.xml", "<w:document>not xml")
    result = extract_bytes(broken.getvalue(), path="x.docx")
    assert result["status"] == "failed"
    assert result["errors"][0].startswith("corrupt .docx")
    assert read_docx(b"PK\x03\x04not a zip").verdict[1].startswith("corrupt .docx")


def test_binary_word_without_libreoffice_is_unsupported(monkeypatch):
    monkeypatch.setattr(word, "find_soffice", lambda: None)
    for fmt in ("doc", "wps"):
        doc = read_binary_word(OLE, fmt)
        assert doc.verdict == ("unsupported", NO_CONVERTER)
        assert doc.format == fmt


def _script(path, body: str) -> str:
    path.write_text(f"#!{sys.executable}\n{body}", "utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_binary_word_goes_through_the_converter(monkeypatch, tmp_path):
    """A stand-in converter that writes the .docx LibreOffice would: the .docx is then read."""
    converted = tmp_path / "converted.docx"
    converted.write_bytes(report_docx(report()))
    fake = _script(
        tmp_path / "soffice",
        (
            "import shutil, sys\n"
            "args = sys.argv[1:]\n"
            "assert any(a.startswith('-env:UserInstallation=file://') for a in args)\n"
            "outdir = args[args.index('--outdir') + 1]\n"
            f"shutil.copy({str(converted)!r}, outdir + '/report.docx')\n"
        ),
    )
    monkeypatch.setattr(word, "find_soffice", lambda: fake)
    doc = read_binary_word(OLE, "wps")
    assert doc.verdict is None and doc.format == "wps" and doc.grids


def test_converter_timeout_kills_the_whole_process_group(tmp_path):
    """LibreOffice forks soffice.bin: a timeout must kill the children too."""
    pid_file = tmp_path / "child.pid"
    slow = _script(
        tmp_path / "slow",
        (
            "import subprocess, sys, time\n"
            "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
            f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
            "time.sleep(120)\n"
        ),
    )
    failure = run_converter([slow], timeout=2)
    assert failure == ConverterFailure("timed out after 2 s", limit=True)
    child = int(pid_file.read_text())
    for _ in range(50):  # the kill is asynchronous; give the kernel a moment to reap
        if not _alive(child):
            break
        time.sleep(0.1)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return os.path.exists(f"/proc/{pid}")


def test_converter_failure_is_reported(tmp_path):
    broken = _script(tmp_path / "broken", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)")
    assert run_converter([broken], timeout=10) == ConverterFailure("failed (exit code 3: boom)")


def test_converter_timeout_twice_is_the_documents_problem(monkeypatch, tmp_path):
    """The pool's rule: a limit hit is retried once in a fresh process (with a fresh profile);
    the second hit is the document's problem and the reason names the limit."""
    calls = tmp_path / "calls"
    hang = _script(
        tmp_path / "soffice",
        (
            "import sys, time\n"
            "profile = next(a for a in sys.argv if a.startswith('-env:UserInstallation='))\n"
            f"open({str(calls)!r}, 'a').write(profile + '\\n')\n"
            "time.sleep(120)\n"
        ),
    )
    monkeypatch.setattr(word, "find_soffice", lambda: hang)
    doc = read_binary_word(OLE, "wps", timeout=3)
    assert doc.verdict == (
        "failed",
        "LibreOffice conversion timed out after 3 s (twice, the second time in a fresh process)",
    )
    assert doc.fault is False
    profiles = calls.read_text().split()
    assert len(profiles) == 2 and profiles[0] != profiles[1]


def test_converter_timeout_once_then_converted(monkeypatch, tmp_path):
    """One hit may be a busy machine: the retry's result stands."""
    converted = tmp_path / "converted.docx"
    converted.write_bytes(report_docx(report()))
    seen = tmp_path / "seen"
    flaky = _script(
        tmp_path / "soffice",
        (
            "import os, shutil, sys, time\n"
            f"if not os.path.exists({str(seen)!r}):\n"
            f"    open({str(seen)!r}, 'w').close()\n"
            "    time.sleep(120)\n"
            "args = sys.argv[1:]\n"
            "outdir = args[args.index('--outdir') + 1]\n"
            f"shutil.copy({str(converted)!r}, outdir + '/report.docx')\n"
        ),
    )
    monkeypatch.setattr(word, "find_soffice", lambda: flaky)
    doc = read_binary_word(OLE, "doc", timeout=3)
    assert doc.verdict is None and doc.fault is False and doc.grids


def test_extract_reports_binary_word_as_unsupported_without_libreoffice(monkeypatch):
    monkeypatch.setattr(word, "find_soffice", lambda: None)
    documents = {
        "doc": OLE + "WordDocument".encode("utf-16-le"),
        "wps": OLE + "WPS Office".encode("utf-16-le"),
    }
    for fmt, data in documents.items():
        result = extract_bytes(data, path=f"report.{fmt}")
        assert result["source"]["format"] == fmt
        assert result["status"] == "unsupported"
        assert result["errors"] == [NO_CONVERTER]
