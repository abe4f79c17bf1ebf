"""Office files are zip archives: what one would unpack to, read before anything opens it, so a
small upload that unpacks to a great deal is refused."""

from __future__ import annotations

import io
import zipfile


def unpacked_size(data: bytes) -> int | None:
    """The bytes the archive's members come to; None when `data` is no zip archive."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return None
