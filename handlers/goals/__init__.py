"""/goals, /review, /addgoal and the goal buttons and forms."""

from __future__ import annotations

from telegram.ext import Application

from handlers.goals import actions, flows


def register(app: Application) -> None:
    flows.register(app)
    actions.register(app)
