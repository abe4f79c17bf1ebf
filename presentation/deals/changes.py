"""What a manager is told when someone else changed their deal, in their language."""

from __future__ import annotations

from html import escape

from aiogram.utils.i18n import gettext as _


def by_rule(name: str) -> str:
    return _("Rule «{name}»").format(name=escape(name))


def moved_text(who: str, number: int, old: str, new: str) -> str:
    return _("{who} moved request #{number} from {old} to {new}.").format(
        who=who, number=number, old=escape(old), new=escape(new)
    )


def amount_text(who: str, number: int, old: str | None, new: str | None) -> str:
    return _("{who} changed the amount of request #{number}: {old} → {new}.").format(
        who=who, number=number, old=old or "—", new=new or "—"
    )


def handed_over_text(who: str | None, number: int, name: str) -> str:
    """`who` is None when nobody chose it (a request nobody took in time moves on)."""
    if who is None:
        return _("Request #{number} was handed over to {name}.").format(
            number=number, name=escape(name)
        )
    return _("{who} handed request #{number} over to {name}.").format(
        who=who, number=number, name=escape(name)
    )
