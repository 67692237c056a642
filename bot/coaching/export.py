"""Coaching export, apart from session attendance: every coaching (state, time, hours) and the
attendance of each booked coaching hour (one row per member of the group, and per anyone else
who checked in).

XLSX: one sheet per table. CSV: the tables one after the other in one file, each introduced by
a row holding only its name and followed by an empty row (as the goals export). Times are UTC;
the files are in English. Names are user text: never run as a spreadsheet formula.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot import spreadsheet
from bot.clock import SystemClock
from bot.coaching.rules import is_member, state
from bot.schedule import Schedule
from bot.storage import Repository

Cell = str | int | None
Table = tuple[str, list[str], list[list[Cell]]]

COACHING_HEADER = ["coaching_id", "country", "state", "start_utc", "end_utc",
                   "duration_minutes", "poll_rounds", "times_booked", "coach_id", "coach",
                   "members", "checked_in", "late", "created_utc"]
ATTENDANCE_HEADER = ["coaching_id", "country", "start_utc", "user_id", "name", "status",
                     "checked_in_utc", "method"]


def _utc(when: datetime | None) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if when else ""


async def coaching_tables(repo: Repository, schedule: Schedule, now: datetime) -> list[Table]:
    people = await repo.participants.everyone()
    checkins = await repo.coaching.checkins()
    coachings = await repo.coaching.all()
    rows: list[list[Cell]] = []
    attendance: list[list[Cell]] = []
    for c in coachings:
        members = sorted((p for p in people.values() if is_member(p, c.country)),
                         key=lambda p: (p.name.casefold(), p.user_id))
        records = [r for r in checkins if r.coaching_id == c.id]
        here = {r.user_id: r for r in records if r.user_id is not None}
        coach = people.get(c.coach_id)
        rows.append([c.id, c.country, state(c, now), _utc(c.start), _utc(c.end),
                     c.duration_minutes, c.round, c.bookings, c.coach_id,
                     coach.name if coach else "", len(members), len(records),
                     sum(1 for r in records if r.status == "late"), _utc(c.created_at)])
        if c.status != "booked":
            continue
        over = c.end is not None and c.end <= now
        listed = [p.user_id for p in members] + sorted(
            uid for uid in here if uid not in {p.user_id for p in members})
        for uid in listed:
            person, record = people.get(uid), here.get(uid)
            status = record.status if record else ("absent" if over else "upcoming")
            attendance.append([c.id, c.country, _utc(c.start), uid,
                               person.name if person else "", status,
                               _utc(record.checked_in_at) if record else "",
                               record.method if record else ""])
        for record in (r for r in records if r.user_id is None):  # after /forget
            attendance.append([c.id, c.country, _utc(c.start), None, "", record.status,
                               _utc(record.checked_in_at), record.method])
    return [("coaching", COACHING_HEADER, rows), ("attendance", ATTENDANCE_HEADER, attendance)]


async def write_coaching(repo: Repository, schedule: Schedule, fmt: str, path: Path, *,
                         now: datetime | None = None) -> None:
    """now: coaching hours not over by then show as upcoming (default: the real time)."""
    tables = await coaching_tables(repo, schedule, now or SystemClock().now())
    spreadsheet.write(fmt, path, [spreadsheet.Table(*t) for t in tables])
