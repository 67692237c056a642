"""The feedback feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Export, Feature, Staff
from bot.feedback.export import write_feedback

FEATURE = Feature(
    "feedback",
    jobs=("bot.feedback.jobs:build_jobs",),
    exports=(Export("feedback", N_("Session feedback"), write_feedback),),
    commands=(
        Staff("feedback", "facilitator", N_("How participants rated a session")),
    ),
)
