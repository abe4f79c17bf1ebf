"""A document a user sent, downloaded only when it is no larger than the limit asked for."""

from __future__ import annotations

from io import BytesIO

from aiogram import Bot
from aiogram.types import Document


async def downloaded(document: Document, bot: Bot, limit: int) -> bytes | None:
    """The document's bytes; None when it is larger than `limit`, which is known before
    downloading it (what Telegram says of its size), and checked again after."""
    if (document.file_size or 0) > limit:
        return None
    found = await bot.get_file(document.file_id)
    if found.file_path is None or (found.file_size or 0) > limit:
        return None
    buffer = BytesIO()
    await bot.download_file(found.file_path, destination=buffer)
    data = buffer.getvalue()
    return data if len(data) <= limit else None
