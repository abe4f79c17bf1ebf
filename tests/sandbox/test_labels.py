"""The page's own words and formats: in ?lang=, else the browser's language, else English."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sandbox.api import STATIC
from sandbox.labels import LABELS, choose_locale
from sandbox.sandbox import Sandbox
from tests.support.sandbox import Client, StartSandbox

Clients = Callable[[Sandbox], Client]
# data-label="key", data-label-title="key", label(node, "key"[, "title"]), t("key"), and the
# sentence of a failed action, "what_failed"
USED_KEY = re.compile(
    r'data-label(?:-\w+)?="(\w+)"|\blabel\((?:[^()]|\([^()]*\))*?, "(\w+)"|\bt\("(\w+)"'
    r'|"(\w+_failed)"'
)


async def labels(api: Client, query: str = "", accept: str | None = None) -> Any:
    headers = {} if accept is None else {"Accept-Language": accept}
    async with api.session.get(f"{api.url}sandbox/api/labels{query}", headers=headers) as response:
        body = await response.json()
    assert response.status == 200, body
    return body["result"]


async def test_labels_in_the_asked_or_accepted_language_and_english_by_default(
    sandbox_factory: StartSandbox, client: Clients
) -> None:
    async with sandbox_factory() as sandbox:
        api = client(sandbox)
        english = await labels(api, accept="")
        azerbaijani = await labels(api, "?lang=az", accept="ru-RU,ru;q=0.9")
        russian = await labels(api, accept="fr-FR, ru;q=0.8, en;q=0.5")
        asked_english = await labels(api, "?lang=en", accept="az")
        unknown = await labels(api, "?lang=xx", accept="de")

    assert [english["locale"], azerbaijani["locale"], russian["locale"]] == ["en", "az", "ru"]
    assert (asked_english["locale"], unknown["locale"]) == ("en", "en")
    words = [english["labels"], azerbaijani["labels"], russian["labels"]]
    assert [w["missed_call"] for w in words] == [
        "Missed call",
        "Buraxılmış zəng",
        "Пропущенный звонок",
    ]
    assert [w["add_customer"] for w in words] == [
        "Add customer",
        "Müştəri əlavə et",
        "Добавить клиента",
    ]
    assert [w["time_zone"] for w in words] == [
        "Company time zone: {zone}",
        "Şirkətin saat qurşağı: {zone}",
        "Часовой пояс компании: {zone}",
    ]
    for translated in words:
        assert sorted(translated) == sorted(LABELS)
        assert all(translated.values())

    assert russian["formats"]["months_wide"][10] == "ноября"
    assert azerbaijani["formats"]["months"][10] == "noy"
    assert english["formats"]["weekdays"][0] == "Sun"
    assert russian["formats"]["sizes"]["kilobyte"] == "{size} кБ"
    assert (azerbaijani["formats"]["decimal"], english["formats"]["decimal"]) == (",", ".")


def test_every_word_the_page_names_has_a_label() -> None:
    named = set()
    for path in STATIC.glob("*.[jh]*"):
        for match in USED_KEY.finditer(path.read_text()):
            named.add(next(group for group in match.groups() if group))
    assert {"title", "missed_call", "start", "share_phone", "send_failed", "jump_failed"} <= named
    assert sorted(named - set(LABELS)) == []


def test_accept_language_weights_decide_among_supported_languages() -> None:
    assert choose_locale(None, "ru-RU,ru;q=0.9,en-US;q=0.8") == "ru"
    assert choose_locale(None, "en;q=0.4, az-Latn-AZ;q=0.7, de") == "az"
    assert choose_locale(None, "ru;q=0, de") == "en"
    assert choose_locale("ru", "az") == "ru"
