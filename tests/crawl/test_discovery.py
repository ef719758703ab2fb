"""Link rules, agencies, attachments and type sniffing (pure functions, no network)."""

from __future__ import annotations

from pipeline.crawl.discovery import agency_of, attachments, entry_for
from pipeline.portals.registry import parse_registry
from pipeline.sniff import sniff

PORTAL = parse_registry(
    {
        "portals": [
            {
                "id": "ledu",
                "district": "乐都区",
                "division_code": "630202",
                "city": "海东市",
                "province": "青海省",
                "start_urls": ["http://a.gov.cn/ndbg/index.html"],
                "district_aliases": ["乐都区政府办公室"],
            }
        ]
    }
)[0]


def test_agency_kind():
    assert agency_of("乐都区2021年政府信息公开工作年度报告", PORTAL) == (
        "乐都区人民政府",
        "district",
        None,
    )
    assert agency_of("海东市乐都区人民政府2021年政府信息公开工作年度报告", PORTAL)[1] == "district"
    assert agency_of("2021年政府信息公开工作年度报告", PORTAL)[1] == "district"
    assert agency_of("乐都区政府办公室2021年政府信息公开工作年度报告", PORTAL)[1] == "district"
    assert agency_of("乐都区教育局2021年政府信息公开工作年度报告", PORTAL) == (
        "乐都区教育局",
        "department",
        None,
    )
    assert agency_of("2021年度乐都区碾伯镇政府信息公开工作年度报告", PORTAL) == (
        "乐都区碾伯镇",
        "department",
        None,
    )


OTHER = parse_registry(
    {
        "portals": [
            {
                "id": "pingan",
                "district": "平安区",
                "division_code": "630203",
                "city": "海东市",
                "province": "青海省",
                "start_urls": ["http://b.gov.cn/ndbg/index.html"],
            }
        ]
    }
)[0]


def test_another_governments_report_is_never_a_department():
    """Filed under the registry district it names, else `other` with the printed name."""
    title = "{}2021年政府信息公开工作年度报告"
    assert agency_of(title.format("海东市平安区"), PORTAL, (OTHER,)) == (
        "海东市平安区",
        "district",
        "630203",
    )
    assert agency_of(title.format("平安区卫生健康局"), PORTAL, (OTHER,)) == (
        "平安区卫生健康局",
        "department",
        "630203",
    )
    for name in ("西宁市城东区", "城东区", "海东市", "海东市人民政府", "青海省", "湟中县人民政府"):
        assert agency_of(title.format(name), PORTAL, (OTHER,)) == (name, "other", None)
    assert agency_of(title.format("平安区"), PORTAL) == ("平安区", "other", None)  # not known
    assert agency_of(title.format("碾伯镇"), PORTAL)[1] == "department"  # no government named
    assert agency_of(title.format("乐都区工业园区"), PORTAL)[1] == "department"


def test_entry_year_and_tags():
    entry = entry_for(
        "http://a.gov.cn/x.html#top", "【置顶】乐都区2022年度政府信息公开工作年报", PORTAL
    )
    assert (
        entry.year == 2022
        and entry.url == "http://a.gov.cn/x.html"
        and entry.agency_kind == "district"
    )
    assert (
        entry_for(
            "http://a.gov.cn/y.html", "关于《乐都区2022年政府信息公开工作年度报告》的解读", PORTAL
        )
        is None
    )


def test_attachments_everywhere():
    page = """<html><body><div class="TRS_Editor">
      <a href="./P020220101.pdf">附件1</a>
      <a href="../files/report.doc">附件2</a>
      <a href="//a.gov.cn/module/download/downfile.jsp?fileid=99">点击下载</a>
      <iframe src="/pdfjs/web/viewer.html?file=%2Fuploads%2Fa.pdf"></iframe>
      <embed src="/uploads/b.pdf" type="application/pdf">
      <span onclick="window.open('/uploads/c.pdf')">查看</span>
      <a href="/xxgk/other.html">上一篇</a>
      <a href="./P020220101.pdf">附件1 again</a>
    </div></body></html>""".encode()
    found = dict(attachments(page, "http://a.gov.cn/ndbg/202201/t1.html"))
    assert set(found) == {
        "http://a.gov.cn/ndbg/202201/P020220101.pdf",
        "http://a.gov.cn/ndbg/files/report.doc",
        "http://a.gov.cn/module/download/downfile.jsp?fileid=99",
        "http://a.gov.cn/uploads/a.pdf",
        "http://a.gov.cn/uploads/b.pdf",
        "http://a.gov.cn/uploads/c.pdf",
    }


def test_sniff():
    assert sniff(b"%PDF-1.7\n...") == "pdf"
    assert sniff(b"\r\n%PDF-1.4") == "pdf"
    assert sniff(b"PK\x03\x04" + b"\0" * 30 + b"word/document.xml") == "docx"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le")) == "doc"
    assert sniff("\ufeff<!DOCTYPE html><html>".encode()) == "html"
    assert sniff("纯文本报告".encode("gbk")) == "text"
    assert sniff(b"\x00\x01\x02\xff") == "unknown"
