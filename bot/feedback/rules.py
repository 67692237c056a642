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
    country: str | None  # None: "other countries" (folded, or people with no country)
    count: int
    mean: float


@dataclass(frozen=True)
class Comment:
    """A comment as staff read it: `country` only when that country is shown apart."""

    country: str | None
    language: str | None  # None with the country: a language can name a small group too
    rating: int
    text: str
    answered_at: datetime


@dataclass(frozen=True)
class Summary:
    count: int
    mean: float | None  # None: no answers, or fewer than the minimum shown
    distribution: dict[int, int]  # rating -> answers (all zero below the minimum)
    by_country: list[CountryFigures]  # countries shown apart, in schedule order, then "other"
    comments: list[Comment]  # newest first, only those that name nobody
    minimum: int = 1  # figures and comments show from this many answers on


def _mean(ratings: list[int]) -> float:
    return sum(ratings) / len(ratings)


def summarize(rows: Iterable[FeedbackRow], countries: list[str], minimum: int = 1) -> Summary:
    """Figures over the given answers (the caller keeps those within the viewer's scope).

    Anonymity (schedule.json after_session.min_answers_shown): a country's figures and
    comments are shown apart only from `minimum` answers on; fewer are folded into "other
    countries", which itself shows only from `minimum` answers on (its comments carry no flag
    and no language). Below `minimum` answers in all, only the count is given."""
    rows = sorted(rows, key=lambda r: r.answered_at, reverse=True)
    ratings = [r.rating for r in rows]
    by: dict[str | None, list[FeedbackRow]] = {}
    for r in rows:
        by.setdefault(r.country if r.country in countries else None, []).append(r)
    apart = {code for code in countries if len(by.get(code, ())) >= minimum}
    other = [r for r in rows if r.country not in apart]
    if len(rows) < minimum:
        return Summary(len(rows), None, {k: 0 for k in RATINGS}, [], [], minimum)
    figures = [CountryFigures(code, len(by[code]), _mean([r.rating for r in by[code]]))
               for code in countries if code in apart]
    if len(other) >= minimum:
        figures.append(CountryFigures(None, len(other), _mean([r.rating for r in other])))
    shown = [r for r in rows if r.comment and (r.country in apart or len(other) >= minimum)]
    return Summary(
        count=len(rows),
        mean=_mean(ratings),
        distribution={k: ratings.count(k) for k in RATINGS},
        by_country=figures,
        comments=[Comment(r.country if r.country in apart else None,
                          r.language if r.country in apart else None,
                          r.rating, r.comment or "", r.answered_at) for r in shown],
        minimum=minimum,
    )
