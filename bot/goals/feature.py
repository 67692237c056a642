"""The goals feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Export, Feature, Staff
from bot.goals.export import write_goals

FEATURE = Feature(
    "goals",
    jobs=("bot.goals.jobs:build_goal_jobs",),
    exports=(Export("goals", N_("Group goals"), write_goals),),
    commands=(
        Staff("review", "facilitator", N_("Closing review of the goals")),
    ),
)
