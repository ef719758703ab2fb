"""A report article whose tables are pasted as screenshots: the images the crawler archived
with it are read by OCR and extract exactly."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from pipeline.extract import extract_bytes, with_image_tables
from pipeline.extract.html import read_html
from pipeline.sniff import sniff
from tests.conftest import CORPUS, SCORE, require_shared
from tests.extract_ocr.scans import page_images

TRUTH = CORPUS / "real" / "hzq2024_working.truth.json"


def _screenshots(dpi: int = 200) -> list[bytes]:
    """The PDF's table pages as PNG screenshots."""
    images = page_images((CORPUS / "real" / "hzq2024_working.pdf").read_bytes(), dpi, skew=0)
    out = []
    for image in images[1:4]:
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        out.append(buffer.getvalue())
    return out


def _article(title: str, count: int) -> bytes:
    pictures = "".join(f'<p><img src="/pic/t{i}.png" alt="表{i}"></p>' for i in range(count))
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<div class='TRS_Editor'><h1>{title}</h1><p>一、总体情况</p><p>正文。</p>"
        f"<p>二、主动公开政府信息情况</p>{pictures}</div></body></html>"
    ).encode()


def test_article_with_table_screenshots_extracts_exactly(tmp_path):
    require_shared()
    screenshots = _screenshots()
    assert all(sniff(s) == "image" for s in screenshots)
    title = "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    got = extract_bytes(_article(title, 3), path="article.html", images=screenshots)
    assert got["source"]["format"] == "html" and got["source"]["ocr"] is True
    assert got["report"]["year"] == 2024
    out = tmp_path / "out.json"
    out.write_text(json.dumps(got, ensure_ascii=False), "utf-8")
    score = subprocess.run(
        [sys.executable, str(SCORE), str(out), str(TRUTH)], capture_output=True, text=True
    )
    assert score.returncode == 0, score.stdout


def test_article_without_its_images_has_no_tables():
    title = "淮安市洪泽区人民政府2024年政府信息公开工作年度报告"
    got = extract_bytes(_article(title, 3), path="article.html")
    assert got["status"] == "unsupported"
    assert "ocr" not in got["source"]


def test_images_are_not_read_when_the_markup_holds_every_table():
    require_shared()
    page = (CORPUS / "real" / "pingtan-2021.html").read_bytes()

    class Refusing:
        def read(self, *_args):
            raise AssertionError("OCR must not run")

    doc = with_image_tables(read_html(page), [b"\x89PNG\r\n\x1a\n"], Refusing())
    assert not doc.ocr
