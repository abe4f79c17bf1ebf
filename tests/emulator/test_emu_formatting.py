"""Parse modes without HTTP: Telegram's HTML and MarkdownV2 rules, offsets in UTF-16."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.entities import Formatted, normalize, to_html
from emulator.errors import ApiError
from emulator.formatting import format_text
from emulator.html_parse import ParseError, parse_html


def nobody(user_id: int) -> dict[str, Any] | None:
    return None


def html(source: str) -> Formatted:
    return normalize(parse_html(source, nobody))


def test_entities_nesting_and_utf16_offsets() -> None:
    parsed = html("👍 <b>bold <i>both</i></b> <u>u</u> <s>s</s> <tg-spoiler>x</tg-spoiler>")
    assert parsed.text == "👍 bold both u s x"
    assert parsed.entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "underline", "offset": 13, "length": 1},
        {"type": "strikethrough", "offset": 15, "length": 1},
        {"type": "spoiler", "offset": 17, "length": 1},
    ]


def test_pre_code_quote_emoji_and_links() -> None:
    parsed = html(
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>q</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        '<a href="https://example.com">site</a>'
    )
    assert parsed.entities == [
        {"type": "pre", "offset": 0, "length": 5, "language": "python"},
        {"type": "expandable_blockquote", "offset": 5, "length": 1},
        {
            "type": "custom_emoji",
            "offset": 6,
            "length": 2,
            "custom_emoji_id": "5368324170671202286",
        },
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://example.com/"},
    ]
    assert to_html(parsed) == (
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote expandable>q</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>'
        '<a href="https://example.com/">site</a>'
    )


def test_html_entities_and_trimming() -> None:
    parsed = html("  &lt;b&gt; &amp; &quot;q&quot; &#65;&#x42; &nbsp; <b> x </b>\n")
    assert parsed.text == '<b> & "q" AB &nbsp;  x'
    assert parsed.entities == [{"type": "bold", "offset": 20, "length": 2}]


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x>y', "Unclosed start tag at byte offset 0"),
        ("<tg-emoji emoji-id=abc>x</tg-emoji>", "Invalid custom emoji identifier specified"),
        ("<b =x>y</b>", 'Empty attribute name in the tag "b" at byte offset 3'),
    ],
)
def test_html_errors(source: str, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_html(source, nobody)
    assert str(caught.value) == reason


def test_text_mention_for_known_users_only() -> None:
    def known(user_id: int) -> dict[str, Any] | None:
        return {"id": user_id, "is_bot": False, "first_name": "Ann"} if user_id == 7 else None

    formatted, source = format_text(
        '<a href="tg://user?id=7">Ann</a> <a href="tg://user?id=8">Bob</a>', "HTML", None, known
    )
    assert [e["type"] for e in formatted.entities] == ["text_mention"]
    assert source is not None and source.startswith("<a")


def test_markdown_v2() -> None:
    formatted, source = format_text(
        "*bold _italic_* __under__ ~s~ ||sp|| `c` [l](https://x.org) \\. done",
        "MarkdownV2",
        None,
        nobody,
    )
    assert source is None
    assert formatted.text == "bold italic under s sp c l . done"
    assert [e["type"] for e in formatted.entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    with pytest.raises(ApiError) as caught:
        format_text("Total: 5.", "MarkdownV2", None, nobody)
    assert caught.value.description == (
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped "
        "with the preceding '\\'"
    )
    with pytest.raises(ApiError, match="Can't find end of Bold entity at byte offset 0"):
        format_text("*open", "MarkdownV2", None, nobody)


def test_explicit_entities_and_autodetection() -> None:
    formatted, _ = format_text(
        "Call /help or mail a@b.co, see https://t.me/x, ping @axin_bot #crm",
        None,
        [{"type": "bold", "offset": 0, "length": 4}],
        nobody,
    )
    kinds = [(e["type"], e["offset"], e["length"]) for e in formatted.entities]
    assert kinds == [
        ("bold", 0, 4),
        ("bot_command", 5, 5),
        ("email", 19, 6),
        ("url", 31, 14),
        ("mention", 52, 9),
        ("hashtag", 62, 4),
    ]
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode", None, nobody)
