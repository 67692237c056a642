"""/broadcast, /broadcasts, and the two-way reply relay."""

from __future__ import annotations

from telegram.ext import Application

from handlers.broadcasts import compose, relay


def register(app: Application) -> None:
    compose.register(app)
    relay.register(app)
