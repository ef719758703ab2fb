"""A document's type from its first bytes: portals serve PDFs as text/html and HTML as .pdf."""

from __future__ import annotations

EXTENSIONS = {
    "pdf": ".pdf",
    "html": ".html",
    "docx": ".docx",
    "doc": ".doc",
    "wps": ".wps",
    "text": ".txt",
    "unknown": ".bin",
}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HTML_MARKS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<meta",
    b"<div",
    b"<table",
    b"<p>",
    b"<title",
)


def sniff(data: bytes) -> str:
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or b"[Content_Types].xml" in head else "unknown"
    if head.startswith(OLE):
        if "WordDocument".encode("utf-16-le") in data[:65536]:
            return "doc"
        return "wps" if b"W\x00P\x00S" in data[:65536] or b"WPS" in data[:65536] else "unknown"
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(mark in lowered for mark in HTML_MARKS):
        return "html"
    if b"\x00" in head:
        return "unknown"
    for codec in ("utf-8", "gb18030"):
        try:
            data[:4096].decode(codec)
            return "text"
        except UnicodeDecodeError as exc:
            if exc.start >= 4090:  # cut mid-character at the sample's end
                return "text"
    return "unknown"
