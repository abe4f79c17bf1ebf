"""The rules file in the owner's words: what it is sent with, what an import did, and what is
wrong in a file sent back, at which line."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from services.fields import MAX_CHOICES
from services.rules.file_fields import MAX_FIELDS
from services.rules.files import MAX_BYTES, Imported
from services.rules.manage import MAX_RULES
from services.rules.marked import FileInvalid

FILE_NAME = "rules.yaml"


def caption() -> str:
    return _(
        "All fields and rules of your business. Edit the file and send it back here as a "
        "document: its rules replace the current ones, its fields are added or updated (none "
        "is deleted). /cancel to stop."
    )


def send_a_document() -> str:
    return _("Send the rules file ({name}) as a document, or /cancel.").format(name=FILE_NAME)


def imported_text(imported: Imported) -> str:
    added, updated = imported.fields_added, imported.fields_updated
    removed, made = imported.rules_removed, imported.rules_added
    return "\n".join(
        (
            _("The rules file is imported."),
            ngettext("{count} field added", "{count} fields added", added).format(count=added),
            ngettext("{count} field updated", "{count} fields updated", updated).format(
                count=updated
            ),
            ngettext("{count} rule removed", "{count} rules removed", removed).format(
                count=removed
            ),
            ngettext("{count} rule added", "{count} rules added", made).format(count=made),
            ngettext(
                "{count} rule the same as before, left as it was",
                "{count} rules the same as before, left as they were",
                imported.rules_kept,
            ).format(count=imported.rules_kept),
        )
    )


def too_big_text() -> str:
    return _problem("", "too_big") + "\n" + _nothing_changed()


def not_text() -> str:
    return _("The file is not UTF-8 text.") + "\n" + _nothing_changed()


def problem_text(error: FileInvalid) -> str:
    problem = _problem(error.key, error.problem)
    if error.line is None:
        said = problem
    elif error.where:
        said = _("Line {line} ({where}): {problem}").format(
            line=error.line, where=escape(error.where), problem=problem
        )
    else:
        said = _("Line {line}: {problem}").format(line=error.line, problem=problem)
    return said + "\n" + _nothing_changed()


def _nothing_changed() -> str:
    return _("Nothing was changed. Fix the file and send it again, or /cancel.")


def _problem(key: str, problem: str) -> str:
    if problem == "unknown" and key in _unknown():
        return _unknown()[key]
    return _problems().get(problem) or _("this can't be read.")


def _unknown() -> dict[str, str]:
    """What "unknown" means, by what is unknown."""
    return {
        "event": _("there is no such trigger."),
        "do": _("there is no such action."),
        "op": _("there is no such comparison."),
        "fact": _("there is no such condition, or no such field."),
        "field": _("there is no such field, or it is switched off."),
        "of": _(
            "there is no such date to count from: write won, contract_end, or field: "
            "followed by the key of a date field."
        ),
        "sources": _("there is no such source."),
        "strategy": _(
            "there is no such way to assign: write round_robin, fewest_open, by_level, "
            "by_language or by_tag."
        ),
        "entity": _("a field is about a request or a customer: write deal or customer."),
        "kind": _(
            "there is no such kind of field: write text, number, money, date, yes_no or choice."
        ),
    }


def _problems() -> dict[str, str]:
    return {
        "unknown": _("this is not known here."),
        "syntax": _("this is not valid YAML; look at the indentation, colons and quotes."),
        "too_big": _("the file is too large or nested too deep (at most {size} KB).").format(
            size=MAX_BYTES // 1024
        ),
        "not_mapping": _("lines of key: value are expected here."),
        "not_list": _("a list is expected here, each item on a line starting with -."),
        "not_key": _("a key is a single word."),
        "duplicate": _("this is written twice."),
        "unexpected": _("this key does not belong here."),
        "version": _("the file must say version: 1."),
        "missing": _("something is missing here."),
        "no_stage": _("there is no stage of this name here."),
        "no_person": _("there is no active owner or manager with this id here."),
        "no_rule": _("there is no rule of this name in the file."),
        "ambiguous": _("more than one has this name; rename them so they differ."),
        "kind_changed": _("this field is here already, of another kind; a kind can't change."),
        "option_removed": _(
            "an option this field has here is left out; options can't be removed, as values "
            "may hold them."
        ),
        "name": _("a name is 1 to 64 characters."),
        "key": _("a key is up to 32 small Latin letters, digits and _."),
        "too_many": _(
            "too many: at most {fields} fields, {rules} rules and {choices} options in a field."
        ).format(fields=MAX_FIELDS, rules=MAX_RULES, choices=MAX_CHOICES),
        "not_yes_no": _("write true or false here."),
        "not_whole": _("a whole number is expected here."),
        "out_of_range": _("this number is out of range."),
        "not_number": _("a number is expected here."),
        "not_date": _("a date field is expected here."),
        "field_value": _("this value does not fit its field."),
        "too_long": _("this is too long."),
        "conflict": _("every_days and every_months can't both be set."),
        "url": _("an http or https address is expected here."),
        "private_url": _("this address is not on the public internet."),
        "secret": _("a webhook's secret is 32 to 128 characters, each 0-9 or a-f."),
        "tag": _("a tag is one word of up to 32 characters."),
        "placeholder": _("this text has a placeholder that names nothing."),
        "places": _("at most two decimal places are allowed here."),
        "one_discount": _("a discount is a percent or an amount: write one of them, not both."),
    }
