"""Every feature, in the order the wiring walks them: jobs are rebuilt in this order at start
and on /reload (sessions first: a "session moved" notice carries its new SEQUENCE), and staff
menus list commands in it. A new feature adds its bot/<feature>/feature.py here.
"""

from __future__ import annotations

import importlib

from bot.attendance.feature import FEATURE as attendance
from bot.broadcasts.feature import FEATURE as broadcasts
from bot.certificates.feature import FEATURE as certificates
from bot.charts.feature import FEATURE as charts
from bot.coaching.feature import FEATURE as coaching
from bot.feature import Export, Feature, JobBuilder, Staff
from bot.feedback.feature import FEATURE as feedback
from bot.goals.feature import FEATURE as goals
from bot.materials.feature import FEATURE as materials
from bot.networking.feature import FEATURE as networking
from bot.operations.feature import FEATURE as operations
from bot.people.feature import FEATURE as people
from bot.program.feature import FEATURE as program
from bot.questions.feature import FEATURE as questions
from bot.reminders.feature import FEATURE as reminders
from bot.roster.feature import FEATURE as roster
from bot.sessions.feature import FEATURE as sessions

FEATURES: list[Feature] = [
    sessions,
    reminders,
    people,
    attendance,
    broadcasts,
    goals,
    coaching,
    charts,
    materials,
    feedback,
    certificates,
    questions,
    networking,
    roster,
    program,
    operations,
]


def job_builders() -> list[JobBuilder]:
    """Every feature's job builders, imported now (the wiring; they need Telegram)."""
    found: list[JobBuilder] = []
    for feature in FEATURES:
        for name in feature.jobs:
            module, _, function = name.partition(":")
            found.append(getattr(importlib.import_module(module), function))
    return found


def exports() -> dict[str, Export]:
    return {e.kind: e for feature in FEATURES for e in feature.exports}


def staff_commands() -> list[Staff]:
    return [c for feature in FEATURES for c in feature.commands]
