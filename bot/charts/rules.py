"""The numbers behind the staff charts: plain Python on stored records (no Telegram, no SQL).

Attendance counts come from bot.attendance.rules, the same functions that fill the attendance
export's "By country" and "By group" sheets; goal figures from bot.goals.rules, as /goals all
and /review show them; feedback figures from bot.feedback.rules, as /feedback N and the
feedback export's summary show them. The people and answers given are already limited to the
viewer's countries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.attendance.rules import Tally, roll, session_tallies
from bot.feedback.rules import RATINGS, summarize
from bot.goals.rules import Answers, ReviewBoard, group_progress, review_board, status_counts
from bot.models import Group, Participant
from bot.schedule import Schedule, Session
from bot.storage.attendance import Record
from bot.storage.feedback import FeedbackRow
from bot.storage.goals import Goal, Status, Step

Country = str | None  # None: people whose country is not one of the program's
GROUPS: tuple[Group, ...] = ("core", "wider")


def total(tallies: Iterable[Tally]) -> Tally:
    """Several tallies added up (e.g. every country of one session)."""
    present = late = absent = pending = 0
    for t in tallies:
        present, late = present + t.present, late + t.late
        absent, pending = absent + t.absent, pending + t.pending
    return Tally(present, late, absent, pending)


# attendance per session and country ------------------------------------------------------


@dataclass(frozen=True)
class AttendanceNumbers:
    countries: list[Country]  # one panel each, in schedule order (None last: no country)
    sessions: list[Session]  # whose check-in has opened
    tallies: dict[int, dict[Country, Tally]]  # session number -> country -> tally

    def tally(self, session: int, country: Country) -> Tally:
        return self.tallies.get(session, {}).get(country, Tally())

    def series(self, country: Country) -> list[tuple[Session, Tally]]:
        """The sessions where someone of that country was expected."""
        return [(s, t) for s in self.sessions if (t := self.tally(s.number, country)).expected]

    def overall(self, country: Country) -> Tally:
        """Every expected check-in of the country so far, added up."""
        return total(t for _, t in self.series(country))

    @property
    def empty(self) -> bool:
        return not any(self.series(c) for c in self.countries)


def attendance_numbers(schedule: Schedule, people: Sequence[Participant],
                       records: Iterable[Record], now: datetime,
                       countries: Sequence[str]) -> AttendanceNumbers:
    """countries: the program countries the viewer may see, each drawn once someone of it is
    in a group; people with no program country get a panel of their own when there are any
    (only unlimited staff see them)."""
    codes = [c.code for c in schedule.countries]
    rolled = roll(schedule, people, records, now)
    per_session = session_tallies(
        schedule, rolled, lambda p: p.country if p.country in codes else None, now)
    present = {p.country if p.country in codes else None for p in people}
    shown: list[Country] = [c for c in codes if c in countries and c in present]
    if None in present:
        shown.append(None)
    return AttendanceNumbers(shown, [s for s, _ in per_session],
                             {s.number: t for s, t in per_session})


# the program so far: core vs wider group ---------------------------------------------------


@dataclass(frozen=True)
class ProgramNumbers:
    sessions: list[Session]  # whose check-in has opened
    tallies: dict[int, dict[Group, Tally]]

    def series(self, group: Group) -> list[tuple[Session, Tally]]:
        """The sessions of that group's program (the wider group: those open to all)."""
        return [(s, t) for s in self.sessions
                if (t := self.tallies.get(s.number, {}).get(group, Tally())).expected]

    @property
    def empty(self) -> bool:
        return not any(self.series(g) for g in GROUPS)


def program_numbers(schedule: Schedule, people: Sequence[Participant],
                    records: Iterable[Record], now: datetime) -> ProgramNumbers:
    rolled = roll(schedule, [p for p in people if p.group is not None], records, now)
    per_session = session_tallies(schedule, rolled, lambda p: p.group, now)
    return ProgramNumbers([s for s, _ in per_session],
                          {s.number: {g: t for g, t in tallies.items() if g is not None}
                           for s, tallies in per_session})


# goals per country -----------------------------------------------------------------------


