"""Who gets which reminder, and when: plain functions of the schedule and "now"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.schedule import Schedule, Session

Action = Literal["schedule", "catch_up", "drop", "past"]
RECENT = timedelta(days=1)  # missed reminders older than this are not even logged
JOIN_BUTTON_MINUTES = 60  # reminders this close to the start carry the Join button


@dataclass(frozen=True)
class Planned:
    session: Session
    offset: int
    due: datetime
    action: Action

    @property
    def job_name(self) -> str:
        return f"reminder:{self.session.number}:{self.offset}"


def grace(schedule: Schedule) -> timedelta:
    return timedelta(minutes=schedule.reminders.grace_minutes)


def join_button(offset: int) -> bool:
    """The 1-hour and "starting now" reminders (by default) carry the Join button."""
    return offset <= JOIN_BUTTON_MINUTES


def due_time(session: Session, offset: int) -> datetime:
    return session.start - timedelta(minutes=offset)


def still_sendable(session: Session, due: datetime, now: datetime, late: timedelta) -> bool:
    """A reminder goes out from its due time until `late` after it, never once the session ended."""
    return due <= now and now - due <= late and now < session.end


def plan(schedule: Schedule, now: datetime) -> list[Planned]:
    """What to do with every (session, offset) at start-up."""
    late = grace(schedule)
    out = []
    for session in schedule.sessions:
        for offset in schedule.reminders.offsets_minutes:
            due = due_time(session, offset)
            action: Action
            if due > now:
                action = "schedule"
            elif still_sendable(session, due, now, late):
                action = "catch_up"
            elif session.end > now or now - due < RECENT:
                action = "drop"
            else:
                action = "past"
            out.append(Planned(session, offset, due, action))
    return out


def moved_sessions(
    known: dict[int, datetime], schedule: Schedule, now: datetime
) -> list[Session]:
    """Future sessions whose start differs from the one last announced."""
    return [
        s for s in schedule.sessions
        if s.number in known and known[s.number] != s.start and s.end > now
    ]
