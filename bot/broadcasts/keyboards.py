"""Broadcast buttons, all for facilitators and organizers only.

Callback data (<id> is the broadcast's number):
  bca:<id>:all | bca:<id>:g:<core|wider> | bca:<id>:c:<CC> | bca:<id>:l:<lang>   audience
  bca:<id>:att:<absent|present> | bca:<id>:s:<absent|present>:<n> | bca:<id>:back
  bca:<id>:next                                                            on to content
  bcp:<id>:send | bcp:<id>:when | bcp:<id>:ver | bcp:<id>:v:<lang> | bcp:<id>:cancel
  bcl:<id>:x (cancel a scheduled or running broadcast) | bcl:<id>:d (details)

The values (a group, a country, a language, a session) are checked where the button is
handled: a forged one changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.broadcasts.rules import GROUPS, Audience
from bot.callbacks import CallbackData
from bot.config import LANGUAGES
from bot.schedule import Schedule
from bot.storage.broadcast_records import AttendanceKind, Broadcast
from bot.viewer import LANGUAGE_NAMES, Viewer, country_name, flag

CHECK = "✓ "


@dataclass(frozen=True)
class AudiencePress(CallbackData, prefix="bca"):
    """A button of the audience screen (or of its session picker)."""

    draft: int
    op: Literal["all", "g", "c", "l", "att", "s", "back", "next"]
    value: str | None = None  # g: a group, c: a country code, l: a language, att/s: the kind
    session: int | None = None  # s: the session's number


@dataclass(frozen=True)
class PreviewAction(CallbackData, prefix="bcp"):
    """Under the preview: send, schedule, add a version (in a language), cancel."""

    draft: int
    op: Literal["send", "when", "ver", "v", "cancel"]
    language: str | None = None  # v: the new version's language


@dataclass(frozen=True)
class ListAction(CallbackData, prefix="bcl"):
    """In /broadcasts: details, or cancel a scheduled or running broadcast."""

    broadcast: int
    op: Literal["d", "x"]


def _mark(selected: bool, label: str) -> str:
    return (CHECK if selected else "") + label


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def audience_keyboard(v: Viewer, schedule: Schedule, draft_id: int, a: Audience,
                      scope: frozenset[str] | None = None) -> InlineKeyboardMarkup:
    """`scope`: the author's countries when they are limited to some (only those offered)."""
    _ = v.tr.gettext

    def button(label: str, op: Literal["all", "g", "c", "l", "att", "next"],
               value: str | None = None) -> InlineKeyboardButton:  # fmt: skip
        return InlineKeyboardButton(label, callback_data=AudiencePress(draft_id, op, value).pack())

    rows = [[button(_mark(a.everyone, _("Everyone")), "all")]]
    labels = {"core": _("Core group"), "wider": _("Wider group")}
    rows.append([button(_mark(g in a.groups, labels[g]), "g", g) for g in GROUPS])
    countries = [
        button(_mark(c.code in a.countries, f"{flag(c.code)} {country_name(c, v.lang)}"),
               "c", c.code)
        for c in schedule.countries if scope is None or c.code in scope
    ]  # fmt: skip
    rows += _rows(countries, 2)
    rows.append([button(_mark(code in a.languages, LANGUAGE_NAMES[code]), "l", code)
                 for code in LANGUAGES])  # fmt: skip
    kind = a.attendance[0] if a.attendance else None
    rows.append([
        button(_mark(kind == "absent", _("Did not check in…")), "att", "absent"),
        button(_mark(kind == "present", _("Checked in…")), "att", "present"),
    ])  # fmt: skip
    rows.append([button(_("Continue ➡️"), "next")])
    return InlineKeyboardMarkup(rows)


def sessions_keyboard(v: Viewer, schedule: Schedule, draft_id: int, a: Audience,
                      kind: AttendanceKind, now: datetime) -> InlineKeyboardMarkup:  # fmt: skip
    """The sessions that have started (all of them before the first), and Back."""
    sessions = [s for s in schedule.sessions if s.start <= now] or schedule.sessions
    buttons = [
        InlineKeyboardButton(
            _mark(a.attendance == (kind, s.number), str(s.number)),
            callback_data=AudiencePress(draft_id, "s", kind, s.number).pack(),
        )
        for s in sessions
    ]
    rows = _rows(buttons, 6)
    back = AudiencePress(draft_id, "back").pack()
    rows.append([InlineKeyboardButton(v.tr.gettext("⬅️ Back"), callback_data=back)])
    return InlineKeyboardMarkup(rows)


def actions_keyboard(v: Viewer, draft_id: int) -> InlineKeyboardMarkup:
    _ = v.tr.gettext

    def button(label: str, op: Literal["send", "when", "ver", "cancel"]) -> InlineKeyboardButton:
        return InlineKeyboardButton(label, callback_data=PreviewAction(draft_id, op).pack())

    return InlineKeyboardMarkup([
        [button(_("📤 Send now"), "send"), button(_("🕒 Schedule"), "when")],
        [button(_("🌐 Add a version in another language"), "ver")],
        [button(_("✖️ Cancel"), "cancel")],
    ])  # fmt: skip


def languages_keyboard(draft_id: int) -> InlineKeyboardMarkup:
    """Which language a new version is in."""
    buttons = [
        InlineKeyboardButton(LANGUAGE_NAMES[code],
                             callback_data=PreviewAction(draft_id, "v", code).pack())
        for code in LANGUAGES
    ]  # fmt: skip
    return InlineKeyboardMarkup(_rows(buttons, 4))


def list_keyboard(v: Viewer, broadcasts: list[Broadcast]) -> InlineKeyboardMarkup | None:
    """Details for each listed broadcast; Cancel for those scheduled or being sent."""
    _ = v.tr.gettext
    rows = []
    for b in broadcasts:
        row = [InlineKeyboardButton(_("🔎 Details #{id}").format(id=b.id),
                                    callback_data=ListAction(b.id, "d").pack())]  # fmt: skip
        if b.status in ("scheduled", "sending"):
            row.append(InlineKeyboardButton(_("✖️ Cancel #{id}").format(id=b.id),
                                            callback_data=ListAction(b.id, "x").pack()))
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None
