"""The broadcasts feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Feature, Staff

FEATURE = Feature(
    "broadcasts",
    jobs=("bot.broadcasts.jobs:build_jobs",),
    commands=(
        Staff("broadcast", "facilitator", N_("Send an announcement")),
        Staff("broadcasts", "facilitator", N_("Announcements sent and scheduled")),
    ),
)
