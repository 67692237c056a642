"""The coaching feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.coaching.export import write_coaching
from bot.feature import N_, Export, Feature, Staff

FEATURE = Feature(
    "coaching",
    jobs=("bot.coaching.jobs:build_jobs",),
    exports=(Export("coaching", N_("Coaching"), write_coaching),),
    commands=(
        Staff("coaching", "facilitator", N_("Core groups' coaching hours")),
    ),
)
