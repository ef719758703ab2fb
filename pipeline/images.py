"""Images of a report article (tables pasted as screenshots), and how several travel to the
OCR worker in one job: a JSON list of sizes, then the bytes."""

from __future__ import annotations

import json
import struct

MAX_ARTICLE_IMAGES = 30  # images of one article archived and read
MAX_IMAGE_BYTES = 8 * 1024 * 1024  # a larger image is not archived: no table screenshot is


def pack_images(images: list[bytes]) -> bytes:
    head = json.dumps([len(i) for i in images]).encode()
    return struct.pack("!I", len(head)) + head + b"".join(images)


def unpack_images(data: bytes) -> list[bytes]:
    (size,) = struct.unpack("!I", data[:4])
    sizes = json.loads(data[4 : 4 + size])
    out, at = [], 4 + size
    for n in sizes:
        out.append(data[at : at + n])
        at += n
    return out
