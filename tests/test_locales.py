"""Every string the code shows is translated into Azerbaijani and Russian, and formats cleanly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "__": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{\w*\}")
TAG = re.compile(r"</?[a-z-]+>")
SAME_IN_EVERY_LANGUAGE = {"Telegram", "Instagram", "WhatsApp"}


def source_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for folder in ("bot", "handlers", "presentation", "services", "sandbox"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, keywords=KEYWORDS, comment_tags=()
        ):
            found.add(message if isinstance(message, str) else tuple(message[:2]))
    return found


def catalogue(locale: str) -> Catalog:
    with (ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


@pytest.mark.parametrize("locale", ["az", "ru"])
def test_every_message_is_translated(locale: str) -> None:
    cat = catalogue(locale)
    missing = []
    for message in source_messages():
        msgid = message if isinstance(message, str) else message[0]
        entry = cat.get(msgid)
        strings = () if entry is None else entry.string
        strings = (strings,) if isinstance(strings, str) else strings
        if entry is None or not all(strings):
            missing.append(msgid)
    assert missing == []


@pytest.mark.parametrize("locale", ["az", "ru"])
def test_translations_keep_placeholders_and_tags(locale: str) -> None:
    for entry in catalogue(locale):
        if not entry.id:
            continue
        ids = (entry.id,) if isinstance(entry.id, str) else entry.id
        strings = (entry.string,) if isinstance(entry.string, str) else entry.string
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            if not string:
                continue
            assert set(PLACEHOLDER.findall(string)) == wanted, (entry.id, string)
            assert sorted(TAG.findall(string)) == sorted(TAG.findall(ids[0])), (entry.id, string)
            words = TAG.sub("", PLACEHOLDER.sub("", string))
            if ids[0] not in SAME_IN_EVERY_LANGUAGE and re.search(r"[a-z]{4,}", words):
                assert string != ids[0], f"{locale} copies English: {entry.id!r}"


def test_english_catalogue_lists_every_message() -> None:
    cat = catalogue("en")
    ids = {m if isinstance(m, str) else m[0] for m in source_messages()}
    assert sorted(i for i in ids if cat.get(i) is None) == []


# A message inside an f-string's braces is never extracted, so it would go out in English.
IN_F_STRING = re.compile(r"""\bf(["'])[^"'\n]*\{[^}\n]*\b(?:_|ngettext|gettext)\(""")


def test_no_message_hides_inside_an_f_string() -> None:
    hidden = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("bot", "handlers", "presentation", "services", "sandbox")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if IN_F_STRING.search(line)
    ]
    assert hidden == []


def test_azerbaijani_calls_a_request_one_word() -> None:
    """A customer's request is «müraciət» everywhere; «sorğu» is left only for an HTTP request
    (an API token's, a rule's web call)."""
    http = {"Token {name} revoked: requests with it are refused now.", "request posted to {url}"}
    mixed = []
    for message in catalogue("az"):
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else message.string
        if msgid and msgid not in http and any("sorğu" in s.lower() for s in strings):
            mixed.append(msgid)
    assert mixed == []
