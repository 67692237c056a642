"""Telegram handlers: read the update, call domain code and storage, render, reply.

One module (or package) per feature; each has register(app). Handler groups: handlers/common.py.
"""

from __future__ import annotations

from telegram.ext import Application

from handlers import (
    attendance,
    broadcasts,
    calendar,
    certificates,
    charts,
    coaching,
    digest,
    errors,
    exports,
    feedback,
    gate,
    goals,
    help,
    input,
    materials,
    networking,
    onboarding,
    people,
    program,
    questions,
    reminders,
    roster,
    sessions,
    shield,
    status,
)


def register(app: Application) -> None:
    shield.register(app)
    gate.register(app)
    input.register(app)
    onboarding.register(app)
    sessions.register(app)
    help.register(app)
    people.register(app)
    roster.register(app)
    reminders.register(app)
    program.register(app)
    attendance.register(app)
    goals.register(app)
    exports.register(app)
    broadcasts.register(app)
    certificates.register(app)
    status.register(app)
    coaching.register(app)
    charts.register(app)
    calendar.register(app)
    materials.register(app)
    feedback.register(app)
    networking.register(app)
    digest.register(app)
    questions.register(app)
    # Last: anything no other handler took gets a short answer, never silence.
    errors.register(app)
