"""Telegram handlers: read the update, call domain code and storage, render, reply."""

from __future__ import annotations

from telegram.ext import Application

from handlers import broadcast, errors, help, onboarding, roles, schedule


def register(app: Application) -> None:
    onboarding.register(app)
    schedule.register(app)
    help.register(app)
    roles.register(app)
    broadcast.register(app)
    # Last: anything no other handler took gets a short answer, never silence.
    errors.register(app)
