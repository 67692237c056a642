"""Coaching rules: candidate times, the state of a group's coaching, the tally, check-in and
the reminder plan. Plain Python on the schedule and stored records; "now" comes from the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.models import Participant
from bot.parsing import WhenError, parse_when
from bot.schedule import Schedule, Session
from bot.storage.coaching import Answer, Coaching, CoachingCheckin, CoachingStore, Slot

MIN_SLOTS, MAX_SLOTS = 2, 5
MAX_LINE = 40  # characters of a typed time kept (they are echoed back)

State = Literal["not_started", "polling", "booked", "done"]
SlotReason = Literal["format", "past", "gap", "outside", "clash", "duplicate"]


# candidate times


def part_window(schedule: Schedule) -> tuple[datetime, datetime] | None:
    """When coaching may happen: from the first session of its part to the first session of
    the next part (the end of the program after the last part). None: any time."""
    part = schedule.coaching.part
    if part is None:
        return None
    inside = [s for s in schedule.sessions if s.part == part]
    later = [s for s in schedule.sessions if s.part > part]
    end = min(s.start for s in later) if later else max(s.end for s in inside)
    return min(s.start for s in inside), end


def clash(schedule: Schedule, start: datetime) -> Session | None:
    """A program session the coaching hour would overlap."""
    end = start + timedelta(minutes=schedule.coaching.duration_minutes)
    return next((s for s in schedule.sessions if s.start < end and start < s.end), None)


@dataclass(frozen=True)
class BadLine:
    number: int  # 1-based line of what was typed
    text: str
    reason: SlotReason
    session: int | None = None  # the session it clashes with


class SlotsError(Exception):
    """Why typed candidate times were refused: bad lines, or too few / too many."""

    def __init__(self, bad: list[BadLine], count: int | None = None) -> None:
        super().__init__(bad, count)
        self.bad = bad
        self.count = count  # set when the number of times is what is wrong


def parse_slots(text: str, zone: str, now: datetime, schedule: Schedule,
                allowed: tuple[int, int]) -> list[datetime]:
    """One time per line, typed in `zone` (the formats of bot.parsing.parse_when), within
    the coaching part, clear of the sessions, no repeats; between allowed[0] and allowed[1]."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    window = part_window(schedule)
    starts: list[datetime] = []
    bad: list[BadLine] = []
    for number, line in enumerate(lines, start=1):
        shown = line[:MAX_LINE]
        try:
            start = parse_when(line[:MAX_LINE * 2], zone, now)
        except WhenError as exc:
            bad.append(BadLine(number, shown, exc.reason))
            continue
        session = clash(schedule, start)
        if window is not None and not window[0] <= start < window[1]:
            bad.append(BadLine(number, shown, "outside"))
        elif session is not None:
            bad.append(BadLine(number, shown, "clash", session.number))
        elif start in starts:
            bad.append(BadLine(number, shown, "duplicate"))
        else:
            starts.append(start)
    if bad:
        raise SlotsError(bad)
    if not allowed[0] <= len(starts) <= allowed[1]:
        raise SlotsError([], len(starts))
    return sorted(starts)


def allowed_counts(c: Coaching | None) -> tuple[int, int]:
    """A new poll takes 2 to 5 times; for a coaching under way one time books it directly."""
    return (MIN_SLOTS if c is None else 1), MAX_SLOTS


# a group's coaching


def state(c: Coaching, now: datetime) -> State | Literal["cancelled"]:
    if c.status == "booked":
        assert c.end is not None
        return "done" if c.end <= now else "booked"
    return c.status


def current(coachings: list[Coaching], now: datetime) -> Coaching | None:
    """The coaching under way (polling, or booked and not over), if any."""
    return next((c for c in reversed(coachings) if state(c, now) in ("polling", "booked")),
                None)


@dataclass(frozen=True)
class GroupCoaching:
    """One core group's coaching as staff see it in the overview."""

    country: str
    state: State
    hours: int  # coaching hours this group has (schedule.json)
    used: int  # booked, held or to come
    current: Coaching | None
    last: Coaching | None  # the latest one (any state but cancelled)

    @property
    def left(self) -> int:
        return max(self.hours - self.used, 0)


def group_coaching(schedule: Schedule, country: str, coachings: list[Coaching],
                   now: datetime) -> GroupCoaching:
    mine = [c for c in coachings if c.country == country and c.status != "cancelled"]
    under_way = current(mine, now)
    used = sum(1 for c in mine if c.status == "booked")
    last = mine[-1] if mine else None
    shown: State = "not_started"
    if under_way is not None:
        shown = state(under_way, now)  # type: ignore[assignment]
    elif any(state(c, now) == "done" for c in mine):
        shown = "done"
    return GroupCoaching(country, shown, schedule.coaching.hours(country), used, under_way,
                         last)


