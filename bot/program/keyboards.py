"""Buttons of the program changes: confirm a move, undo a change (each confirmed first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.viewer import Viewer


@dataclass(frozen=True)
class ConfirmMove(CallbackData, prefix="pc:mv"):
    session: int
    minute: int  # the new start, in minutes since the epoch (UTC)
    answer: Literal["y", "n"]


@dataclass(frozen=True)
class UndoChange(CallbackData, prefix="pc:un"):
    change: int
    confirm: Literal["y", "n"] | None = None


def move_keyboard(v: Viewer, session: int, minute: int) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("✅ " + _("Move it"),
                             callback_data=ConfirmMove(session, minute, "y").pack()),
        InlineKeyboardButton(_("Cancel"), callback_data=ConfirmMove(session, minute, "n").pack()),
    ]])


def changes_keyboard(v: Viewer, ids: list[int]) -> InlineKeyboardMarkup | None:
    if not ids:
        return None
    label = v.tr.gettext("Undo {number}")
    return InlineKeyboardMarkup([
        [InlineKeyboardButton("↩️ " + label.format(number=i + 1),
                              callback_data=UndoChange(change_id).pack())]
        for i, change_id in enumerate(ids)
    ])


def undo_keyboard(v: Viewer, change_id: int) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("↩️ " + _("Undo it"),
                             callback_data=UndoChange(change_id, "y").pack()),
        InlineKeyboardButton(_("Cancel"), callback_data=UndoChange(change_id, "n").pack()),
    ]])
