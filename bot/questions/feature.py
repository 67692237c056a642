"""The questions feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Feature, Staff

FEATURE = Feature(
    "questions",
    commands=(
        Staff("questions", "facilitator", N_("Questions to the organizers waiting for an answer")),
    ),
)
