"""The materials feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Feature, Staff

FEATURE = Feature(
    "materials",
    jobs=("bot.materials.jobs:build_jobs",),
    commands=(
        Staff("materials", "facilitator", N_("Attach slides, recordings and links to a session")),
    ),
)
