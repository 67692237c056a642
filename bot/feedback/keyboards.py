"""Feedback buttons: the 1-5 rating, skipping the comment, and asking again from /session."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.feedback.rules import RATINGS
from bot.viewer import Viewer


@dataclass(frozen=True)
class Rate(CallbackData, prefix="fb:r"):
    session: int
    rating: int  # 1 to 5, checked by the handler


@dataclass(frozen=True)
class SkipComment(CallbackData, prefix="fb:s"):
    session: int


@dataclass(frozen=True)
class AskFeedback(CallbackData, prefix="fb:a"):
    session: int


def rating_keyboard(session_number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(str(r), callback_data=Rate(session_number, r).pack())
        for r in RATINGS
    ]])


def skip_keyboard(v: Viewer, session_number: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        "⏭ " + v.tr.gettext("Skip"), callback_data=SkipComment(session_number).pack())]])


def ask_button(v: Viewer, session_number: int, rated: bool) -> InlineKeyboardButton:
    _ = v.tr.gettext
    label = _("Change my rating") if rated else _("Rate this session")
    return InlineKeyboardButton("⭐ " + label, callback_data=AskFeedback(session_number).pack())
