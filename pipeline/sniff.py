"""A document's type from its first bytes: portals serve PDFs as text/html and HTML as .pdf."""

from __future__ import annotations

from pipeline.decode import decode, wide_encoding

EXTENSIONS = {
    "pdf": ".pdf",
    "html": ".html",
    "docx": ".docx",
    "doc": ".doc",
    "wps": ".wps",
    "text": ".txt",
    "image": ".img",
    "unknown": ".bin",
}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
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


def is_image(data: bytes) -> bool:
    """PNG, JPEG, GIF or WebP, from the first bytes."""
    return data.startswith(IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def sniff(data: bytes) -> str:
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or b"[Content_Types].xml" in head else "unknown"
    if is_image(head):  # a picture archived with its article (a table pasted as a screenshot)
        return "image"
    if head.startswith(OLE):
        if "WordDocument".encode("utf-16-le") in data[:65536]:
            return "doc"
        return "wps" if b"W\x00P\x00S" in data[:65536] or b"WPS" in data[:65536] else "unknown"
    wide = wide_encoding(head)
    if wide:  # UTF-16/32 markup or text, with or without BOM: judge its characters
        head = data[:4096].decode(wide, errors="replace").encode("utf-8", errors="replace")
    elif b"\x00" in head:
        if head.count(0) > len(head) // 10:
            return "unknown"
        head = head.replace(b"\x00", b"")  # a few stray NULs in a page: removed when decoding
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(mark in lowered for mark in HTML_MARKS):
        return "html"
    return "text" if _is_text(head) else "unknown"


def _is_text(head: bytes) -> bool:
    """Text when the sample decodes (99 % of its bytes, see decode) and is not control codes."""
    sample = decode(head[:-4] if len(head) > 8 else head, detect=False)
    if sample.replaced > max(1, len(head.translate(None, bytes(range(128)))) // 100):
        return False
    controls = sum(1 for ch in sample.text if ch < " " and ch not in "\t\n\r\f")
    return controls <= len(sample.text) // 100
