"""The sessions feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import Feature

FEATURE = Feature(
    "sessions",
    jobs=("bot.sessions.jobs:build_jobs",),
)
