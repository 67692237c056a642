"""The charts feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Feature, Staff

FEATURE = Feature(
    "charts",
    commands=(
        Staff("stats", "facilitator", N_("Charts of attendance, goals and session feedback")),
    ),
)
