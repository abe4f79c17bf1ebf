"""/fields and the card's 🧾 Fields: the owner defines fields, a manager fills them in."""

from __future__ import annotations

from aiogram.methods import EditMessageText
from sqlalchemy import select

from services.db.deals import Deal, Event
from services.db.fields import FieldDef, FieldValue
from services.db.users import User
from tests.support.calls import answer_of, buttons, without_answers
from tests.support.deals import ANNA, BAKO, CARD, OLGA, make_manager, more_buttons, new_deal
from tests.support.fields import EDITOR, add_field
from tests.support.harness import Harness


async def test_owner_adds_a_choice_field_named_in_three_languages(tg: Harness) -> None:
    [empty] = await tg.send(OLGA, "/fields")
    assert empty.text.splitlines()[:4] == [
        "<b>Fields</b>",
        "",
        "<b>Request fields</b>",
        "None yet.",
    ]
    assert buttons(empty) == [[("➕ Add a field", "fd:a:0:0")]]
    [entities] = without_answers(await tg.press(OLGA, "fd:a:0:0", message_id=EDITOR))
    assert entities.text == "Is the new field about the request or the customer?"
    assert buttons(entities)[:2] == [
        [("Request fields", "fd:e:0:0")],
        [("Customer fields", "fd:e:0:1")],
    ]
    [kinds] = without_answers(await tg.press(OLGA, "fd:e:0:0", message_id=EDITOR))
    assert buttons(kinds)[:3] == [
        [("text", "fd:k:0:0"), ("number", "fd:k:0:1")],
        [("money", "fd:k:0:2"), ("date", "fd:k:0:3")],
        [("yes/no", "fd:k:0:4"), ("one of a list", "fd:k:0:5")],
    ]
    [ask_en] = without_answers(await tg.press(OLGA, "fd:k:0:5", message_id=EDITOR))
    assert ask_en.text == "Send the field's name in English. /cancel to stop."
    [too_long] = await tg.send(OLGA, "x" * 65)
    assert too_long.text.startswith("A field name is 1 to 64 characters.")
    [ask_az] = await tg.send(OLGA, "Payment")
    assert ask_az.text == "Send the field's name in Azərbaycanca, or tap Same as English."
    assert buttons(ask_az) == [[("Same as English", "fd:s:0:0")]]
    [ask_ru] = await tg.send(OLGA, "Ödəniş")
    assert ask_ru.text == "Send the field's name in Русский, or tap Same as English."
    [ask_options] = await tg.send(OLGA, "Оплата")
    assert ask_options.text.startswith("Send the options, one a line.")
    done, edit = await tg.send(OLGA, "Cash / Nağd / Наличные\nCard\n")
    assert done.text == "Field added."
    assert isinstance(edit, EditMessageText) and edit.message_id == EDITOR
    assert "• Payment (one of a list)" in edit.text.splitlines()
    async with tg.app.sessions() as session:
        field = (await session.scalars(select(FieldDef))).one()
    assert (field.entity, field.key, field.kind) == ("deal", "payment", "choice")
    assert field.names == {"en": "Payment", "az": "Ödəniş", "ru": "Оплата"}
    assert field.choices == [
        {"key": "cash", "names": {"en": "Cash", "az": "Nağd", "ru": "Наличные"}},
        {"key": "card", "names": {"en": "Card"}},
    ]
    [detail] = without_answers(await tg.press(OLGA, f"fd:v:{field.id}:0", message_id=EDITOR))
    assert "Русский: Оплата" in detail.text.splitlines()


