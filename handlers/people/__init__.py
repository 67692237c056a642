"""Roles, invitations, registration, /people, /profile and personal data."""

from __future__ import annotations

from telegram.ext import Application

from handlers.people import card, invitations, listing, privacy, profile, roles


def register(app: Application) -> None:
    roles.register(app)
    invitations.register(app)
    listing.register(app)
    card.register(app)
    profile.register(app)
    privacy.register(app)
