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
from bot.help.texts import command_menu
from bot.materials.feature import FEATURE as materials
from bot.models import Role
from bot.networking.feature import FEATURE as networking
from bot.operations.feature import FEATURE as operations
from bot.people.feature import FEATURE as people
from bot.program.feature import FEATURE as program
from bot.questions.feature import FEATURE as questions
from bot.reminders.feature import FEATURE as reminders
from bot.roster.feature import FEATURE as roster
from bot.sessions.feature import FEATURE as sessions
from bot.viewer import Viewer
from bot.warnings.feature import FEATURE as warnings

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
    warnings,
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


def staff_command_names(role: Role) -> tuple[str, ...]:
    """The command names a role adds to the participant menu (none for participants): the
    facilitators' tools, and for organizers theirs after them. /link and /unlink are used
    inside group chats: /help explains them, the private menu leaves them out."""
    wanted = {"organizer": ("facilitator", "organizer"), "facilitator": ("facilitator",)}
    return tuple(c.name for part in wanted.get(role, ()) for c in staff_commands()
                 if c.role == part)


def staff_menu(v: Viewer, role: Role) -> list[tuple[str, str]]:
    """A staff member's own menu: the participant commands, then their role's tools."""
    described = {c.name: v.tr.gettext(c.menu) for c in staff_commands()}
    return command_menu(v) + [(c, described[c]) for c in staff_command_names(role)]
