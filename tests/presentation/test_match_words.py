"""In Azerbaijani, a card's match and an undo's message call a request "müraciət", as the
card's other lines about another customer do."""

from __future__ import annotations

from bot.i18n import create_i18n
from presentation.deals.matches import match_line
from presentation.merges import undone_text
from services.customer_matches import CustomerMatch, MatchKind
from services.merge import Named
from services.unmerge import Undone


def lines() -> list[str]:
    kinds = [(MatchKind.PHONE, MatchKind.PHONE), (MatchKind.EMAIL, MatchKind.EMAIL)]
    kinds += [(MatchKind.TELEGRAM, MatchKind.PHONE), (MatchKind.TELEGRAM, MatchKind.EMAIL)]
    shown = [match_line(CustomerMatch(k, by, 5, "Leyla", None, 7)) for k, by in kinds]
    for deals in ([7], [7, 9]):
        shown.append(undone_text(Undone(Named("Leyla", None), Named("Anna", None), deals)))
    return shown


def test_a_request_is_called_the_same_in_every_merge_line() -> None:
    i18n = create_i18n("en")
    with i18n.context(), i18n.use_locale("az"):
        shown = lines()
    assert [("müraciət" in line, "sorğu" in line) for line in shown] == [(True, False)] * 6
