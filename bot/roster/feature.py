"""The roster feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Feature, Staff

FEATURE = Feature(
    "roster",
    commands=(
        Staff("roster", "organizer", N_("Import a roster: a personal link for each person")),
    ),
)
