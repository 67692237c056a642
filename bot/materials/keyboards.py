"""Materials buttons: get them (participants), remove one and finish adding (facilitators)."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.storage.materials import Material
from bot.viewer import Viewer


@dataclass(frozen=True)
class GetMaterials(CallbackData, prefix="mat:get"):
    session: int


@dataclass(frozen=True)
class RemoveMaterial(CallbackData, prefix="mat:rm"):
    session: int
    item: int  # the material's id


@dataclass(frozen=True)
class MaterialsDone(CallbackData, prefix="mat:done"):
    session: int


def materials_button(v: Viewer, session_number: int, count: int) -> InlineKeyboardButton:
    return InlineKeyboardButton("📎 " + v.tr.gettext("Materials ({count})").format(count=count),
                                callback_data=GetMaterials(session_number).pack())


def followup_keyboard(v: Viewer, session_number: int, count: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[materials_button(v, session_number, count)]])


def staff_keyboard(v: Viewer, session_number: int, items: list[Material],
                   removable: set[int], waiting: bool) -> InlineKeyboardMarkup | None:
    """🗑 buttons for the items this facilitator may remove (numbered as in the list), then
    Done while the bot waits for more."""
    buttons = [
        InlineKeyboardButton(f"🗑 {index}",
                             callback_data=RemoveMaterial(session_number, item.id).pack())
        for index, item in enumerate(items, start=1) if item.id in removable
    ]
    rows = [buttons[i:i + 5] for i in range(0, len(buttons), 5)]
    if waiting:
        rows.append([InlineKeyboardButton("✅ " + v.tr.gettext("Finish"),
                                          callback_data=MaterialsDone(session_number).pack())])
    return InlineKeyboardMarkup(rows) if rows else None
