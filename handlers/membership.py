"""Roles, invitations and personal data: one register() for the handlers of this feature."""

from __future__ import annotations

from telegram.ext import Application

from handlers import invitations, people, personal_data, profile, registration


def register(app: Application) -> None:
    registration.register(app)
    invitations.register(app)
    people.register(app)
    profile.register(app)
    personal_data.register(app)
