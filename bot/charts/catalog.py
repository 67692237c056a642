"""The charts staff can ask for, one entry each: how to load its numbers, whether there is
anything to draw, the picture, its caption and its table for the partners' report.

A new chart is one more Chart in CHARTS: a loader reading the store within the scope, a pure
function for the numbers, a draw function, a caption and a table. /stats, its buttons and
`python -m bot report` follow the list.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Generic, TypeVar

from bot.charts import rules, texts
from bot.membership import Member, may_act_on, participants
from bot.models import Participant
from bot.schedule import Schedule
from bot.storage import Repository
from bot.storage.attendance import Record
from bot.viewer import Viewer

# The partners' report covers the whole program, as an organizer sees it.
PROGRAM_WIDE = Member(user_id=0, group=None, country=None, role="organizer", scope=None,
                      joined_at=None)


@dataclass(frozen=True)
class Scope:
    """What the charts read, and for whom: a staff member sees only the countries they may
    act on (bot.membership.may_act_on); organizers and unlimited facilitators see everyone."""

    repo: Repository
    schedule: Schedule
    now: datetime
    member: Member
    exclude: frozenset[int]  # ORGANIZER_IDS, for bot.membership.participants (as in exports)

    def countries(self) -> list[str]:
        return [c.code for c in self.schedule.countries if may_act_on(self.member, c.code)]

    @cached_property
    def _codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.schedule.countries)

    def sees(self, country: str | None) -> bool:
        """People of that country count (None: people with no country, for unlimited staff)."""
        return may_act_on(self.member, country if country in self._codes else None)


N = TypeVar("N")


@dataclass(frozen=True)
class Chart(Generic[N]):
    key: str  # button data, file name
    icon: str
    load: Callable[[Scope], Awaitable[N]]  # reads storage; heavy counting in a worker thread
    empty: Callable[[N], bool]
    draw: Callable[[Viewer, Schedule, N], bytes]  # PNG; runs in a worker thread
    caption: Callable[[Viewer, Schedule, N], str]  # Telegram HTML, at most 1024 characters
    table: Callable[[Viewer, Schedule, N], texts.Table]

    def title(self, v: Viewer) -> str:
        return texts.chart_titles(v)[self.key]


@dataclass(frozen=True)
class Picture:
    png: bytes
    caption: str
    table: texts.Table


async def picture(chart: Chart[Any], v: Viewer, scope: Scope) -> Picture | None:
    """The chart for this viewer, or None when there is nothing to draw yet."""
    numbers = await chart.load(scope)
    if chart.empty(numbers):
        return None
    png = await asyncio.to_thread(chart.draw, v, scope.schedule, numbers)
    return Picture(png, chart.caption(v, scope.schedule, numbers),
                   chart.table(v, scope.schedule, numbers))


# loaders -----------------------------------------------------------------------------------


async def _people(scope: Scope) -> tuple[list[Participant], list[Record]]:
    """Everyone in a group within the scope (as the attendance export lists them), and the
    attendance records."""
    store = scope.repo.attendance
    people = [p for p in participants(await store.roster(), scope.exclude)
              if scope.sees(p.country)]
    return people, await store.all_records()


async def load_attendance(scope: Scope) -> rules.AttendanceNumbers:
    people, records = await _people(scope)
    return await asyncio.to_thread(rules.attendance_numbers, scope.schedule, people, records,
                                   scope.now, scope.countries())


async def load_program(scope: Scope) -> rules.ProgramNumbers:
    people, records = await _people(scope)
    return await asyncio.to_thread(rules.program_numbers, scope.schedule, people, records,
                                   scope.now)


async def load_goals(scope: Scope) -> rules.GoalNumbers:
    """Every country: goals, steps and the published review results are read by everyone in
    the program (README, Roles: what a facilitator may read), as /goals all shows them."""
    store = scope.repo.goals
    countries = [c.code for c in scope.schedule.countries]
    goals = [g for g in await store.goals() if g.country in countries]
    members: dict[str, set[int]] = {}
    for m in await store.core_members():
        if m.country is not None:
            members.setdefault(m.country, set()).add(m.user_id)
    return rules.goal_numbers(countries, goals, await store.steps([g.id for g in goals]),
                              await store.ratings(), members, set(await store.closed_reviews()))


async def load_feedback(scope: Scope) -> rules.FeedbackNumbers:
    """The answers of people whose country the viewer may see (as /feedback shows them)."""
    rows = [r for r in await scope.repo.feedback.ratings() if scope.sees(r.country)]
    return await asyncio.to_thread(rules.feedback_numbers, scope.schedule, rows)


def _drawn(name: str) -> Callable[[Viewer, Schedule, Any], bytes]:
    """bot.charts.draw's function, imported when first drawn: matplotlib takes half a second
    to import, which the bot's start-up need not pay."""

    def draw_png(v: Viewer, schedule: Schedule, numbers: Any) -> bytes:
        from bot.charts import draw

        png: bytes = getattr(draw, name)(v, schedule, numbers)
        return png

    return draw_png


CHARTS: list[Chart[Any]] = [
    Chart("attendance", "📊", load_attendance, lambda n: n.empty, _drawn("attendance_png"),
          texts.attendance_caption, texts.attendance_table),
    Chart("program", "📈", load_program, lambda n: n.empty, _drawn("program_png"),
          texts.program_caption, texts.program_table),
    Chart("goals", "🎯", load_goals, lambda n: n.empty, _drawn("goals_png"),
          texts.goals_caption, texts.goals_table),
    Chart("feedback", "⭐", load_feedback, lambda n: n.empty, _drawn("feedback_png"),
          texts.feedback_caption, texts.feedback_table),
]
BY_KEY = {c.key: c for c in CHARTS}
