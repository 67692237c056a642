"""Early warnings' buttons: the digest's (a card per name, write to those who missed it) and
the /digest screen's; the /reminders toggle for the participants' message."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.people.card_keyboards import PersonAction
from bot.viewer import Viewer
from bot.warnings.rules import Digest

Mode = Literal["session", "weekly", "off"]
MODES: tuple[Mode, ...] = ("session", "weekly", "off")

MAX_NAMES = 12  # buttons for names; the text lists them all


@dataclass(frozen=True)
class DigestMode(CallbackData, prefix="dg:m"):
    mode: Mode


@dataclass(frozen=True)
class WriteAbsentees(CallbackData, prefix="dg:w"):
    session: int


@dataclass(frozen=True)
class ToggleMissed(CallbackData, prefix="rem:missed"):
    pass


def digest_keyboard(v: Viewer, d: Digest) -> InlineKeyboardMarkup | None:
    people = [InlineKeyboardButton("👤 " + a.person.name[:28],
                                   callback_data=PersonAction(a.person.user_id, "show").pack())
              for a in d.absences[:MAX_NAMES]]
    rows = [people[i:i + 2] for i in range(0, len(people), 2)]
    if d.absences:
        rows.append([InlineKeyboardButton(
            "✉️ " + v.tr.gettext("Write to those who missed it"),
            callback_data=WriteAbsentees(d.session.number).pack())])
    return InlineKeyboardMarkup(rows) if rows else None


def weekly_keyboard(v: Viewer, digests: list[Digest]) -> InlineKeyboardMarkup | None:
    """A button per name (each once), then one "write to" per session with absentees."""
    seen: dict[int, str] = {}
    for d in digests:
        for a in d.absences:
            seen.setdefault(a.person.user_id, a.person.name)
    people = [InlineKeyboardButton("👤 " + name[:28],
                                   callback_data=PersonAction(uid, "show").pack())
              for uid, name in list(seen.items())[:MAX_NAMES]]
    rows = [people[i:i + 2] for i in range(0, len(people), 2)]
    rows += [[InlineKeyboardButton(
        "✉️ " + v.tr.gettext("Write to those who missed session {n}").format(n=d.session.number),
        callback_data=WriteAbsentees(d.session.number).pack())] for d in digests if d.absences]
    return InlineKeyboardMarkup(rows) if rows else None


def digest_settings_keyboard(v: Viewer, mode: str) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    labels = {"session": _("After each session"), "weekly": _("Weekly, Monday 09:00"),
              "off": _("Off")}
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        ("✅ " if choice == mode else "") + labels[choice],
        callback_data=DigestMode(choice).pack())] for choice in MODES])


def missed_button(v: Viewer, off: bool) -> InlineKeyboardButton:
    _ = v.tr.gettext
    return InlineKeyboardButton(
        ("🚫 " if off else "✅ ") + _("A word after a session I missed"),
        callback_data=ToggleMissed().pack())
