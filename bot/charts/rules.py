"""The numbers behind the staff charts: plain Python on stored records (no Telegram, no SQL).

Attendance counts come from bot.attendance.rules, the same functions that fill the attendance
export's "By country" and "By group" sheets; goal figures from bot.goals.rules, as /goals all
and /review show them. The people given are already limited to the viewer's countries.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.attendance.rules import Tally, roll, session_tallies
from bot.goals.rules import Answers, ReviewBoard, group_progress, review_board, status_counts
from bot.models import Group, Participant
from bot.schedule import Schedule, Session
from bot.storage.attendance import Record
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
