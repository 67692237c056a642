"""Who may answer the feedback question, and the figures of /feedback N (plain Python)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.attendance.rules import CHECKED_IN
from bot.schedule import Schedule, Session
from bot.storage.attendance import Record
from bot.storage.feedback import FeedbackRow

RATINGS = (1, 2, 3, 4, 5)
COMMENT_MAX = 1000  # characters

Answerable = Literal["ok", "unknown", "not_ended", "off", "not_checked_in"]


def may_answer(session: Session | None, record: Record | None, now: datetime) -> Answerable:
    """Only people who checked in answer, once the session has ended (any time after)."""
    if session is None:
        return "unknown"
    if not session.ask_feedback:
        return "off"
    if now < session.end:
        return "not_ended"
    if record is None or record.status not in CHECKED_IN:
        return "not_checked_in"
    return "ok"


def grace(schedule: Schedule) -> timedelta:
    return timedelta(hours=schedule.after_session.grace_hours)


def question_sendable(schedule: Schedule, session: Session, now: datetime) -> bool:
    """The question goes out when the session ends, or up to the grace period later."""
    return session.end <= now <= session.end + grace(schedule)


@dataclass(frozen=True)
class CountryFigures:
    country: str | None  # None: people with no country of the program
    count: int
    mean: float


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None
    distribution: dict[int, int]  # rating -> answers
    by_country: list[CountryFigures]  # in schedule order, then "other"
    comments: list[FeedbackRow]  # newest first


def _mean(ratings: list[int]) -> float:
    return sum(ratings) / len(ratings)


def summarize(rows: Iterable[FeedbackRow], countries: list[str]) -> Summary:
    """Figures over the given answers (the caller keeps those within the viewer's scope)."""
    rows = sorted(rows, key=lambda r: r.answered_at, reverse=True)
    ratings = [r.rating for r in rows]
    by: dict[str | None, list[int]] = {}
    for r in rows:
        by.setdefault(r.country if r.country in countries else None, []).append(r.rating)
    figures = [CountryFigures(code, len(by[code]), _mean(by[code]))
               for code in [*countries, None] if code in by]
    return Summary(
        count=len(rows),
        mean=_mean(ratings) if ratings else None,
        distribution={k: ratings.count(k) for k in RATINGS},
        by_country=figures,
        comments=[r for r in rows if r.comment],
    )
