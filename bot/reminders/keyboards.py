"""The /reminders screen's buttons: one per offset, and all on/off."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.reminders.texts import offset_label
from bot.viewer import Viewer


@dataclass(frozen=True)
class ToggleReminder(CallbackData, prefix="rem"):
    offset: int  # minutes before the start


@dataclass(frozen=True)
class ToggleAll(CallbackData, prefix="rem:all"):
    pass


def reminders_keyboard(v: Viewer, offsets: list[int], off: set[int],
                       all_off: bool) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    rows = [
        [InlineKeyboardButton(("🚫 " if offset in off else "✅ ") + offset_label(v, offset),
                              callback_data=ToggleReminder(offset).pack())]
        for offset in offsets
    ]
    rows.append([InlineKeyboardButton(
        "🔔 " + _("Turn all reminders on") if all_off else "🔕 " + _("Turn all reminders off"),
        callback_data=ToggleAll().pack(),
    )])
    return InlineKeyboardMarkup(rows)
