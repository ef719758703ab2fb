"""OCR reader: ruled tables in page images (scanned PDFs, screenshots of tables) → grids.

Only images that hold a ruled table are read: OpenCV finds the ruling lines (after straightening
a mildly skewed scan), the enclosed regions are the cells, and their edges give each cell its
row, column and spans, so the grid comes from the drawing, not from the text. Each cell is cut
out with the ruling lines erased, split into text lines by its ink profile, and each line is
read by RapidOCR's recogniser (PP-OCRv4, ONNX models shipped inside the ``rapidocr-onnxruntime``
wheel: nothing is downloaded). A cell's ``ocr_confidence`` is the lowest score of its lines.
The grids go to the same template mapper as every other reader; the page title is read from
the top of the first page, so the report's year and agency are known.

Run :func:`read_scanned_pdf` and :func:`read_table_images` in the OCR worker of
:mod:`pipeline.extract.isolation` (memory cap ``GONGKAI_OCR_MEMORY_MB``): the recogniser is
loaded once per worker and kept.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from functools import cache

import cv2
import numpy as np

from pipeline.extract.grid import Cell, Grid, Reading
from pipeline.extract.pdf import title_from_text
from pipeline.extract.pdf_fonts import rendering
from pipeline.extract.values import is_value
from pipeline.images import unpack_images

OCR_DPI = 200  # PDF pages are rendered at this resolution for OCR
REPAIRED_CONFIDENCE = 0.5  # a value cell whose read had to be cut to its number
MAX_PAGES = 40  # pages of one PDF looked at for tables
MAX_PIXELS = 40_000_000  # a larger image (e.g. a 600 dpi poster) is scaled down first
MIN_TABLE_WIDTH = 0.3  # a ruled table spans at least this share of the page width
MIN_CELL = 8  # pixels: smaller enclosed regions are ruling-line artefacts
INK_LEVEL = 128  # grey levels below this are ink
MIN_SPECK = 4  # pixels: smaller blobs are scanner noise
TITLE_SHARE = 0.3  # the title is printed in the top 30% of the first page
TITLE_LINES = 6  # lines read there: the title, and the sentence that names the period


class OcrTimeout(Exception):
    """A page took longer than the per-page limit."""


@dataclass
class CellBox:
    x0: int
    y0: int
    x1: int
    y1: int
    row: int = 0
    col: int = 0
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Table:
    cells: list[CellBox]
    rows: int
    cols: int
    top: int


# --- the engine ----------------------------------------------------------------------------


REC_MIN_WIDTH = 160  # PaddleOCR pads every line to 320 px: a digit would cost a whole line
REC_BATCH = 1  # lines of very different widths: batching only adds padding


@cache
def recogniser():
    """RapidOCR's text-line recogniser, loaded once per process (~0.5 s, ~100 MB).

    Cells are cut out by the grid, so the text detector (the slow half of OCR) is never run.
    """
    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
    from rapidocr_onnxruntime.utils import read_yaml, update_model_path

    config = update_model_path(read_yaml(DEFAULT_CFG_PATH))["Rec"]
    config.update(
        intra_op_num_threads=2,
        inter_op_num_threads=1,
        rec_batch_num=REC_BATCH,
        rec_img_shape=[3, 48, REC_MIN_WIDTH],
    )
    return TextRecognizer(config)


def warm() -> None:
    """Load the models now: the worker does it once, before its memory cap applies."""
    recogniser()


def recognise(lines: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and score of each single-line image (grey)."""
    if not lines:
        return []
    images = [cv2.cvtColor(line, cv2.COLOR_GRAY2BGR) for line in lines]
    results, _elapsed = recogniser()(images)
    return [(text, float(score)) for text, score in results]


# --- page geometry -------------------------------------------------------------------------


def _ink(gray: np.ndarray) -> np.ndarray:
    """Ink as white on black, robust to uneven scans."""
    return cv2.adaptiveThreshold(
        255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -10
    )


