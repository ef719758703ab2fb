"""Scanned copies of PDFs, made in the test: pages rasterised with pypdfium2, mildly rotated,
optionally noisy, and re-wrapped as an image-only PDF (no text layer)."""

from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
from PIL import Image


def page_images(
    pdf_bytes: bytes, dpi: int, *, skew: float = 0.4, noise: float = 0.0, seed: int = 7
) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(pdf_bytes)
    out = []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            angle = skew * (1 if i % 2 else -1)
            image = image.rotate(angle, resample=Image.BILINEAR, expand=False, fillcolor=255)
            if noise:
                pixels = np.asarray(image, dtype=np.float32)
                pixels += rng.normal(0, 255 * noise, pixels.shape)
                specks = rng.random(pixels.shape) < noise / 20
                pixels[specks] = 0
                image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            out.append(image)
    finally:
        pdf.close()
    return out


def scanned_pdf(pdf_bytes: bytes, dpi: int, **kwargs) -> bytes:
    """An image-only PDF of ``pdf_bytes`` as a scanner at ``dpi`` would make it."""
    images = page_images(pdf_bytes, dpi, **kwargs)
    buffer = io.BytesIO()
    images[0].save(
        buffer, "PDF", resolution=float(dpi), save_all=True, append_images=images[1:], quality=85
    )
    return buffer.getvalue()
