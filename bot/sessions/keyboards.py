"""Buttons around a session: join (a URL button), add to calendar, materials, rate it."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.feedback.keyboards import ask_button
from bot.materials.keyboards import materials_button
from bot.viewer import Viewer


@dataclass(frozen=True)
class AddToCalendar(CallbackData, prefix="cal"):
    session: int


def join_button(v: Viewer, url: str) -> InlineKeyboardButton:
    return InlineKeyboardButton("🔗 " + v.tr.gettext("Join"), url=url)


def calendar_button(v: Viewer, session_number: int) -> InlineKeyboardButton:
    return InlineKeyboardButton("🗓 " + v.tr.gettext("Add to calendar"),
                                callback_data=AddToCalendar(session_number).pack())


def join_keyboard(v: Viewer, url: str | None) -> InlineKeyboardMarkup | None:
    return InlineKeyboardMarkup([[join_button(v, url)]]) if url else None


def next_keyboard(v: Viewer, session_number: int, link: str | None) -> InlineKeyboardMarkup:
    row = [join_button(v, link)] if link else []
    return InlineKeyboardMarkup([[*row, calendar_button(v, session_number)]])


def session_keyboard(v: Viewer, session_number: int, *, link: str | None, materials: int,
                     rate: bool, rated: bool) -> InlineKeyboardMarkup:
    """link: the join link while it is of use to this viewer; materials: how many they may
    get; rate: they may answer the feedback question (rated: they did already)."""
    rows = [[join_button(v, link), calendar_button(v, session_number)] if link
            else [calendar_button(v, session_number)]]
    if materials:
        rows.append([materials_button(v, session_number, materials)])
    if rate:
        rows.append([ask_button(v, session_number, rated)])
    return InlineKeyboardMarkup(rows)
