"""The /stats menu: one button per chart (st:<chart key>)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.viewer import Viewer


@dataclass(frozen=True)
class PickChart(CallbackData, prefix="st"):
    chart: str  # a key of bot.charts.catalog.BY_KEY; an unknown one is a stale button


def menu_keyboard(v: Viewer, charts: Sequence[tuple[str, str, str]]) -> InlineKeyboardMarkup:
    """charts: (key, icon, title) in menu order."""
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(f"{icon} {title}", callback_data=PickChart(key).pack())]
        for key, icon, title in charts
    ])
