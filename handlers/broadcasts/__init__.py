"""/broadcast (audience, content, preview, send or schedule), /broadcasts, and the two-way
reply relay."""

from __future__ import annotations

from telegram.ext import Application

from handlers.broadcasts import audience, listing, preview, relay


def register(app: Application) -> None:
    audience.register(app)
    preview.register(app)
    listing.register(app)
    relay.register(app)
