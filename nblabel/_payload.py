"""Building blocks of what the browser receives for an item: text, images, binary buffers.

Text is sent as plain strings (the browser sets it with ``textContent``); images travel as binary
message buffers (file bytes as they are, never base64), referenced from the payload by index.
"""

from __future__ import annotations

import io
import math
import os
import pathlib
import threading
from collections import OrderedDict
from typing import Any

import pandas as pd

#: Largest image sent to the browser; bigger files are reported instead of shipped.
MAX_IMAGE_BYTES = 20 * 1024 * 1024

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


class Buffers:
    """Binary buffers collected while building one message; payloads refer to them by index."""

    def __init__(self) -> None:
        self.items: list[bytes] = []

    def add(self, data: bytes) -> int:
        """Add ``data`` and return its index in the message's buffer list."""
        self.items.append(data)
        return len(self.items) - 1


def display_text(value: Any) -> str | None:
    """Return ``value`` as the text to show (None for a missing value, shown as such)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def unsendable(value: Any, path: str = "") -> str | None:
    """Say where ``value`` holds text that cannot travel to the browser (None: nowhere).

    Messages are UTF-8 JSON: a lone UTF-16 surrogate (U+D800 to U+DFFF, e.g. from text decoded
    with ``surrogateescape``) cannot be encoded, and one such string would fail the whole
    message. Walks dicts, lists and strings; returns e.g. ``"text: U+D800 at offset 5"``.
    """
    if isinstance(value, str):
        for offset, char in enumerate(value):
            if "\ud800" <= char <= "\udfff":
                return f"{path or 'text'}: U+{ord(char):04X} at offset {offset}"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            found = unsendable(key, path) or unsendable(item, f"{path}.{key}" if path else key)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = unsendable(item, f"{path}[{index}]")
            if found:
                return found
    return None


def image_ref(value: Any, buffers: Buffers) -> dict[str, Any]:
    """Return ``{"buffer": i, "mime": ...}`` for an image value, or ``{"error": ...}``."""
    try:
        data = _image_bytes(value)
    except (OSError, ValueError, TypeError) as error:
        return {"error": str(error)}
    mime = sniff_image(data)
    if mime is None:
        return {"error": "not a PNG, JPEG, GIF, WebP, BMP or SVG image"}
    return {"buffer": buffers.add(data), "mime": mime}


def sniff_image(data: bytes) -> str | None:
    """Return the MIME type of image bytes from their signature (None if unknown)."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    return None


def _image_bytes(value: Any) -> bytes:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise ValueError("no image for this item")
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
    elif isinstance(value, (str, os.PathLike)):
        path = pathlib.Path(value).expanduser()
        if not path.is_file():
            raise ValueError(f"image file not found: {path}")
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise ValueError(f"image file too large to show (> {MAX_IMAGE_BYTES >> 20} MB): {path}")
        data = path.read_bytes()
    elif hasattr(value, "save") and hasattr(value, "mode"):
        data = _png(value)
    else:
        raise TypeError(
            f"cannot show {type(value).__name__} as an image; use a file path, bytes or a PIL image"
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise ValueError(f"image too large to show (> {MAX_IMAGE_BYTES >> 20} MB)")
    return data


#: PNG bytes of the PIL images sent lately, so an item shown again (another view, a reload, a
#: refill) is not encoded again. Keyed by ``id`` with the image kept, so a key is never reused.
_ENCODED: OrderedDict[int, tuple[Any, bytes]] = OrderedDict()
_ENCODED_LIMIT = 64
_ENCODED_LOCK = threading.Lock()


def _png(image: Any) -> bytes:
    """Return ``image`` (a PIL image) encoded as PNG, from the cache when it was sent lately.

    An image changed in place after it was first sent keeps showing as it was then.
    """
    key = id(image)
    with _ENCODED_LOCK:
        cached = _ENCODED.get(key)
        if cached is not None and cached[0] is image:
            _ENCODED.move_to_end(key)
            return cached[1]
    out = io.BytesIO()
    image.save(out, format="PNG")
    data = out.getvalue()
    with _ENCODED_LOCK:
        _ENCODED[key] = (image, data)
        while len(_ENCODED) > _ENCODED_LIMIT:
            _ENCODED.popitem(last=False)
    return data
