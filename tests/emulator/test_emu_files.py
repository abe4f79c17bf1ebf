"""Uploads, file_id reuse, getFile and downloads."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from emulator import Emulator
from emulator.media import image_size
from tests.support.emulator import RawApi, png


@pytest.fixture
def ann(emulator: Emulator) -> int:
    emulator.user(101, "Ann").start()
    return 101


async def test_photo_upload_get_file_and_download(bot: Bot, emulator: Emulator, ann: int) -> None:
    data = png(1000, 500)
    sent = await bot.send_photo(
        ann, BufferedInputFile(data, "chart.png"), caption="<b>Q3</b>", parse_mode="HTML"
    )
    assert sent.photo is not None
    assert [(p.width, p.height) for p in sent.photo] == [
        (90, 45),
        (320, 160),
        (800, 400),
        (1000, 500),
    ]
    assert sent.caption == "Q3" and sent.caption_entities is not None
    largest = sent.photo[-1]
    file = await bot.get_file(largest.file_id)
    assert file.file_path is not None and file.file_size == len(data)
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == data
    again = await bot.send_photo(ann, largest.file_id)
    assert again.photo is not None and again.photo[-1].file_unique_id == largest.file_unique_id
    stored = emulator.user(ann).last_bot_message()
    assert stored is not None and stored.photo == again.model_dump(mode="json")["photo"]


async def test_document_upload_and_reuse(bot: Bot, ann: int) -> None:
    sent = await bot.send_document(ann, BufferedInputFile(b"a,b\n1,2\n", "deals.csv"))
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type) == ("deals.csv", "text/csv")
    again = await bot.send_document(ann, sent.document.file_id, caption="again")
    assert again.document is not None and again.document.file_id == sent.document.file_id
    with pytest.raises(TelegramBadRequest, match="type of file mismatch"):
        await bot.send_photo(ann, sent.document.file_id)


async def test_bad_files(bot: Bot, raw: RawApi, ann: int) -> None:
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(ann, BufferedInputFile(b"not an image", "x.jpg"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_photo(ann, "AgACunknown")
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")
    _, body = await raw.call("sendPhoto", data={"chat_id": ann})
    assert body["description"] == "Bad Request: there is no photo in the request"
    _, body = await raw.call(
        "sendDocument", data={"chat_id": str(ann), "document": "attach://missing"}
    )
    assert body["description"] == "Bad Request: can't find attached file"


async def test_direct_part_upload_and_file_route(raw: RawApi, ann: int) -> None:
    import aiohttp

    form = aiohttp.FormData()
    form.add_field("chat_id", str(ann))
    form.add_field("document", b"hello", filename="note.txt", content_type="text/plain")
    status, body = await raw.call("sendDocument", data=form)
    assert status == 200
    file_id = body["result"]["document"]["file_id"]
    _, info = await raw.call("getFile", json={"file_id": file_id})
    path = info["result"]["file_path"]
    async with raw.http.get(f"{raw.base}/file/bot{raw.token}/{path}") as response:
        assert (response.status, await response.read()) == (200, b"hello")
    async with raw.http.get(f"{raw.base}/file/bot{raw.token}/documents/none") as response:
        assert response.status == 404


def test_image_sizes_of_common_formats() -> None:
    gif = b"GIF89a" + (7).to_bytes(2, "little") + (9).to_bytes(2, "little") + b"\x00" * 8
    jpeg = (
        b"\xff\xd8\xff\xe0\x00\x04\x00\x00"
        + b"\xff\xc0\x00\x11\x08"
        + (30).to_bytes(2, "big")
        + (40).to_bytes(2, "big")
        + b"\x00" * 12
    )
    assert image_size(png(3, 2)) == (3, 2, "png")
    assert image_size(gif) == (7, 9, "gif")
    assert image_size(jpeg) == (40, 30, "jpg")
    assert image_size(b"plain text") is None
