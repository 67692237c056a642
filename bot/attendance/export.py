"""Attendance export: one row per participant and one column per session (CSV, or XLSX with
more sheets: the raw log of check-ins, corrections and correction requests, and the counts per
session by country and by group that the staff charts draw, from the same functions).

Files are in English, the organizers' working language. Times in the log are UTC.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot import spreadsheet
from bot.attendance.rules import Tally, roll, session_tallies
from bot.clock import SystemClock
from bot.config import configured_organizers
from bot.membership import participants
from bot.models import Participant
from bot.people.rules import SECTORS
from bot.schedule import Schedule
from bot.spreadsheet import Table
from bot.storage import Repository

CELL_TEXT = {
    "present": "present",
    "late": "late",
    "absent": "absent",
    "not_in_audience": "not in audience",
    "before_joined": "before joining",
    "open": "",  # not decided yet: check-in is open or the session is still to come
    "upcoming": "",
}
LOG_HEADER = [
    "time (UTC)", "session", "user_id", "name", "event", "status", "previous status",
    "by user_id", "by name", "reason", "method",
]
TALLY_HEADER = ["expected", "checked in", "on time", "late", "not checked in",
                "checked in %", "late %"]


@dataclass(frozen=True)
class Tables:
    summary_header: list[str]
    summary: list[list[Any]]
    log: list[list[Any]]
    by_country: list[list[Any]]
    by_group: list[list[Any]]


def text(value: str | None) -> str:
    """User text as a cell (bot/spreadsheet.py keeps it from running as a formula)."""
    return value or ""


def _country(schedule: Schedule, code: str | None) -> str:
    country = schedule.country(code)
    if country is not None:
        return country.name["en"]
    return code or "Other"


def _sort_key(schedule: Schedule, person: Participant) -> tuple[int, str, int]:
    codes = [c.code for c in schedule.countries]
    return _rank(codes, person.country), person.name.casefold(), person.user_id


async def build_tables(
    repo: Repository, schedule: Schedule, now: datetime, exclude: Collection[int] = ()
) -> Tables:
    store = repo.attendance
    people = await repo.participants.everyone()
    roster = sorted(
        participants(await store.roster(), exclude),
        key=lambda p: _sort_key(schedule, p),
    )
    records = await store.all_records()
    # The same rules as /me: one answer for the certificate, and for the charts' counts.
    rolled = roll(schedule, roster, records, now)

    header = ["user_id", "name", "username", "country", "group", "organization", "sector"]
    header += [f"session {s.number}" for s in schedule.sessions]
    header += ["attended", "sessions", "percent", "certificate"]
    summary: list[list[Any]] = []
    for person, p in rolled:
        cells = {s.number: c for s, c in p.cells}
        summary.append(
            [
                person.user_id,
                text(person.name),
                text(person.username),
                _country(schedule, person.country),
                person.group or "",
                text(person.organization),
                SECTORS.get(person.sector or "", ""),
                *[CELL_TEXT[cells.get(s.number, "not_in_audience")] for s in schedule.sessions],
                p.attended,
                p.total,
                p.percent,
                "yes" if p.eligible else "no",
            ]
        )

    def name(user_id: int) -> str:
        person = people.get(user_id)
        return text(person.name) if person else ""

    events: list[tuple[datetime, int, list[Any]]] = []
    for r in records:
        if r.checked_in_at is not None:
            events.append((r.checked_in_at, 0, [
                r.session_number, r.user_id, name(r.user_id), "check-in", r.checkin_status or "",
                "", "", "", "", r.method or "",
            ]))
    for c in await store.corrections():
        events.append((c.corrected_at, 1, [
            c.session_number, c.user_id, name(c.user_id), "correction", c.new_status,
            c.old_status or "", c.corrected_by, name(c.corrected_by), text(c.reason), "",
        ]))
    for q in await store.requests():
        events.append((q.requested_at, 2, [
            q.session_number, q.user_id, name(q.user_id), "correction request", "", "", "",
            "", text(q.message), "",
        ]))
    events.sort(key=lambda e: (e[0], e[1]))
    log = []
    for at, _, row in events:  # row by row: two copies of a big log never live at once
        row.insert(0, at.astimezone(UTC).replace(tzinfo=None))
        log.append(row)
    events.clear()
    codes = [c.code for c in schedule.countries]
    by_country = [
        [s.number, s.start.date().isoformat(), _country(schedule, code), *tally_cells(t)]
        for s, tallies in session_tallies(
            schedule, rolled, lambda p: p.country if p.country in codes else None, now)
        for code, t in sorted(tallies.items(), key=lambda kv: _rank(codes, kv[0]))
    ]
    by_group = [
        [s.number, s.start.date().isoformat(), group, *tally_cells(t)]
        for s, tallies in session_tallies(schedule, rolled, lambda p: p.group or "", now)
        for group, t in sorted(tallies.items())
    ]
    return Tables(header, summary, log, by_country, by_group)


def _rank(codes: list[str], code: str | None) -> int:
    return codes.index(code) if code in codes else len(codes)


def tally_cells(t: Tally) -> list[Any]:
    def pct(share: float | None) -> float | str:
        return round(100 * share, 1) if share is not None else ""

    return [t.expected, t.checked_in, t.present, t.late, t.missing, pct(t.rate),
            pct(t.late_rate)]


def sheets_of(tables: Tables, fmt: str) -> list[Table]:
    """The CSV holds the summary only; the XLSX also the log and the counts."""
    summary = Table("Summary", tables.summary_header, tables.summary)
    if fmt == "csv":
        return [summary]
    return [
        summary,
        Table("Log", LOG_HEADER, tables.log),
        Table("By country", ["session", "date", "country", *TALLY_HEADER], tables.by_country),
        Table("By group", ["session", "date", "group", *TALLY_HEADER], tables.by_group),
    ]


async def write_attendance(
    repo: Repository,
    schedule: Schedule,
    fmt: str,
    path: Path,
    *,
    now: datetime | None = None,
    exclude: Collection[int] | None = None,
) -> None:
    """now: sessions not ended by then show no status yet (default: the real time, for the
    shell). exclude: organizers' ids (default: ORGANIZER_IDS from the settings); who is
    counted is bot.membership.participants."""
    if exclude is None:
        exclude = configured_organizers()
    tables = await build_tables(repo, schedule, now or SystemClock().now(), exclude)
    # On a thread: the bot keeps answering everyone while a big file is written.
    await asyncio.to_thread(spreadsheet.write, fmt, path, sheets_of(tables, fmt))

