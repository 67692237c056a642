"""Certificate buttons: confirm or change the printed name; the organizers' actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.certificates.rules import name_mark
from bot.viewer import Viewer


@dataclass(frozen=True)
class ConfirmName(CallbackData, prefix="crt:ok"):
    mark: str  # rules.name_mark of the name shown: a changed name is shown again first


@dataclass(frozen=True)
class ChangeName(CallbackData, prefix="crt:nm"):
    pass


@dataclass(frozen=True)
class Manage(CallbackData, prefix="crt:m"):
    # ask: send "confirm your name" to the eligible; issue: ask to confirm; go: issue now
    action: Literal["ask", "issue", "go", "cancel"]


def confirm_keyboard(v: Viewer, name: str) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([
        [InlineKeyboardButton("✅ " + _("Yes, print this name"),
                              callback_data=ConfirmName(name_mark(name)).pack())],
        [change_button(v)],
    ])


def change_button(v: Viewer) -> InlineKeyboardButton:
    return InlineKeyboardButton("✏️ " + v.tr.gettext("Change the name"),
                                callback_data=ChangeName().pack())


def change_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[change_button(v)]])


def manage_keyboard(v: Viewer, to_ask: int, ready: int) -> InlineKeyboardMarkup | None:
    _ = v.tr.gettext
    rows = []
    if to_ask:
        rows.append([InlineKeyboardButton(
            "📨 " + _("Ask to confirm the name ({count})").format(count=to_ask),
            callback_data=Manage("ask").pack())])
    if ready:
        rows.append([InlineKeyboardButton(
            "🎓 " + _("Issue certificates ({count})").format(count=ready),
            callback_data=Manage("issue").pack())])
    return InlineKeyboardMarkup(rows) if rows else None


def issue_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("🎓 " + _("Yes, issue them"), callback_data=Manage("go").pack()),
        InlineKeyboardButton("↩️ " + _("Cancel"), callback_data=Manage("cancel").pack()),
    ]])
