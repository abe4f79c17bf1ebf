"""Inline mode in the sandbox: switched on as BotFather's /setinline would, the demo's catalog
found as a manager types, a result sent via the bot and counted from a room's measurements, all
through the routes the page calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from emulator import StoredMessage
from sandbox.demo_data import PRODUCTS
from sandbox.people import FIRST_CUSTOMER_ID, FIRST_MANAGER_ID, OWNER_ID
from sandbox.sandbox import Sandbox
from sandbox.server import INLINE_PLACEHOLDER
from services import formulas
from services.catalog import search_text
from services.db.catalog import Category, MeasureSet, Product
from tests.support.sandbox import Client, StartSandbox

Clients = Callable[[Sandbox], Client]
ANNA = FIRST_MANAGER_ID


def _open_card(message: StoredMessage) -> bool:
    """A card of an open request: Take or the next stage first, 🛒 Items behind ⋯ More."""
    first = [b["text"] for row in message.inline_keyboard or [] for b in row]
    return "⋯ More" in first and any(text.startswith(("✅ Take", "➡️")) for text in first)


async def _answer(api: Client, sandbox: Sandbox, user_id: int, query: str) -> dict[str, Any]:
    """The bot's answer to `query` typed by the user, as the page reads it."""
    asked = await api.post(f"tg/_emulator/users/{user_id}/inline_query", {"query": query})
    assert asked["delivered"] is True
    user = sandbox.emulator.user(user_id)
    assert await user.wait_for_inline_answer(asked["query_id"]) is not None
    answer: dict[str, Any] = await api.get(f"tg/_emulator/inline_queries/{asked['query_id']}")
    return answer


async def _demo_catalog(sandbox: Sandbox) -> None:
    """Two categories, a room's measurements and eight products, named in every language."""
    async with sandbox.app.sessions() as session:
        categories = (await session.scalars(select(Category).order_by(Category.position))).all()
        [room] = (await session.scalars(select(MeasureSet))).all()
        products = (await session.scalars(select(Product).order_by(Product.id))).all()

    assert [c.names["en"] for c in categories] == ["Floors and walls", "Furniture"]
    assert all(set(c.names) == {"en", "az", "ru"} for c in categories)
    assert [i["key"] for i in room.inputs] == ["length", "width"]
    assert len(products) == len(PRODUCTS) == 8
    for row in products:
        assert set(row.names) == {"en", "az", "ru"}
        assert row.search == search_text(row.names, row.code) and row.active
        assert row.category_id in {c.id for c in categories}
        if row.formula is not None:
            assert row.measure_set_id == room.id
            assert formulas.check(row.formula, ["length", "width"]) == row.formula
    counted = {row.names["en"]: row.formula for row in products if row.formula}
    assert counted == {
        "Laminate Oak": "pack(length * width * 1.1, 2.2)",
        "Laminate Grey Ash": "pack(length * width * 1.1, 2.2)",
        "Underlay 3 mm": "ceil(length * width)",
        "Skirting board": "ceil(2 * (length + width))",
    }


async def test_a_demo_product_found_inline_goes_on_a_request(
    sandbox_factory: StartSandbox, client: Clients
) -> None:
    async with sandbox_factory(with_demo=True) as sandbox:
        api, emu = client(sandbox), sandbox.emulator
        await _demo_catalog(sandbox)
        state = await api.get("sandbox/api/state")
        assert state["inline"] == {
            "enabled": True,
            "placeholder": INLINE_PLACEHOLDER,
            "feedback": False,
        }
        anna = emu.user(ANNA)
        card = await emu.wait_for(
            lambda: next((m for m in anna.bot_messages() if _open_card(m)), None),
            timeout=10,
        )
        number = (card.text or "").split()[1]
        assert number.startswith("#")

        for button in ("⋯ More", "🛒 Items"):
            await api.post(
                f"tg/_emulator/users/{ANNA}/press",
                {"button": button, "message_id": card.message_id},
            )
        # 🔎 Find types "@axin_bot #N " for her: the press answers with the inline results.
        opened = await api.post(
            f"tg/_emulator/users/{ANNA}/press",
            {"button": "🔎 Find", "message_id": card.message_id},
        )
        assert len(opened["results"]) == len(PRODUCTS) and opened["next_offset"] == ""
        found = await _answer(api, sandbox, ANNA, f"{number} lam")
        assert [r["title"] for r in found["results"]] == ["Laminate Grey Ash", "Laminate Oak"]
        oak = found["results"][1]
        assert oak["description"].startswith("LAM-OAK · ")
        assert oak["reply_markup"]["inline_keyboard"][0][0]["text"] == (
            f"✅ Add to request {number}"
        )
        # Events tell the page which phone typed the query and which answer is whose.
        kinds = {(e.kind, e.chat_id) for e in emu.bus.history}
        assert {("inline_query", ANNA), ("inline_answer", ANNA)} <= kinds

        sent = await api.post(
            f"tg/_emulator/users/{ANNA}/choose_inline_result",
            {"query_id": found["query_id"], "result_id": oak["id"]},
        )
        assert sent["message"]["via_bot"]["username"] == state["bot"]["username"]
        assert "Laminate Oak" in sent["message"]["text"]
        asked = await anna.wait_for_bot_message(predicate=lambda m: "measure" in (m.text or ""))
        assert asked.text == (
            "Laminate Oak is counted from measurements: send Length × Width in m, "
            "like 4.2 x 3.5; or /cancel."
        )
        await api.post(f"tg/_emulator/users/{ANNA}/text", {"text": "4.2 x 3.5"})
        # 4.2 × 3.5 × 1.1 = 16.17 m², in whole packs of 2.2: 17.6 m² at 24.50.
        shown = await anna.wait_for_bot_message(predicate=lambda m: "Total" in (m.text or ""))
        assert (shown.text or "").splitlines()[-1] == "Total: AZN431.20"


async def test_without_the_demo_inline_mode_is_on_and_the_catalog_empty(
    sandbox_factory: StartSandbox, client: Clients
) -> None:
    async with sandbox_factory() as sandbox:
        api = client(sandbox)
        async with sandbox.app.sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Product)) == 0
        assert (await api.get("sandbox/api/state"))["inline"]["enabled"] is True
        # The owner is staff, so the bot answers; a customer's query finds nothing either.
        assert (await _answer(api, sandbox, OWNER_ID, "lam"))["results"] == []
        await api.post(f"tg/_emulator/users/{FIRST_CUSTOMER_ID}/start")
        assert (await _answer(api, sandbox, FIRST_CUSTOMER_ID, ""))["results"] == []
