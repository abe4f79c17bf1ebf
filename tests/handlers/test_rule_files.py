"""/rules_file: the owner gets every field and rule as rules.yaml and sends it back edited."""

from __future__ import annotations

from aiogram.methods import GetFile, SendDocument, SendMessage
from aiogram.types import BotCommand, BufferedInputFile
from sqlalchemy import select

from bot.i18n import create_i18n
from presentation.commands import menu
from services.db.rules import Rule
from services.rules.files import HEADER, MAX_BYTES
from tests.support.deals import ANNA, OLGA, make_manager
from tests.support.harness import Harness, person

EMPTY = HEADER + (
    "version: 1\nfields: []\nstandard:\n"
    "  escalation:\n    enabled: true\n    minutes: 15\n"
    "  callback:\n    enabled: true\n    minutes: 120\n"
    "  renewals:\n    enabled: true\n    days:\n      - 30\n      - 7\n      - 1\n"
    "  stage_notices:\n    enabled: true\n"
    "  overdue:\n    enabled: true\n    minutes: 1440\n"
    "  feedback:\n    enabled: true\n    ask_on: 1\n"
    "rules: []\n"
)
CAPTION = (
    "All fields and rules of your business. Edit the file and send it back here as a "
    "document: its rules replace the current ones, its fields are added or updated (none "
    "is deleted). /cancel to stop."
)
ONE_RULE = """version: 1
rules:
  - name: New from Telegram
    when:
      event: stage_entered
      stage: {stage}
    then:
      - do: tag
        tag: hot
"""


async def rules(tg: Harness) -> list[tuple[str, dict[str, object]]]:
    async with tg.app.sessions() as session:
        rows = await session.scalars(select(Rule).where(Rule.deleted_at.is_(None)))
        return [(rule.name, rule.trigger) for rule in rows]


async def test_the_owner_gets_the_file_and_sends_it_back(tg: Harness) -> None:
    [sent] = await tg.send(OLGA, "/rules_file")
    assert isinstance(sent, SendDocument)
    assert (sent.chat_id, sent.caption) == (OLGA.id, CAPTION)
    assert isinstance(sent.document, BufferedInputFile)
    assert (sent.document.filename, sent.document.data) == ("rules.yaml", EMPTY.encode())

    [asked] = await tg.send(OLGA, "here it is")
    assert asked.text == "Send the rules file (rules.yaml) as a document, or /cancel."

    bad = ONE_RULE.format(stage="Measured").encode()
    got, refused = await tg.send_file(OLGA, bad, "rules.yaml")
    assert isinstance(got, GetFile) and isinstance(refused, SendMessage)
    assert refused.text == (
        "Line 6 (rules.1.when.stage): there is no stage of this name here.\n"
        "Nothing was changed. Fix the file and send it again, or /cancel."
    )
    assert await rules(tg) == []

    good = ONE_RULE.format(stage="contacted").encode()
    _got, done = await tg.send_file(OLGA, good, "rules.yaml")
    assert done.text == (
        "The rules file is imported.\n"
        "0 fields added\n"
        "0 fields updated\n"
        "0 rules removed\n"
        "1 rule added\n"
        "0 rules the same as before, left as they were"
    )
    assert await rules(tg) == [("New from Telegram", {"event": "stage_entered", "stage": 2})]
    [after] = await tg.send(OLGA, "here it is")
    assert after.text.startswith("To answer a customer, tap Reply")


async def test_a_mistake_is_told_in_the_owners_language(tg: Harness) -> None:
    olga_ru = person(OLGA.id, "Olga", "ru")
    await tg.send(olga_ru, "/rules_file")
    _got, refused = await tg.send_file(olga_ru, b"version: 1\nrules:\n  - name: [\n", "rules.yaml")
    assert refused.text == (
        "Строка 4: это некорректный YAML; проверьте отступы, двоеточия и кавычки.\n"
        "Ничего не изменено. Исправьте файл и пришлите снова или /cancel."
    )


async def test_a_file_too_large_or_not_text_is_refused_and_the_step_stays(tg: Harness) -> None:
    await tg.send(OLGA, "/rules_file")
    [too_big] = await tg.send_file(OLGA, b"version: 1\n", "rules.yaml", size=MAX_BYTES + 1)
    assert too_big.text == (
        "the file is too large or nested too deep (at most 256 KB).\n"
        "Nothing was changed. Fix the file and send it again, or /cancel."
    )
    _got, not_text = await tg.send_file(OLGA, b"\xff\xfe\x00v", "rules.yaml")
    assert not_text.text == (
        "The file is not UTF-8 text.\n"
        "Nothing was changed. Fix the file and send it again, or /cancel."
    )
    [cancelled] = await tg.send(OLGA, "/cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    calls = await tg.send_file(OLGA, ONE_RULE.format(stage="New").encode(), "rules.yaml")
    assert not any(isinstance(call, GetFile) for call in calls)
    assert await rules(tg) == []


async def test_a_manager_is_refused(tg: Harness) -> None:
    await make_manager(tg)
    [refused] = await tg.send(ANNA, "/rules_file")
    assert isinstance(refused, SendMessage)
    assert refused.text == "Sorry, you can't do that."
    calls = await tg.send_file(ANNA, ONE_RULE.format(stage="New").encode(), "rules.yaml")
    assert not any(isinstance(call, GetFile) for call in calls)
    assert await rules(tg) == []


def test_the_command_is_in_the_owners_menu_only() -> None:
    i18n = create_i18n("en")
    assert BotCommand(command="rules_file", description="All rules and fields as a file") in menu(
        i18n, "owner", "en"
    )
    assert BotCommand(command="rules_file", description="Все правила и поля одним файлом") in menu(
        i18n, "owner", "ru"
    )
    assert "rules_file" not in [command.command for command in menu(i18n, "manager", "en")]


async def test_a_discount_with_both_a_percent_and_an_amount_is_refused_in_words(
    tg: Harness,
) -> None:
    await tg.send(OLGA, "/rules_file")
    text = (
        "version: 1\nrules:\n  - name: Sale\n    when:\n      event: created\n    then:\n"
        "      - do: discount\n        percent: 5\n        amount: '50.001'\n"
    )
    _got, refused = await tg.send_file(OLGA, text.encode(), "rules.yaml")
    assert refused.text == (
        "Line 9 (rules.1.then.1.amount): a discount is a percent or an amount: write one of "
        "them, not both.\n"
        "Nothing was changed. Fix the file and send it again, or /cancel."
    )
    _got, refused = await tg.send_file(
        OLGA, text.replace("        percent: 5\n", "").encode(), "rules.yaml"
    )
    assert refused.text == (
        "Line 8 (rules.1.then.1.amount): at most two decimal places are allowed here.\n"
        "Nothing was changed. Fix the file and send it again, or /cancel."
    )
    assert await rules(tg) == []
