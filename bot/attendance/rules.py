"""Attendance rules: the check-in window, lateness, codes, throttling, certificate progress.

Plain Python on the schedule and stored records; "now" always comes from the caller's clock.
"""

from __future__ import annotations

import hmac
import secrets
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, TypeVar

from bot.membership import Member, before_joining, in_program, may_check_in, member, program
from bot.models import Participant
from bot.parsing import parse_code
from bot.schedule import Checkin, Schedule, Session
from bot.storage.attendance import AttendanceStore, Record

CHECKED_IN = ("present", "late")

# Wrong check-in codes: at most MAX_WRONG_CODES per WRONG_CODE_WINDOW per person; the attempts
# are stored in SQLite (table checkin_code_failures) so a restart does not reset the count.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(minutes=10)

CODE_ALPHABET = "0123456789"
CODE_LENGTH = 4

WindowState = Literal["early", "open", "closed"]
# What one person's row shows for one session.
Cell = Literal["present", "late", "absent", "open", "upcoming", "not_in_audience",
               "before_joined"]


def window(session: Session, rules: Checkin) -> tuple[datetime, datetime]:
    """Check-in opens some minutes before the start and closes when the session ends."""
    return session.start - timedelta(minutes=rules.opens_minutes_before), session.end


def window_state(session: Session, rules: Checkin, now: datetime) -> WindowState:
    opens, closes = window(session, rules)
    if now < opens:
        return "early"
    return "open" if now < closes else "closed"


def status_at(session: Session, rules: Checkin, now: datetime) -> str:
    """'late' once the configured lateness after the start has passed."""
    late_from = session.start + timedelta(minutes=rules.late_after_minutes)
    return "late" if now > late_from else "present"


def open_session(schedule: Schedule, m: Member, now: datetime) -> Session | None:
    """The session of the person's program whose check-in is open now."""
    return next((s for s in program(schedule, m)
                 if window_state(s, schedule.checkin, now) == "open"), None)


def next_opening(schedule: Schedule, m: Member, now: datetime) -> Session | None:
    return next((s for s in program(schedule, m)
                 if window_state(s, schedule.checkin, now) == "early"), None)


def latest_started(schedule: Schedule, now: datetime) -> Session | None:
    """The session live now or the last one whose check-in has opened (facilitator default)."""
    started = [s for s in schedule.sessions if window_state(s, schedule.checkin, now) != "early"]
    return started[-1] if started else None


# codes


def normalize_code(text: str) -> str:
    """As typed (full-width digits, zero-width spaces, any case) -> ASCII upper case; text
    that cannot be a code comes back as it was, and never matches (bot.parsing)."""
    return parse_code(text) or text


def valid_code(code: str) -> bool:
    return 3 <= len(code) <= 12 and code.isascii() and code.isalnum()


def generate_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def code_matches(expected: str, given: str) -> bool:
    wanted, typed = parse_code(expected), parse_code(given)
    if wanted is None or typed is None:
        return False
    return hmac.compare_digest(wanted.encode(), typed.encode())


def locked_until(failures: list[datetime], now: datetime) -> datetime | None:
    """When the person may try a code again, or None if they may try now."""
    recent = sorted(t for t in failures if t > now - WRONG_CODE_WINDOW)
    if len(recent) < MAX_WRONG_CODES:
        return None
    return recent[-MAX_WRONG_CODES] + WRONG_CODE_WINDOW


# certificate progress


def cell(session: Session, m: Member, record: Record | None, rules: Checkin,
         now: datetime) -> Cell:
    if not in_program(session, m):
        return "not_in_audience"
    if record is not None:
        return record.status  # type: ignore[return-value]
    if before_joining(session, m):
        return "before_joined"
    state = window_state(session, rules, now)
    if state == "closed":
        return "absent"
    return "open" if state == "open" else "upcoming"