async def test_a_manager_fills_a_money_field_and_the_card_is_redrawn(tg: Harness) -> None:
    await add_field(tg, 0, 2, ["Prepayment", None, "Предоплата"])
    await new_deal(tg)
    [fields_list] = without_answers(await tg.press(ANNA, "fv:l:1:0:0", message_id=CARD))
    assert fields_list.text.splitlines() == ["<b>Request #1: fields</b>", "Prepayment: —"]
    assert buttons(fields_list) == [
        [("Prepayment", "fv:p:1:1:0")],
        [("« Back to the card", "dk:c:1:1:0")],
    ]
    [picker] = without_answers(await tg.press(ANNA, "fv:p:1:1:0", message_id=CARD))
    assert picker.text.splitlines()[-1] == "Send the new value, like 1,500.50. /cancel to stop."
    [bad] = await tg.send(ANNA, "1 234,50")
    assert bad.text.startswith("That doesn't look like an amount.")
    async with tg.app.sessions() as session:
        assert (await session.scalars(select(FieldValue))).all() == []
    edit, done = await tg.send(ANNA, "1,234.50")
    assert isinstance(edit, EditMessageText) and (edit.chat_id, edit.message_id) == (ANNA.id, CARD)
    assert "🧾 Prepayment: AZN1,234.50" in edit.text.splitlines()
    assert buttons(edit)[-1] == [("⋯ More", "dk:v:1:1:0")]
    assert ("🧾 Fields", "fv:l:1:0:0") in (await more_buttons(tg, ANNA, "dk:v:1:1:0"))[4]
    assert done.text == "🧾 Prepayment: AZN1,234.50"
    async with tg.app.sessions() as session:
        value = (await session.scalars(select(FieldValue))).one()
        event = (await session.scalars(select(Event).where(Event.kind == "field:1"))).one()
    assert (value.entity, value.object_id, value.value) == ("deal", 1, "1234.50")
    assert (event.from_value, event.to_value) == (None, "1234.50")
    [history] = without_answers(await tg.press(ANNA, "dk:h:1:1:0", message_id=CARD))
    assert "Mar 2, 2026, 13:00 · Anna: 🧾 Prepayment: — → AZN1,234.50" in history.text.splitlines()


async def test_forged_presses_are_refused(tg: Harness) -> None:
    await add_field(tg, 1, 4, ["VIP", None, None])
    await add_field(tg, 0, 0, ["Old note", None, None])
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    for who, data in (
        (BAKO, "fv:s:1:1:1"),  # not Bako's deal
        (ANNA, "fv:s:1:2:1"),  # a text field has no buttons
        (ANNA, "fv:s:1:1:2"),  # yes/no has no third value
        (BAKO, "fd:o:1:0"),  # only the owner switches fields off
    ):
        calls = await tg.press(who, data, message_id=CARD)
        assert without_answers(calls) == [], data
        assert answer_of(calls).text in (
            "Sorry, you can't do that.",
            "Choose one of the offered values.",
        ), data
    await tg.press(OLGA, "fd:o:2:0", message_id=EDITOR)
    calls = await tg.press(ANNA, "fv:p:1:2:0", message_id=CARD)
    assert answer_of(calls).text == "Not found: it may have been removed."
    edit = without_answers(await tg.press(ANNA, "fv:s:1:1:1", message_id=CARD))[0]
    assert "🧾 VIP: yes" in edit.text.splitlines()
    async with tg.app.sessions() as session:
        value = (await session.scalars(select(FieldValue))).one()
    assert (value.entity, value.value) == ("customer", "yes")


async def test_a_value_typed_after_the_request_was_handed_over_is_refused_once(
    tg: Harness,
) -> None:
    """The refusal ends the step: what Anna writes next is taken as usual, not refused again
    until /cancel."""
    await add_field(tg, 0, 2, ["Prepayment", None, None])
    await new_deal(tg)
    await make_manager(tg, BAKO.id, "Bako")
    await tg.press(ANNA, "fv:p:1:1:0", message_id=CARD)
    async with tg.app.sessions() as session:
        bako = await session.scalar(select(User.id).where(User.tg_id == BAKO.id))
        (await session.get_one(Deal, 1)).manager_id = bako
        await session.commit()
    [refused] = await tg.send(ANNA, "1,234.50")
    assert refused.text == "Sorry, you can't do that."
    [usual] = await tg.send(ANNA, "hello?")
    assert usual.text.startswith("To answer a customer, tap Reply under their request")
    async with tg.app.sessions() as session:
        assert (await session.scalars(select(FieldValue))).all() == []
