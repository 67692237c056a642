"""The warnings feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Feature, Staff

FEATURE = Feature(
    "warnings",
    jobs=("bot.warnings.jobs:build_jobs",),
    commands=(
        Staff("digest", "facilitator", N_("The digest after each session: on or off")),
    ),
)
