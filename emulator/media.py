"""Stored files: uploads, file_id reuse, PhotoSize sets, getFile paths and image dimensions."""

from __future__ import annotations

import itertools
import mimetypes
import secrets
import struct
from dataclasses import dataclass
from typing import Any

from .errors import bad_request
from .validation import Upload

PHOTO_BOXES = (90, 320, 800, 1280, 2560)


@dataclass(frozen=True, slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    data: bytes
    file_path: str

    def to_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


def _jpeg_size(data: bytes) -> tuple[int, int, str] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height, "jpg"
        i += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int, str] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF, "webp"
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "webp"
    if chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        return width, int.from_bytes(data[27:30], "little") + 1, "webp"
    return None


def image_size(data: bytes) -> tuple[int, int, str] | None:
    """(width, height, extension) of a PNG, JPEG, GIF, WebP or BMP image, else None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return width, height, "png"
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height, "gif"
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp_size(data)
    if data.startswith(b"BM") and len(data) >= 26:
        width, height = struct.unpack("<ii", data[18:26])
        return width, abs(height), "bmp"
    return None


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._photo_sets: dict[str, list[dict[str, Any]]] = {}
        self._documents: dict[str, dict[str, Any]] = {}
        self._counter = itertools.count()

    def _store(self, kind: str, data: bytes, extension: str) -> StoredFile:
        prefix = "AgACAgIAAxkBAA" if kind == "photo" else "BQACAgIAAxkBAA"
        folder = "photos" if kind == "photo" else "documents"
        stored = StoredFile(
            file_id=prefix + secrets.token_urlsafe(36),
            file_unique_id="AQAD" + secrets.token_urlsafe(9),
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{next(self._counter)}.{extension}",
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_photo(self, upload: Upload) -> list[dict[str, Any]]:
        """Store an uploaded photo; returns its PhotoSize array, largest last."""
        size = image_size(upload.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height, extension = size
        if width <= 0 or height <= 0 or width + height > 10000:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        if max(width, height) / min(width, height) > 20:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        longest = max(width, height)
        boxes = [box for box in PHOTO_BOXES if box < longest] + [min(longest, PHOTO_BOXES[-1])]
        sizes: list[dict[str, Any]] = []
        for box in boxes:
            stored = self._store("photo", upload.data, extension)
            scale = box / longest
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(upload.data),
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                }
            )
        for item in sizes:
            self._photo_sets[item["file_id"]] = sizes
        return sizes

    def add_document(self, upload: Upload) -> dict[str, Any]:
        mime = upload.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
        extension = upload.filename.rsplit(".", 1)[-1] if "." in upload.filename else "bin"
        stored = self._store("document", upload.data, extension)
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": upload.filename,
            "mime_type": mime,
            "file_size": len(upload.data),
        }
        self._documents[stored.file_id] = document
        return document

    def _known(self, file_id: str, kind: str) -> StoredFile:
        if file_id.lower().startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        stored = self._by_id.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request("type of file mismatch")
        return stored

    def photo(self, source: Upload | str) -> list[dict[str, Any]]:
        if isinstance(source, Upload):
            return self.add_photo(source)
        return self._photo_sets[self._known(source, "photo").file_id]

    def document(self, source: Upload | str) -> dict[str, Any]:
        if isinstance(source, Upload):
            return self.add_document(source)
        return self._documents[self._known(source, "document").file_id]

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        return self._by_path.get(path)
