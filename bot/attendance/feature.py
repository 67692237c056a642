"""The attendance feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.attendance.export import write_attendance
from bot.feature import N_, Export, Feature, Staff

FEATURE = Feature(
    "attendance",
    exports=(Export("attendance", N_("Attendance"), write_attendance),),
    commands=(
        Staff("attendance", "facilitator", N_("Who checked in to a session")),
        Staff("code", "facilitator", N_("A session's check-in code")),
        Staff("correct", "facilitator", N_("Correct someone's attendance")),
    ),
)
