"""Which fonts pdfium finds on the system: plain boxes while it reads text, the real ones to render.

A PDF that does not embed its fonts (reportlab's ``STSong-Light``, a WPS export naming 宋体)
makes pdfium substitute an installed font. With Noto CJK installed it copies the whole 26 MB
collection into memory for every document and loads a CFF outline for every character it
sizes: about 16 ms a document and 2–10 ms a page, ten times the text reading itself (embedded
fonts are unaffected). Reading text needs none of it: a character's code comes from the PDF's
own maps and its advance from the PDF's own widths. So while pdfium reads text, its system
font source is one small font built here, whose every glyph is a plain box (full width for
CJK, half width for Latin) that only sizes the character boxes; the text it reads is the same
(tests/extract_pdf/test_fonts.py). Rendering a page (OCR) switches back to the system fonts.

The font source is global to pdfium, so it is switched only between documents: a reader
worker runs one job at a time.
"""

from __future__ import annotations

import ctypes
import io
import threading
from functools import cache

import pypdfium2.raw as pdfium_c

FACE_NAME = b"GongkaiTextBoxes"
ASCENT, DESCENT = 880, -120  # font units of 1000 per em, as CJK fonts draw
# code point ranges → glyph: Latin half width; CJK symbols, ideographs and full-width forms full
BOX_RANGES = (
    (0x0020, 0x007F, "half"),
    (0x00A0, 0x0100, "half"),
    (0x2000, 0x2070, "half"),
    (0x2460, 0x2500, "full"),  # ①…⑳ and other enclosed numbers
    (0x3000, 0x3040, "full"),
    (0x3400, 0x4DC0, "full"),
    (0x4E00, 0xA000, "full"),
    (0xFF00, 0xFFF0, "full"),
)

_lock = threading.Lock()
_installed: str | None = None


def reading_text() -> None:
    """Let pdfium substitute the box font for any font a PDF does not embed."""
    _install("text")


def rendering() -> None:
    """Let pdfium substitute the system's fonts again (pages rendered for OCR)."""
    _install("render")


def _install(kind: str) -> None:
    global _installed
    with _lock:
        if _installed == kind:
            return
        if kind == "text":
            pdfium_c.FPDF_SetSystemFontInfo(_box_source())
        else:
            # a fresh default each time: pdfium releases the source it replaces, and the
            # default's release frees its font list
            pdfium_c.FPDF_SetSystemFontInfo(pdfium_c.FPDF_GetDefaultSystemFontInfo())
        _installed = kind


@cache  # one struct for the process's life: it keeps the ctypes callbacks alive
def _box_source() -> pdfium_c.FPDF_SYSFONTINFO:
    """The callbacks pdfium asks for fonts: every request gets the box font (handle 1), built
    when first asked for (a PDF that embeds its fonts never asks)."""
    kinds = dict(pdfium_c.FPDF_SYSFONTINFO._fields_)

    def copy_out(data: bytes, buffer: int, size: int) -> int:
        if buffer and size >= len(data):
            ctypes.memmove(buffer, data, len(data))
        return len(data)

    callbacks = {
        "Release": lambda this: None,  # lives as long as the process
        "EnumFonts": lambda this, mapper: None,  # no installed list: pdfium asks MapFont
        "MapFont": lambda this, weight, italic, charset, pitch, face, exact: 1,
        "GetFont": lambda this, face: 1,
        "GetFontData": lambda this, font, table, buffer, size: (
            copy_out(box_font(), buffer, size) if table == 0 else 0
        ),
        "GetFaceName": lambda this, font, buffer, size: copy_out(FACE_NAME + b"\0", buffer, size),
        "GetFontCharset": lambda this, font: 0,
        "DeleteFont": lambda this, font: None,
    }
    source = pdfium_c.FPDF_SYSFONTINFO(version=1)
    for name, function in callbacks.items():
        setattr(source, name, kinds[name](function))  # the struct keeps the ctypes callbacks
    return source


@cache
def box_font() -> bytes:
    """A TrueType font (about 44 KB) mapping the ranges of ``BOX_RANGES`` to two box glyphs."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def box(width: int):
        pen = TTGlyphPen(None)
        pen.moveTo((0, DESCENT))
        pen.lineTo((0, ASCENT))
        pen.lineTo((width, ASCENT))
        pen.lineTo((width, DESCENT))
        pen.closePath()
        return pen.glyph()

    widths = {".notdef": 500, "half": 500, "full": 1000}
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(list(widths))
    builder.setupCharacterMap(
        {code: glyph for low, high, glyph in BOX_RANGES for code in range(low, high)}
    )
    builder.setupGlyf({name: box(width) for name, width in widths.items()})
    builder.setupHorizontalMetrics({name: (width, 0) for name, width in widths.items()})
    builder.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    builder.setupNameTable({"familyName": FACE_NAME.decode(), "styleName": "Regular"})
    builder.setupOS2()
    builder.setupPost()
    out = io.BytesIO()
    builder.save(out)
    return out.getvalue()
