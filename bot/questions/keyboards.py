"""Buttons of /ask (also under /help) and /questions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.questions.texts import MAX_LISTED
from bot.storage.questions import Question
from bot.viewer import Viewer


@dataclass(frozen=True)
class AskOrganizers(CallbackData, prefix="ask"):
    pass


@dataclass(frozen=True)
class QuestionAction(CallbackData, prefix="q"):
    action: Literal["show", "done"]
    question: int


def contact_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    """Under /help: the same as /ask."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        "✉️ " + v.tr.gettext("Contact the organizers"), callback_data=AskOrganizers().pack())]])


def questions_keyboard(v: Viewer, questions: list[Question]) -> InlineKeyboardMarkup | None:
    number = v.tr.gettext("#{id}")
    rows = [[InlineKeyboardButton("💬 " + number.format(id=q.id),
                                  callback_data=QuestionAction("show", q.id).pack()),
             InlineKeyboardButton("✓ " + number.format(id=q.id),
                                  callback_data=QuestionAction("done", q.id).pack())]
            for q in questions[:MAX_LISTED]]
    return InlineKeyboardMarkup(rows) if rows else None