@dataclass(frozen=True)
class CountryGoals:
    statuses: dict[Status, int]
    steps_done: int  # over the goals that were not dropped, as /goals shows
    steps_total: int

    @property
    def goals(self) -> int:
        return sum(self.statuses.values())

    @property
    def steps_share(self) -> float | None:
        return self.steps_done / self.steps_total if self.steps_total else None


@dataclass(frozen=True)
class GoalNumbers:
    countries: list[str]
    per_country: dict[str, CountryGoals]
    review: ReviewBoard  # results count only once a country's review is closed

    def achieved(self, country: str) -> float | None:
        """The closing review's result, once that country's review is closed."""
        if country not in self.review.closed:
            return None
        return self.review.per_country[country].score

    @property
    def reviewed(self) -> bool:
        """At least one group's review is closed: the results can be drawn."""
        return any(c in self.review.closed for c in self.countries)

    @property
    def empty(self) -> bool:
        return not any(g.goals for g in self.per_country.values())


def goal_numbers(countries: Sequence[str], goals: Sequence[Goal],
                 steps: Mapping[int, list[Step]], answers: Answers,
                 members: Mapping[str, Collection[int]], closed: Collection[str]
                 ) -> GoalNumbers:
    per_country = {}
    for code in countries:
        mine = [g for g in goals if g.country == code]
        done, all_steps = group_progress(mine, dict(steps))
        per_country[code] = CountryGoals(status_counts(mine), done, all_steps)
    mine = [g for g in goals if g.country in countries]
    board = review_board(countries, mine, answers, members,
                         [c for c in closed if c in countries])
    return GoalNumbers(list(countries), per_country, board)


# session feedback ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionRatings:
    session: Session
    counts: dict[int, int]  # rating 1..5 -> answers

    @property
    def answers(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float:
        return sum(r * n for r, n in self.counts.items()) / self.answers

    def share(self, rating: int) -> float:
        return self.counts[rating] / self.answers

    @property
    def top_share(self) -> float:
        """The share of answers rating the session 4 or 5."""
        return (self.counts[4] + self.counts[5]) / self.answers


@dataclass(frozen=True)
class FeedbackNumbers:
    sessions: list[SessionRatings]  # with at least one answer, in schedule order

    @property
    def answers(self) -> int:
        return sum(s.answers for s in self.sessions)

    @property
    def mean(self) -> float | None:
        """Over every answer (a session with more answers weighs more)."""
        if not self.answers:
            return None
        return sum(r * n for s in self.sessions for r, n in s.counts.items()) / self.answers

    @property
    def top_share(self) -> float | None:
        """The share of every answer rating its session 4 or 5."""
        if not self.answers:
            return None
        return sum(s.counts[4] + s.counts[5] for s in self.sessions) / self.answers

    def best(self) -> SessionRatings:
        """The highest mean; on a tie, the one with more answers, then the earlier one."""
        return max(self.sessions, key=lambda s: (s.mean, s.answers))

    def lowest(self) -> SessionRatings:
        """The lowest mean; on a tie, the one with more answers, then the earlier one."""
        return min(self.sessions, key=lambda s: (s.mean, -s.answers))

    @property
    def empty(self) -> bool:
        return not self.sessions


def feedback_numbers(schedule: Schedule, rows: Iterable[FeedbackRow]) -> FeedbackNumbers:
    """Per session with answers: the count of each rating (as /feedback N counts them).
    Answers to a session no longer in schedule.json are left out: there is nothing to name.
    A session with fewer answers than after_session.min_answers_shown is left out too: its bar
    would name the people who answered (as /feedback N hides its figures)."""
    by_session: dict[int, list[FeedbackRow]] = {}
    for r in rows:
        by_session.setdefault(r.session, []).append(r)
    sessions = []
    for session in schedule.sessions:
        mine = by_session.get(session.number, [])
        if len(mine) >= max(schedule.after_session.min_answers_shown, 1):
            counts = summarize(mine, []).distribution
            if any(counts.values()):
                sessions.append(SessionRatings(session, {k: counts[k] for k in RATINGS}))
    return FeedbackNumbers(sessions)
