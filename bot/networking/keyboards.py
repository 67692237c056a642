"""Networking buttons. People are named in callback data by their profile id or a request id,
never by their Telegram id (data can be read by a client, and is forged: handlers re-check)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.config import LANGUAGES
from bot.networking.texts import Entry, language_names
from bot.schedule import Schedule
from bot.storage.networking import Profile
from bot.viewer import Viewer


@dataclass(frozen=True)
class NetworkAction(CallbackData, prefix="nw"):
    # back: the profile screen in place; open: the same as a new message
    action: Literal["on", "off", "offers", "seeks", "langs", "note", "matches", "back", "open"]


@dataclass(frozen=True)
class ToggleTopic(CallbackData, prefix="nw:t"):
    kind: Literal["o", "s"]  # offers, seeks
    key: str


@dataclass(frozen=True)
class ToggleLanguage(CallbackData, prefix="nw:l"):
    lang: str


@dataclass(frozen=True)
class Meet(CallbackData, prefix="nw:m"):
    profile: int


@dataclass(frozen=True)
class Hide(CallbackData, prefix="nw:h"):
    profile: int


@dataclass(frozen=True)
class SendRequest(CallbackData, prefix="nw:rq"):
    action: Literal["send", "cancel"]  # the note waits as pending input


@dataclass(frozen=True)
class Answer(CallbackData, prefix="nw:a"):
    request: int
    answer: Literal["yes", "no", "block"]


@dataclass(frozen=True)
class ConfirmRooms(CallbackData, prefix="nw:bo"):
    plan: int
    answer: Literal["yes", "no"]


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.pack())


def profile_keyboard(v: Viewer, profile: Profile | None) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    visible = profile is not None and profile.visible
    switch = (_button("⏸ " + _("Turn off"), NetworkAction("off")) if visible
              else _button("▶️ " + _("Turn on"), NetworkAction("on")))
    return InlineKeyboardMarkup([
        [_button("🎁 " + _("I offer"), NetworkAction("offers")),
         _button("🔎 " + _("I seek"), NetworkAction("seeks"))],
        [_button("🗣 " + _("Languages"), NetworkAction("langs")),
         _button("💬 " + _("My line"), NetworkAction("note"))],
        [switch, _button("🤝 " + _("Suggestions"), NetworkAction("matches"))],
    ])


def topics_keyboard(v: Viewer, schedule: Schedule, kind: Literal["o", "s"],
                    chosen: Sequence[str]) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    rows = [[_button(("✅ " if t.key in chosen else "") + t.label(v.lang),
                     ToggleTopic(kind, t.key))] for t in schedule.networking.topics]
    rows.append([_button("↩️ " + _("Back to my profile"), NetworkAction("back"))])
    return InlineKeyboardMarkup(rows)


def languages_keyboard(v: Viewer, bot_language: str | None,
                       chosen: Sequence[str]) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    buttons = [_button(("✅ " if lang in chosen or lang == bot_language else "")
                       + language_names(v, [lang]), ToggleLanguage(lang)) for lang in LANGUAGES]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button("↩️ " + _("Back to my profile"), NetworkAction("back"))])
    return InlineKeyboardMarkup(rows)


def matches_keyboard(v: Viewer, entries: Sequence[Entry]) -> InlineKeyboardMarkup | None:
    _ = v.tr.gettext
    rows = [[_button(_("🤝 Meet {n}").format(n=n), Meet(e.profile.id)),
             _button(_("🙈 Hide {n}").format(n=n), Hide(e.profile.id))]
            for n, e in enumerate(entries, start=1)]
    return InlineKeyboardMarkup(rows) if rows else None


def request_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([[_button("📨 " + _("Send without a note"), SendRequest("send")),
                                  _button("✖️ " + _("Cancel"), SendRequest("cancel"))]])


def answer_keyboard(v: Viewer, request_id: int) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([
        [_button("✅ " + _("Accept"), Answer(request_id, "yes")),
         _button("✖️ " + _("Decline"), Answer(request_id, "no"))],
        [_button("🚫 " + _("Block this person"), Answer(request_id, "block"))],
    ])


def back_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("↩️ " + v.tr.gettext("Back to my profile"),
                                          NetworkAction("back"))]])


def invitation_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([[_button("🤝 " + _("Make my profile"), NetworkAction("open"))]])


def rooms_keyboard(v: Viewer, plan_id: int) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([[_button("📨 " + _("Tell everyone"), ConfirmRooms(plan_id, "yes")),
                                  _button("✖️ " + _("Cancel"), ConfirmRooms(plan_id, "no"))]])