OpenRefusal = Literal["under_way", "no_hours"]


def may_open(group: GroupCoaching) -> OpenRefusal | None:
    """Why a new coaching cannot be opened for the group, or None."""
    if group.current is not None:
        return "under_way"
    if group.left <= 0:
        return "no_hours"
    return None


def is_member(person: Participant, country: str) -> bool:
    """In the coaching of that core group: a core member of its country (roles aside)."""
    return person.group == "core" and person.country == country


# the tally


@dataclass(frozen=True)
class SlotTally:
    slot: Slot
    yes: list[Participant]
    no: list[Participant]


@dataclass(frozen=True)
class Tally:
    slots: list[SlotTally]
    unanswered: list[Participant]  # members who answered no time of this round
    members: int


def tally(slots: list[Slot], answers: dict[int, dict[int, Answer]],
          members: list[Participant]) -> Tally:
    """Each slot's yes and no among the group's current members (latest answers only)."""
    rows = []
    for slot in slots:
        given = answers.get(slot.id, {})
        rows.append(SlotTally(slot, [m for m in members if given.get(m.user_id) == "yes"],
                              [m for m in members if given.get(m.user_id) == "no"]))
    answered = {uid for given in answers.values() for uid in given}
    return Tally(rows, [m for m in members if m.user_id not in answered], len(members))


def my_answers(slots: list[Slot], answers: dict[int, dict[int, Answer]],
               user_id: int) -> dict[int, Answer]:
    """slot id -> this person's answer."""
    return {s.id: answers[s.id][user_id] for s in slots
            if user_id in answers.get(s.id, {})}


# check-in (like a session's: opens before the start, late after a while, closes at the end)

CheckinOutcome = Literal["recorded", "already", "early", "closed", "not_member", "not_booked"]


@dataclass(frozen=True)
class CoachingCheckinResult:
    outcome: CheckinOutcome
    coaching: Coaching | None = None
    record: CoachingCheckin | None = None
    at: datetime | None = None  # when check-in opens


def checkin_window(c: Coaching, schedule: Schedule) -> tuple[datetime, datetime]:
    assert c.start is not None and c.end is not None
    return c.start - timedelta(minutes=schedule.checkin.opens_minutes_before), c.end


def checkin_open(c: Coaching, schedule: Schedule, now: datetime) -> bool:
    if c.status != "booked":
        return False
    opens, closes = checkin_window(c, schedule)
    return opens <= now < closes


async def check_in(store: CoachingStore, schedule: Schedule, c: Coaching | None,
                   person: Participant, now: datetime, method: str) -> CoachingCheckinResult:
    if c is None or c.status != "booked":
        return CoachingCheckinResult("not_booked", c)
    if not is_member(person, c.country):
        return CoachingCheckinResult("not_member", c)
    opens, closes = checkin_window(c, schedule)
    if now < opens:
        return CoachingCheckinResult("early", c, at=opens)
    if now >= closes:
        return CoachingCheckinResult("closed", c)
    assert c.start is not None
    late = now > c.start + timedelta(minutes=schedule.checkin.late_after_minutes)
    created, record = await store.check_in(c.id, person.user_id,
                                           "late" if late else "present", method, now)
    return CoachingCheckinResult("recorded" if created else "already", c, record)


# reminders of a booked coaching hour: the sessions' offsets and grace

ReminderAction = Literal["schedule", "catch_up"]


@dataclass(frozen=True)
class PlannedReminder:
    coaching: Coaching
    offset: int
    due: datetime
    action: ReminderAction

    @property
    def job_name(self) -> str:
        return f"coaching:{self.coaching.id}:{self.offset}"


def still_sendable(c: Coaching, due: datetime, now: datetime, grace: timedelta) -> bool:
    """From its due time until `grace` after it, never once the coaching hour is over."""
    return (c.status == "booked" and c.end is not None and due <= now
            and now - due <= grace and now < c.end)


def reminder_plan(schedule: Schedule, coachings: list[Coaching],
                  now: datetime) -> list[PlannedReminder]:
    grace = timedelta(minutes=schedule.reminders.grace_minutes)
    out = []
    for c in coachings:
        if c.status != "booked" or c.start is None:
            continue
        for offset in schedule.reminders.offsets_minutes:
            due = c.start - timedelta(minutes=offset)
            if due > now:
                out.append(PlannedReminder(c, offset, due, "schedule"))
            elif still_sendable(c, due, now, grace):
                out.append(PlannedReminder(c, offset, due, "catch_up"))
    return out


def answer_reminder_due(schedule: Schedule, c: Coaching) -> datetime | None:
    """When members who have not answered the current poll get their one reminder."""
    hours = schedule.coaching.answer_reminder_hours
    if c.status != "polling" or hours <= 0:
        return None
    return c.opened_at + timedelta(hours=hours)
