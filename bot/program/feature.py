"""The program feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Feature, Staff

FEATURE = Feature(
    "program",
    commands=(
        Staff("reload", "organizer", N_("Reload the schedule")),
        Staff("joinlink", "organizer", N_("Set or remove a join link")),
        Staff("move", "organizer", N_("Move a session to a new date and time")),
        Staff("changes", "organizer", N_("Program changes made in the chat: list, undo")),
    ),
)
