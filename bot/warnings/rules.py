"""Early warnings (issue 28): who missed a session, who can no longer reach the certificate,
what each staff member's digest holds. Plain Python on the schedule and stored records.

The numbers are the bot's one truth: progress is bot.attendance.rules.progress (as /me and
/certificates), participants are bot.membership.participants (as the exports and charts),
scopes are bot.membership.may_act_on / covers (as /attendance).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.attendance.rules import Progress, Tally, roll, session_tallies, window
from bot.membership import Member, covers, may_act_on
from bot.models import Participant
from bot.schedule import Schedule, Session
from bot.storage.attendance import Record
from bot.storage.goals import Goal, HistoryEntry
from bot.storage.questions import Question

UNANSWERED_AFTER = timedelta(hours=48)  # an /ask question waiting longer is in the digest
GRACE = timedelta(hours=12)  # the bot was down: the warnings still go out this late
_JUST_BEFORE = timedelta(microseconds=1)
WEEK = timedelta(days=7)
JUST_JOINED = timedelta(days=1)
WEEKLY_OFFSET = 7 * 24 * 60  # the weekly digest's DeliveryKey offset (per-session ones: 0)
WEEKLY_AT = time(9, 0)  # Monday, in the staff member's zone


def due(schedule: Schedule, session: Session) -> datetime:
    """When the session's check-in window closes: from then on a missing check-in is a miss."""
    return window(session, schedule.checkin)[1]


def previous(schedule: Schedule, session: Session) -> Session | None:
    earlier = [s for s in schedule.sessions if s.start < session.start]
    return earlier[-1] if earlier else None


def following(schedule: Schedule, session: Session, p: Progress) -> Session | None:
    """The next session of the person's program after this one."""
    return next((s for s, _c in p.cells if s.start > session.start), None)


@dataclass(frozen=True)
class Absence:
    """A participant expected at the session who did not check in."""

    person: Participant
    progress: Progress  # as the window closed (what /me shows then)
    second: bool  # they missed the previous session of their program too
    out_of_reach: bool  # with this miss the certificate can no longer be reached

    def just_joined(self, session: Session) -> bool:
        """They joined within the day before the session (or during it): /me shows the miss,
        but nobody is told they missed something on the day they arrived."""
        joined = self.person.joined_at or self.person.created_at
        return joined > session.start - JUST_JOINED

    @property
    def past(self) -> int:
        """Sessions of their program so far that count (attended or missed)."""
        return sum(1 for _s, c in self.progress.cells if c in ("present", "late", "absent"))


def absences(schedule: Schedule, session: Session, participants: Iterable[Participant],
             records: Sequence[Record]) -> list[Absence]:
    """The counted core members whose cell for the session is 'absent' once its window has
    closed (late joiners' earlier sessions are 'before_joined', never a miss). The wider
    group, at the sessions open to all, is left out: the warnings are about the core group."""
    closes = due(schedule, session)
    people = [p for p in participants if p.group == "core"]
    after = roll(schedule, people, records, closes)
    before = dict((p.user_id, pr) for p, pr in roll(schedule, people, records,
                                                      closes - _JUST_BEFORE))
    found = []
    for person, p in after:
        cells = [c for s, c in p.cells if s.number == session.number]
        if cells != ["absent"]:
            continue
        at = next(i for i, (s, _c) in enumerate(p.cells) if s.number == session.number)
        second = at > 0 and p.cells[at - 1][1] == "absent"
        out = (p.standing == "out_of_reach"
               and before[person.user_id].standing != "out_of_reach")
        found.append(Absence(person, p, second, out))
    return sorted(found, key=lambda a: (a.person.country or "", a.person.name.lower()))


@dataclass(frozen=True)
class Digest:
    """What one staff member reads after a session, within their countries."""

    session: Session
    previous: Session | None
    countries: list[tuple[str | None, Tally, Tally | None]]  # this session, the one before
    absences: list[Absence]
    questions: list[tuple[Question, Participant | None]]
    goals: list[Goal]

    @property
    def empty(self) -> bool:
        """Nothing to act on: no digest is sent."""
        return not (self.absences or self.questions or self.goals)


@dataclass(frozen=True)
class Facts:
    """Everything the digests of one session are made from (computed once)."""

    session: Session
    previous: Session | None
    tallies: dict[str | None, Tally]
    before: dict[str | None, Tally]
    absences: list[Absence]
    questions: list[tuple[Question, Participant | None]]
    goals: list[Goal]


def facts(schedule: Schedule, session: Session, participants: list[Participant],
          records: Sequence[Record], questions: list[tuple[Question, Participant | None]],
          goals: list[Goal], history: list[HistoryEntry], now: datetime) -> Facts:
    closes = due(schedule, session)
    prev = previous(schedule, session)
    rolled = roll(schedule, participants, records, closes)
    per_session = dict((s.number, t) for s, t in session_tallies(
        schedule, rolled, lambda p: p.country, closes))
    old = [(q, asker) for q, asker in questions if q.created_at <= now - UNANSWERED_AFTER]
    stale: list[Goal] = []
    if prev is not None:
        moved = {h.goal_id for h in history if h.at >= prev.start}
        stale = [g for g in goals if g.status in ("not_started", "in_progress")
                 and g.created_at < prev.start and g.id not in moved]
    return Facts(session, prev, per_session.get(session.number, {}),
                 per_session.get(prev.number, {}) if prev else {},
                 absences(schedule, session, participants, records), old, stale)


def digest_for(m: Member, f: Facts) -> Digest:
    """The part of the facts this staff member may see (bot.membership.may_act_on)."""
    countries = [(c, t, f.before.get(c)) for c, t in sorted(
        f.tallies.items(), key=lambda item: item[0] or "") if may_act_on(m, c)]
    return Digest(
        f.session, f.previous, countries,
        [a for a in f.absences if may_act_on(m, a.person.country)],
        [(q, asker) for q, asker in f.questions
         if covers(m, asker.country if asker else None)],
        [g for g in f.goals if may_act_on(m, g.country)],
    )


# weekly digests


def monday_morning(day: date, zone: str) -> datetime:
    """Monday `day` at 09:00 in the zone, as a UTC instant."""
    return datetime.combine(day, WEEKLY_AT, tzinfo=ZoneInfo(zone)).astimezone(UTC)


def mondays(schedule: Schedule) -> list[date]:
    """The Mondays whose weekly digest may hold a session (any zone's 09:00 within a week
    after a check-in window closed)."""
    found: set[date] = set()
    for session in schedule.sessions:
        first = due(schedule, session).date() - timedelta(days=1)
        found |= {first + timedelta(days=k) for k in range(10)
                  if (first + timedelta(days=k)).weekday() == 0}
    return sorted(found)


def week_sessions(schedule: Schedule, at: datetime) -> list[Session]:
    """The sessions whose check-in window closed in the week before `at`."""
    return [s for s in schedule.sessions if at - WEEK <= due(schedule, s) < at]


def weekly(digests: list[Digest]) -> list[Digest]:
    """A week's digests as one summary: questions and goals only once (in the last, the most
    recent state); sessions with nothing to say left out."""
    if not digests:
        return []
    trimmed = [Digest(d.session, d.previous, d.countries, d.absences, [], [])
               for d in digests[:-1]]
    return [d for d in [*trimmed, digests[-1]] if not d.empty]
