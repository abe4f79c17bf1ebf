"""The owner's stage editor (/stages): the pipeline, one stage, and where a deleted stage's
deals go."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram.utils.i18n import gettext as _
from aiogram.utils.i18n import ngettext

from presentation.deals.callbacks import StageAction, StageCb
from presentation.keyboards import LANGUAGES
from presentation.render import stage_name
from services.access import SUPPORTED_LOCALES
from services.stages import OPEN, WON, StageDetail, StageView


def _button(
    text: str, action: StageAction, stage_id: int = 0, arg: int = 0
) -> InlineKeyboardButton:
    data = StageCb(action=action, stage_id=stage_id, arg=arg).pack()
    return InlineKeyboardButton(text=text, callback_data=data)


def _label(stage: StageView, locale: str) -> str:
    bell = " 🔔" if stage.notify else ""
    box = " 📦" if stage.reserves else ""
    return stage_name(stage.names, locale) + bell + box


def overview_text(stages: list[StageView], locale: str) -> str:
    lines = [_("<b>Pipeline stages</b>")]
    number = 0
    for stage in stages:
        if stage.kind == OPEN:
            number += 1
            marker = f"{number}."
        else:
            marker = "🏆" if stage.kind == WON else "❌"
        deals = ngettext("{n} open request", "{n} open requests", stage.open_deals).format(
            n=stage.open_deals
        )
        line = f"{marker} {escape(_label(stage, locale))}"
        lines.append(f"{line} · {deals}" if stage.kind == OPEN else line)
    lines.append("")
    lines.append(_("🔔 The customer is told when their request enters the stage."))
    if any(s.reserves for s in stages):
        lines.append(_("📦 A request entering the stage reserves the stock of its items."))
    lines.append(_("Tap a stage to rename, move, delete it or switch notifications."))
    return "\n".join(lines)


def overview_keyboard(stages: list[StageView], locale: str) -> InlineKeyboardMarkup:
    rows = [[_button(_label(s, locale), StageAction.SHOW, s.id)] for s in stages]
    rows.append([_button(_("➕ Add a stage"), StageAction.ADD)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def detail_text(detail: StageDetail, locale: str) -> str:
    stage = detail.stage
    lines = [_("<b>Stage: {name}</b>").format(name=escape(stage_name(stage.names, locale)))]
    for code in SUPPORTED_LOCALES:
        lines.append(f"{LANGUAGES[code]}: {escape(stage.names.get(code, ''))}")
    if stage.kind == OPEN:
        lines.append(
            ngettext("{n} open request", "{n} open requests", stage.open_deals).format(
                n=stage.open_deals
            )
        )
    if stage.notify:
        lines.append(_("🔔 The customer is told when their request enters this stage."))
    else:
        lines.append(_("🔕 The customer is not told about this stage."))
    if stage.reserves:
        lines.append(
            _(
                "📦 A request entering this stage reserves the stock of its items until it is "
                "won (then taken from the stock) or lost."
            )
        )
    return "\n".join(lines)


def detail_keyboard(detail: StageDetail) -> InlineKeyboardMarkup:
    stage_id = detail.stage.id
    rows = []
    moves = []
    if detail.can_move_up:
        moves.append(_button(_("⬆️ Earlier"), StageAction.UP, stage_id))
    if detail.can_move_down:
        moves.append(_button(_("⬇️ Later"), StageAction.DOWN, stage_id))
    if moves:
        rows.append(moves)
    notify = _("🔕 Stop telling customers") if detail.stage.notify else _("🔔 Tell customers")
    rows.append([_button(notify, StageAction.NOTIFY, stage_id)])
    if detail.stage.kind == OPEN:
        reserve = _("📦 Stop reserving stock") if detail.stage.reserves else _("📦 Reserve stock")
        rows.append([_button(reserve, StageAction.RESERVES, stage_id)])
    rows.append(
        [
            _button(f"✏️ {LANGUAGES[code]}", StageAction.RENAME, stage_id, i)
            for i, code in enumerate(SUPPORTED_LOCALES)
        ]
    )
    if detail.can_delete:
        rows.append([_button(_("🗑 Delete"), StageAction.DELETE, stage_id)])
    rows.append([_button(_("« All stages"), StageAction.LIST)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def delete_text(detail: StageDetail, locale: str) -> str:
    name = escape(stage_name(detail.stage.names, locale))
    return ngettext(
        "Delete the stage {name}? Its {n} open request moves to the stage you pick:",
        "Delete the stage {name}? Its {n} open requests move to the stage you pick:",
        detail.stage.open_deals,
    ).format(name=name, n=detail.stage.open_deals)


def delete_keyboard(detail: StageDetail, locale: str) -> InlineKeyboardMarkup:
    rows = [
        [_button(stage_name(t.names, locale), StageAction.MOVE_TO, detail.stage.id, t.id)]
        for t in detail.targets
    ]
    rows.append([_button(_("« Keep it"), StageAction.SHOW, detail.stage.id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)