def needed(total: int, threshold_percent: int) -> int:
    """Sessions needed for the certificate: the threshold share of total, rounded up."""
    return -(-total * threshold_percent // 100)


Standing = Literal["reached", "reachable", "needs_records", "out_of_reach"]


@dataclass(frozen=True)
class Progress:
    """Certificate progress over the sessions of the person's program.

    Sessions that ended before the person joined are neither attended nor missed: a
    facilitator can record them (then they count as any other), otherwise they only show
    whether recording them could still make the certificate reachable.
    """

    cells: list[tuple[Session, Cell]]  # sessions of the person's program only
    attended: int
    total: int
    needed: int
    remaining: int  # sessions still to come (or running) not yet attended
    threshold: int
    before: int = 0  # sessions before they joined, not recorded by a facilitator

    @property
    def percent(self) -> float:
        return round(100 * self.attended / self.total, 1) if self.total else 0.0

    @property
    def eligible(self) -> bool:
        return self.total > 0 and self.attended >= self.needed

    @property
    def reachable(self) -> bool:
        return self.attended + self.remaining >= self.needed

    @property
    def standing(self) -> Standing:
        if self.eligible:
            return "reached"
        if self.reachable:
            return "reachable"
        if self.attended + self.remaining + self.before >= self.needed:
            return "needs_records"
        return "out_of_reach"


def progress(schedule: Schedule, m: Member, records: list[Record], now: datetime) -> Progress:
    by_session = {r.session_number: r for r in records}
    rules = schedule.checkin
    cells = [(s, cell(s, m, by_session.get(s.number), rules, now)) for s in program(schedule, m)]
    attended = sum(1 for _, c in cells if c in CHECKED_IN)
    remaining = sum(1 for _, c in cells if c in ("open", "upcoming"))
    before = sum(1 for _, c in cells if c == "before_joined")
    total = len(cells)
    threshold = rules.certificate_threshold_percent
    return Progress(cells, attended, total, needed(total, threshold), remaining, threshold,
                    before)


# per session, over many people: the numbers behind the export's "By country" and "By group"
# sheets and the staff charts (one truth: both count the cells progress() gives, as /me does)


def roll(schedule: Schedule, people: Iterable[Participant], records: Iterable[Record],
         now: datetime) -> list[tuple[Participant, Progress]]:
    """Each person's progress, by the same rules as /me."""
    by_person: dict[int, list[Record]] = {}
    for r in records:
        by_person.setdefault(r.user_id, []).append(r)
    return [(p, progress(schedule, member(p, p.role, set()), by_person.get(p.user_id, []), now))
            for p in people]


@dataclass(frozen=True)
class Tally:
    """One session's attendance over some people (a country, a group). Expected: those whose
    program has the session and who had joined by then (or were recorded anyway)."""

    present: int = 0
    late: int = 0
    absent: int = 0  # the session ended without a check-in, or a facilitator marked absent
    pending: int = 0  # check-in is open now and they have not checked in yet

    @property
    def expected(self) -> int:
        return self.present + self.late + self.absent + self.pending

    @property
    def checked_in(self) -> int:
        return self.present + self.late

    @property
    def missing(self) -> int:
        return self.absent + self.pending

    @property
    def rate(self) -> float | None:
        """Share of the expected people who checked in (late included); None: nobody expected."""
        return self.checked_in / self.expected if self.expected else None

    @property
    def late_rate(self) -> float | None:
        return self.late / self.expected if self.expected else None


K = TypeVar("K", bound=Hashable)


def started(schedule: Schedule, now: datetime) -> list[Session]:
    """Sessions whose check-in has opened: the ones with attendance to show."""
    return [s for s in schedule.sessions if window_state(s, schedule.checkin, now) != "early"]


def session_tallies(schedule: Schedule, rolled: Sequence[tuple[Participant, Progress]],
                    key: Callable[[Participant], K], now: datetime
                    ) -> list[tuple[Session, dict[K, Tally]]]:
    """For each session whose check-in has opened: a Tally per key (e.g. country or group)
    of the people expected there."""
    counts: Counter[tuple[int, K, Cell]] = Counter()
    keys: dict[K, None] = {}
    for person, p in rolled:
        k = key(person)
        keys.setdefault(k)
        for session, c in p.cells:
            counts[session.number, k, c] += 1
    result = []
    for s in started(schedule, now):
        per_key = {k: Tally(counts[s.number, k, "present"], counts[s.number, k, "late"],
                            counts[s.number, k, "absent"], counts[s.number, k, "open"])
                   for k in keys}
        result.append((s, {k: t for k, t in per_key.items() if t.expected}))
    return result


# the check-in itself

Outcome = Literal[
    "recorded", "already", "marked_absent", "early", "closed", "over", "not_in_audience",
    "unknown_session", "need_code", "wrong_code", "throttled", "no_group",
]


@dataclass(frozen=True)
class CheckinResult:
    outcome: Outcome
    session: Session | None = None
    record: Record | None = None
    at: datetime | None = None  # when check-in opens, or when code tries are allowed again


async def check_in(
    store: AttendanceStore,
    schedule: Schedule,
    *,
    member: Member,
    now: datetime,
    method: str,
    session_number: int | None = None,
    code: str | None = None,
) -> CheckinResult:
    """Check a person in: to the given session, or to the one open now for them."""
    rules = schedule.checkin
    user_id = member.user_id
    if member.group is None:
        return CheckinResult("no_group")
    if session_number is None:
        session = open_session(schedule, member, now)
        if session is None:
            upcoming = next_opening(schedule, member, now)
            if upcoming is None:
                return CheckinResult("over")
            return CheckinResult("early", upcoming, at=window(upcoming, rules)[0])
    else:
        found = schedule.session(session_number)
        if found is None:
            return CheckinResult("unknown_session")
        session = found
        if not may_check_in(session, member):
            return CheckinResult("not_in_audience", session)
        state = window_state(session, rules, now)
        if state == "early":
            return CheckinResult("early", session, at=window(session, rules)[0])
        if state == "closed":
            return CheckinResult("closed", session)

    existing = await store.get(user_id, session.number)
    if existing is not None:
        outcome: Outcome = "already" if existing.status in CHECKED_IN else "marked_absent"
        return CheckinResult(outcome, session, existing)

    expected = await store.code(session.number)
    if expected is not None:
        failures = await store.wrong_codes_since(user_id, now - WRONG_CODE_WINDOW)
        until = locked_until(failures, now)
        if until is not None:
            return CheckinResult("throttled", session, at=until)
        if code is None or not code.strip():
            return CheckinResult("need_code", session)
        if not code_matches(expected, code):
            await store.add_wrong_code(user_id, session.number, now)
            until = locked_until([*failures, now], now)
            if until is not None:
                return CheckinResult("throttled", session, at=until)
            return CheckinResult("wrong_code", session)

    created, record = await store.check_in(
        user_id, session.number, status_at(session, rules, now), method, now
    )
    if not created:  # a concurrent tap won the race: same answer as a second tap
        outcome = "already" if record.status in CHECKED_IN else "marked_absent"
        return CheckinResult(outcome, session, record)
    return CheckinResult("recorded", session, record)
