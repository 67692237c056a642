"""The reminders feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import Feature

FEATURE = Feature(
    "reminders",
    jobs=("bot.reminders.jobs:build_jobs", "bot.reminders.welcome:build_jobs"),
)
