"""Attendance buttons: the one-tap check-in, and asking for a correction."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.attendance.rules import Progress
from bot.callbacks import CallbackData
from bot.viewer import Viewer


@dataclass(frozen=True)
class CheckIn(CallbackData, prefix="ci"):
    session: int
    user: int  # the person the button was made for: nobody else may press it


@dataclass(frozen=True)
class AskCorrection(CallbackData, prefix="cr"):
    session: int | None = None  # None: pick the session first


def checkin_keyboard(v: Viewer, session_number: int, user_id: int) -> InlineKeyboardMarkup:
    """The one-tap check-in button (also on the "starting now" reminder)."""
    return InlineKeyboardMarkup([[checkin_button(v, session_number, user_id)]])


def checkin_button(v: Viewer, session_number: int, user_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton("✅ " + v.tr.gettext("Check in"),
                                callback_data=CheckIn(session_number, user_id).pack())


def me_keyboard(v: Viewer, progress: Progress, user_id: int) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    rows = [[checkin_button(v, s.number, user_id)] for s, c in progress.cells if c == "open"]
    rows.append([InlineKeyboardButton("✍️ " + _("Ask for a correction"),
                                      callback_data=AskCorrection().pack())])
    return InlineKeyboardMarkup(rows)


def sessions_keyboard(v: Viewer, numbers: list[int]) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    buttons = [InlineKeyboardButton(_("Session {n}").format(n=n),
                                    callback_data=AskCorrection(n).pack()) for n in numbers]
    return InlineKeyboardMarkup([buttons[i:i + 3] for i in range(0, len(buttons), 3)])
