"""Networking: /network (the opt-in profile), /matches and introductions, and the staff's
/networking, /breakouts and /export networking."""

from __future__ import annotations

from telegram.ext import Application

from handlers.networking import matches, profile, staff


def register(app: Application) -> None:
    profile.register(app)
    matches.register(app)
    staff.register(app)