def _lines(ink: np.ndarray, horizontal: bool, scale: int) -> np.ndarray:
    h, w = ink.shape
    size = (max(w // scale, 10), 1) if horizontal else (1, max(h // scale, 10))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    return cv2.dilate(cv2.erode(ink, kernel), kernel)


def deskew(gray: np.ndarray) -> np.ndarray:
    """Rotate so that the long ruling lines are horizontal (mild skew of a scan, ≤ 5°)."""
    ink = _ink(gray)
    mask = _lines(ink, True, 40)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    angles, weights = [], []
    for contour in contours:
        _x, _y, w, h = cv2.boundingRect(contour)
        if w < gray.shape[1] * 0.25 or h > w * 0.1:
            continue
        vx, vy, _x0, _y0 = cv2.fitLine(contour, cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        angles.append(float(np.degrees(np.arctan2(vy, vx))))
        weights.append(w)
    if not angles:
        return gray
    angle = float(np.average(angles, weights=weights))
    if abs(angle) < 0.05 or abs(angle) > 5:
        return gray
    h, w = gray.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        gray, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )


def _cluster(values: list[int], tolerance: int) -> list[int]:
    """Sorted positions, neighbours closer than ``tolerance`` merged into their mean."""
    groups: list[list[int]] = []
    for v in sorted(values):
        if groups and v - groups[-1][-1] <= tolerance:
            groups[-1].append(v)
        else:
            groups.append([v])
    return [round(sum(g) / len(g)) for g in groups]


def _nearest(edges: list[int], v: int) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def find_tables(gray: np.ndarray) -> tuple[list[Table], np.ndarray]:
    """Ruled tables of a (straightened) page, top to bottom, and the mask of ruling lines."""
    ink = _ink(gray)
    w = gray.shape[1]
    rules = cv2.bitwise_or(_lines(ink, True, 30), _lines(ink, False, 40))
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    contours, _ = cv2.findContours(rules, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    tables = []
    tolerance = max(4, w // 200)
    for contour in contours:
        tx, ty, tw, th = cv2.boundingRect(contour)
        if tw < w * MIN_TABLE_WIDTH or th < 2 * MIN_CELL:
            continue
        # Close the frame: at a page break a table is often left open (no bottom or top rule),
        # and the row there would not be an enclosed cell.
        frame = rules[ty : ty + th, tx : tx + tw].copy()
        cv2.rectangle(frame, (0, 0), (tw - 1, th - 1), 255, 3)
        rules[ty : ty + th, tx : tx + tw] = frame
        region = 255 - frame
        count, _labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=4)
        boxes = []
        for i in range(1, count):
            x, y, bw, bh, _area = stats[i]
            touches = x == 0 or y == 0 or x + bw >= tw or y + bh >= th
            if touches or bw < MIN_CELL or bh < MIN_CELL:
                continue  # outside the frame, or a sliver between doubled lines
            boxes.append(CellBox(tx + x, ty + y, tx + x + bw, ty + y + bh))
        if len(boxes) < 2:
            continue
        ys = _cluster([b.y0 for b in boxes] + [b.y1 for b in boxes], tolerance)
        xs = _cluster([b.x0 for b in boxes] + [b.x1 for b in boxes], tolerance)
        for b in boxes:
            b.row, b.col = _nearest(ys, b.y0), _nearest(xs, b.x0)
            b.rowspan = max(1, _nearest(ys, b.y1) - b.row)
            b.colspan = max(1, _nearest(xs, b.x1) - b.col)
        tables.append(Table(boxes, len(ys) - 1, len(xs) - 1, ty))
    tables.sort(key=lambda t: t.top)
    return tables, rules


# --- cells ---------------------------------------------------------------------------------


def cell_lines(clean: np.ndarray, box: CellBox, min_char: int) -> list[np.ndarray]:
    """The text lines printed in a cell, as grey crops."""
    pad = 2
    crop = clean[box.y0 + pad : box.y1 - pad, box.x0 + pad : box.x1 - pad]
    return text_lines(crop, min_char)


def text_lines(crop: np.ndarray, min_char: int) -> list[np.ndarray]:
    """The text lines printed in a region, as grey crops, found from its ink profile.

    Ink is what is darker than mid-grey on the despeckled page; blobs shorter than
    ``min_char`` (a third of a printed character's height) are noise unless they are as wide as
    a character (a dash, which prints a blank cell).
    """
    if crop.size == 0:
        return []
    ink = (crop < INK_LEVEL).astype(np.uint8)
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = crop.shape
    blobs = []
    for i in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[i])
        edge = x == 0 or y == 0 or x + w >= width or y + h >= height
        if area < MIN_SPECK or (edge and min(w, h) <= max(2, min_char // 2)):
            continue  # scanner noise, or what is left of a ruling line at the cell's edge
        blobs.append((x, y, w, h, area))
    spans = sorted((y, y + h) for _x, y, w, h, _a in blobs if h >= min_char or w >= 2 * min_char)
    lines: list[list[int]] = []
    for y0, y1 in spans:  # blobs that overlap vertically (or nearly) are one line
        if lines and y0 <= lines[-1][1] + min_char // 3:
            lines[-1][1] = max(lines[-1][1], y1)
        else:
            lines.append([y0, y1])
    lines = _attach_thin(lines, min_char)
    out = []
    for y0, y1 in lines:
        inside = [(x, x + w) for x, y, w, h, _a in blobs if y < y1 and y + h > y0]
        margin = max(4, (y1 - y0) // 3)
        x0 = max(0, min(a for a, _ in inside) - margin)
        x1 = min(crop.shape[1], max(b for _, b in inside) + margin)
        out.append(crop[max(0, y0 - margin) : min(crop.shape[0], y1 + margin), x0:x1])
    return out


def _attach_thin(lines: list[list[int]], min_char: int) -> list[list[int]]:
    """A line thinner than a character (the bar of a 5, a detached accent) close to a text
    line is part of it; alone it stays (a dash printed in a blank cell)."""
    out: list[list[int]] = []
    for line in lines:
        if out and (
            (line[1] - line[0] < min_char or out[-1][1] - out[-1][0] < min_char)
            and line[0] - out[-1][1] <= 2 * min_char
        ):
            out[-1] = [out[-1][0], max(out[-1][1], line[1])]
        else:
            out.append(list(line))
    return out


def read_table(gray: np.ndarray, rules: np.ndarray, table: Table, deadline: float) -> list:
    """``[(CellBox, text, confidence)]`` for every cell of ``table``."""
    clean = gray.copy()
    # erase the ruling lines (and their anti-aliased fringe) so no border is read as text
    clean[cv2.dilate(rules, np.ones((3, 3), np.uint8)) > 0] = 255
    min_char = max(3, gray.shape[0] // 350)  # ~1/3 of a 10.5 pt character on an A4 page
    per_cell = [cell_lines(clean, box, min_char) for box in table.cells]
    flat = [line for lines in per_cell for line in lines]
    if time.monotonic() > deadline:
        raise OcrTimeout
    results = iter(recognise(flat))
    out = []
    for box, lines in zip(table.cells, per_cell, strict=True):
        read = [next(results) for _ in lines]
        text = clean_text("".join(t for t, _ in read))
        confidence = min((s for _, s in read), default=1.0)
        out.append((box, text, confidence))
    return out


def build_grid(table: Table, read: list, index: int, page: int | None, first: int) -> Grid:
    """A grid with merged cells copied into every slot they cover, sharing ``source``."""
    slots: dict[tuple[int, int], Cell] = {}
    for n, (box, text, confidence) in enumerate(read):
        for r in range(box.row, box.row + box.rowspan):
            for c in range(box.col, box.col + box.colspan):
                slots[(r, c)] = Cell(text, index, r, c, first + n, page, round(confidence, 4))
    start = _fill_blank_labels(slots, table)
    _repair_values(slots, start)
    grid: Grid = []
    for r in range(table.rows):
        row = [slots[(r, c)] for c in range(table.cols) if (r, c) in slots]
        if row:
            grid.append(row)
    for r, row in enumerate(grid):
        for cell in row:
            cell.row = r
    return grid


def _fill_blank_labels(slots: dict[tuple[int, int], Cell], table: Table) -> int:
    """A blank slot left of the value columns is part of a merged label whose rule was drawn
    anyway (a table continued on the next page repeats its column rules): it continues the label
    above it when the row's own label is further right, else the label to its left; a blank
    label slot with neither is dropped. Copies keep the original's ``source``. Returns the first
    value column."""
    filled = [c for (_r, c), cell in slots.items() if _filled_value(cell.text)]
    start = min(filled, default=table.cols)
    for r in range(table.rows):
        for c in range(start):
            cell = slots.get((r, c))
            if cell is None or cell.text.strip():
                continue
            right = any(
                (slots.get((r, k)) or cell).text.strip() and not is_value(slots[(r, k)].text)
                for k in range(c + 1, start)
                if (r, k) in slots
            )
            origin = slots.get((r - 1, c)) if right else slots.get((r, c - 1))
            if origin is not None and origin.text.strip():
                slots[(r, c)] = replace(origin, row=r, col=c)
            else:
                del slots[(r, c)]
    return start


NUMBER_PREFIX = re.compile(r"^([-+]?\d[\d,]*(?:\.\d+)?)(\D{1,2})$")


def _repair_values(slots: dict[tuple[int, int], Cell], start: int) -> None:
    """A value slot read as a number plus one or two stray characters (``2乙``) keeps the
    number, with a confidence that marks it uncertain: the report is flagged, not broken."""
    for key, cell in list(slots.items()):
        match = NUMBER_PREFIX.match(cell.text) if key[1] >= start else None
        if match and not is_value(cell.text):
            confidence = min(cell.ocr_confidence or 0.0, REPAIRED_CONFIDENCE)
            slots[key] = replace(cell, text=match.group(1), ocr_confidence=confidence)


NUMERIC = re.compile(
    r"^[\s.,、·'`\"]*([-+]?[0-9OoIl|][0-9OoIl|,]*(?:\.[0-9OoIl|]+)?)[\s.,、·'`\"]*$"
)
DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})
PUNCTUATION_ONLY = re.compile(r"^[\W_]*$")


def clean_text(text: str) -> str:
    """OCR noise off a cell: stray dots and ticks around a number, letters that stand for
    digits in a number (O→0, l→1), a read made only of punctuation (specks) → blank."""
    text = text.strip()
    if PUNCTUATION_ONLY.match(text) and not set(text) & set("-—–/"):
        return ""
    match = NUMERIC.match(text)
    if match and any(ch.isdigit() for ch in match.group(1)):
        return match.group(1).translate(DIGIT_LOOKALIKES)
    return text


def _filled_value(text: str) -> bool:
    return bool(text.strip()) and is_value(text)


# --- documents -----------------------------------------------------------------------------


def _limit(gray: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    if h * w <= MAX_PIXELS:
        return gray
    scale = (MAX_PIXELS / (h * w)) ** 0.5
    return cv2.resize(gray, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA)


def read_pages(pages, fmt: str, page_timeout: float, *, numbered: bool, title: bool) -> Reading:
    """OCR the tables of page images (an iterable of grey arrays) into one Reading.

    ``numbered``: the images are PDF pages (cells carry ``page``); ``title``: read the first
    lines of the first page, where a report prints its title and year.
    """
    doc = Reading(fmt, ocr=True)
    texts: list[str] = []
    source = 0
    for number, gray in enumerate(pages, start=1):
        deadline = time.monotonic() + page_timeout
        gray = deskew(_limit(gray))
        tables, rules = find_tables(gray)
        if number == 1 and title:
            top = min([int(gray.shape[0] * TITLE_SHARE), *(t.top for t in tables)])
            found = text_lines(gray[:top], max(3, gray.shape[0] // 350))[:TITLE_LINES]
            lines = [text for text, _ in recognise(found)]
            texts.extend(lines)
            doc.title = title_from_text("\n".join(lines))
        for table in tables:
            try:
                read = read_table(gray, rules, table, deadline)
            except OcrTimeout:
                return Reading(
                    fmt,
                    verdict=("failed", f"OCR of page {number} exceeded {page_timeout:g} s"),
                    fault=True,
                    ocr=True,
                )
            grid = build_grid(table, read, len(doc.grids), number if numbered else None, source)
            source += len(read)
            doc.grids.append(grid)
            texts.extend("\t".join(c.text for c in row) for row in grid)
        if time.monotonic() > deadline:
            return Reading(
                fmt,
                verdict=("failed", f"OCR of page {number} exceeded {page_timeout:g} s"),
                fault=True,
                ocr=True,
            )
    doc.text = "\n".join(texts)
    if not doc.grids:
        doc.verdict = (
            "unsupported",
            "no text layer: scanned report, and OCR found no ruled table on its pages",
        )
    return doc


def pdf_pages(data: bytes, dpi: int = OCR_DPI):
    """The first ``MAX_PAGES`` pages of a PDF rendered grey at ``dpi``."""
    import pypdfium2 as pdfium

    rendering()
    pdf = pdfium.PdfDocument(data)
    try:
        for index in range(min(len(pdf), MAX_PAGES)):
            page = pdf[index]
            width, height = page.get_size()  # points; a hostile page can be metres wide
            scale = min(dpi / 72, (MAX_PIXELS / max(1.0, width * height)) ** 0.5)
            bitmap = page.render(scale=scale, grayscale=True)
            array = bitmap.to_numpy().copy()
            bitmap.close()
            page.close()
            yield array if array.ndim == 2 else cv2.cvtColor(array, cv2.COLOR_BGR2GRAY)
    finally:
        pdf.close()


def read_scanned_pdf(data: bytes, page_timeout: float) -> Reading:
    """A PDF without a usable text layer: its ruled tables read by OCR, at most
    ``page_timeout`` seconds a page."""
    return read_pages(pdf_pages(data), "pdf", page_timeout, numbered=True, title=True)


def decode_image(data: bytes) -> np.ndarray | None:
    """A PNG/JPEG/GIF/BMP/WebP image as a grey array, ``None`` when it is not one."""
    array = np.frombuffer(data, np.uint8)
    gray = cv2.imdecode(array, cv2.IMREAD_GRAYSCALE)
    return gray


def read_table_images(data: bytes, page_timeout: float) -> Reading:
    """The ruled tables in a report's images (a :func:`pipeline.images.pack_images`
    payload), in document order, at most ``page_timeout`` seconds an image."""
    grays = [g for g in (decode_image(i) for i in unpack_images(data)) if g is not None]
    return read_pages(iter(grays), "html", page_timeout, numbered=False, title=False)
