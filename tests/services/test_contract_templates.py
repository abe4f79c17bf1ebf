"""A contract from the owner's Word file: the names it uses found wherever Word put them, the
ones it may not use named, a file that is no template refused, and the filled document with
every value in place, a row per item, customers' text shown as typed and no way out of the
sandbox."""

from __future__ import annotations

import io
import secrets
import zipfile

import pytest
from docx import Document

from services.contract_templates import (
    MAX_TEMPLATE_BYTES,
    Reason,
    TemplateInvalid,
    check,
    fill,
)
from tests.support.word import template, texts

FIELDS = ["size"]
CONTEXT = {
    "customer": {"name": "Aysel Məmmədova", "phone": "+994501234567", "email": ""},
    "deal": {"number": "D-17", "total": "1 250,00 ₼"},
    "company": {"name": "Parket MMC", "footer": "Bakı"},
    "fields": {"size": "4×5 m"},
    "today": "06.12.2026",
    "items": [
        {"name": "Laminate", "quantity": "20", "amount": "500,00"},
        {"name": "Plinth", "quantity": "15", "amount": "150,00"},
        {"name": "Glue", "quantity": "2", "amount": "600,00"},
    ],
}


def refused(data: bytes) -> TemplateInvalid:
    with pytest.raises(TemplateInvalid) as caught:
        check(data, FIELDS)
    return caught.value


def test_every_name_used_is_found_in_the_body_a_split_run_the_table_and_the_header() -> None:
    checked = check(template("Total {{ deal.total }}, size {{ fields['size'] }}"), FIELDS)

    assert checked.placeholders == (
        "company.name",
        "customer.name",
        "deal.number",
        "deal.total",
        "fields.size",
        "item.amount",
        "item.name",
        "item.quantity",
        "items",
        "today",
    )
    assert checked.unknown == ()


def test_names_it_may_not_use_are_named_as_written_in_order() -> None:
    data = template(
        "{{ customer.nmae }} {{ foo }} {{ fields.colour }} {{ fields.size }}",
        "{{ customer.nmae }} {{ deal.total.upper() }} {{ item.name }}",
        item_cells=("name", "colour"),
    )

    assert check(data, FIELDS).unknown == (
        "customer.nmae",
        "foo",
        "fields.colour",
        "deal.total.upper",
        "item.name",  # outside the loop over the items
        "item.colour",
    )
    assert "fields.colour" not in check(data, ["size", "colour"]).unknown


def test_a_syntax_error_is_refused_with_the_text_near_it() -> None:
    caught = refused(template("Total {{ deal.total }", "{{ customer.phone }}"))

    assert caught.reason == Reason.SYNTAX
    assert "Total {{ deal.total }" in caught.detail
    assert "/" not in caught.detail


def test_a_file_that_is_no_word_document_is_refused() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("word/other.xml", "<x/>")
    # Random text, so the file is as large as what it holds.
    oversize = template("{{ deal.total }}" + secrets.token_urlsafe(MAX_TEMPLATE_BYTES))
    assert len(oversize) > MAX_TEMPLATE_BYTES

    for data in (b"\xd0\xcf\x11\xe0 not a docx" * 100, archive.getvalue(), oversize, b""):
        assert refused(data).reason == Reason.NOT_DOCX


def test_filling_puts_every_value_in_place_with_a_row_per_item() -> None:
    data = template("Total {{ deal.total }}, size {{ fields.size }}")

    filled = Document(io.BytesIO(fill(data, CONTEXT)))

    assert [paragraph.text for paragraph in filled.paragraphs if paragraph.text] == [
        "Contract D-17 of 06.12.2026",
        "Total 1 250,00 ₼, size 4×5 m",
        "Customer: Aysel Məmmədova",
    ]
    rows = [[cell.text for cell in row.cells] for row in filled.tables[0].rows]
    assert rows == [
        ["Name", "Quantity", "Amount"],
        ["Laminate", "20", "500,00"],
        ["Plinth", "15", "150,00"],
        ["Glue", "2", "600,00"],
    ]
    assert filled.sections[0].header.paragraphs[0].text == "Parket MMC"


def test_customers_text_is_shown_as_typed_and_a_missing_value_left_blank() -> None:
    context = CONTEXT | {"customer": {"name": '<b> & "Ltd" </w:t>'}, "fields": {}}
    del context["company"]

    filled = fill(template("Size: {{ fields.size }}."), context)

    assert 'Customer: <b> & "Ltd" </w:t>' in texts(filled)
    assert "Size: ." in texts(filled)
    assert Document(io.BytesIO(filled)).sections[0].header.paragraphs[0].text == ""


def test_a_template_that_fails_when_filled_is_refused_with_what_went_wrong() -> None:
    with pytest.raises(TemplateInvalid) as caught:
        fill(template("{{ deal.total + 1 }}"), CONTEXT)

    assert caught.value.reason == Reason.RENDER
    assert "TypeError" in caught.value.detail


@pytest.mark.parametrize(
    ("escape", "named"),
    [
        ("{{ customer.__class__.__mro__ }}", "customer.__class__.__mro__"),
        ("{{ ''.__class__ }}", "''.__class__"),
        ("{{ fields['__globals__'] }}", "fields.__globals__"),
    ],
)
def test_a_reach_out_of_the_sandbox_is_named_and_never_filled(escape: str, named: str) -> None:
    data = template(f"Dear {escape}")

    assert check(data, FIELDS).unknown == (named,)
    with pytest.raises(TemplateInvalid) as caught:
        fill(data, CONTEXT)
    assert caught.value.reason == Reason.UNSAFE


def test_what_the_sandbox_stops_otherwise_fills_nothing() -> None:
    data = template("Dear {{ customer|attr('__class__') }}.")

    assert check(data, FIELDS).unknown == ("customer",)
    assert "Dear ." in texts(fill(data, CONTEXT))
