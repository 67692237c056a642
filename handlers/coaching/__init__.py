"""Coaching: members answer the poll and check in; facilitators poll, book and cancel.

member.py: /coaching and the members' buttons; staff.py: the overview, a group's screen and
the typed candidate times; decide.py: sending the poll, booking, cancelling.
"""

from __future__ import annotations

from telegram.ext import Application

from handlers.coaching import decide, member, staff


def register(app: Application) -> None:
    member.register(app)
    staff.register(app)
    decide.register(app)
