"""The operations feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Feature, Staff

FEATURE = Feature(
    "operations",
    jobs=("bot.operations.jobs:build_jobs",),
    commands=(
        Staff("status", "organizer", N_("Bot status: storage, jobs, errors")),
    ),
)
