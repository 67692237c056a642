"""Feedback export: one row per answer (CSV), plus a per-session and per-country summary
(XLSX, second sheet). Answers carry no name or user id: facilitators and organizers read them
as the participants were told, without names. Files in English; times in UTC.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from typing import Any

from bot import spreadsheet
from bot.feedback.rules import RATINGS, summarize
from bot.schedule import Schedule
from bot.spreadsheet import Table
from bot.storage import Repository
from bot.storage.feedback import FeedbackRow

ANSWERS_HEADER = ["session", "title", "answered at (UTC)", "country", "group", "language",
                  "rating", "comment"]
SUMMARY_HEADER = ["session", "title", "country", "answers", "mean",
                  *[f"rated {r}" for r in RATINGS]]


def _country(schedule: Schedule, code: str | None) -> str:
    country = schedule.country(code)
    return country.name["en"] if country else (code or "")


def _title(schedule: Schedule, number: int) -> str:
    session = schedule.session(number)
    return session.text("title", "en") if session else ""


def answers(schedule: Schedule, rows: list[FeedbackRow]) -> list[list[Any]]:
    ordered = sorted(rows, key=lambda r: (r.session, r.answered_at))
    return [[r.session, _title(schedule, r.session),
             r.answered_at.astimezone(UTC).replace(tzinfo=None),
             _country(schedule, r.country), r.group or "", r.language or "", r.rating,
             r.comment or ""] for r in ordered]


def summary(schedule: Schedule, rows: list[FeedbackRow]) -> list[list[Any]]:
    """Per session: all answers ("ALL"), then each country with answers."""
    codes = [c.code for c in schedule.countries]
    out: list[list[Any]] = []
    for session in schedule.sessions:
        mine = [r for r in rows if r.session == session.number]
        if not mine:
            continue
        groups: list[tuple[str, list[FeedbackRow]]] = [("ALL", mine)]
        groups += [(_country(schedule, code), [r for r in mine if r.country == code])
                   for code in codes]
        groups.append(("Other", [r for r in mine if r.country not in codes]))
        for name, group in groups:
            if not group:
                continue
            s = summarize(group, codes)
            out.append([session.number, session.text("title", "en"), name, s.count,
                        round(s.mean or 0, 2), *[s.distribution[r] for r in RATINGS]])
    return out


async def write_feedback(repo: Repository, schedule: Schedule, fmt: str, path: Path) -> None:
    """CSV: the answers; XLSX: the answers and the summary."""
    rows = await repo.feedback.ratings()
    tables = [Table("Answers", ANSWERS_HEADER, answers(schedule, rows))]
    if fmt != "csv":
        tables.append(Table("Summary", SUMMARY_HEADER, summary(schedule, rows)))
    spreadsheet.write(fmt, path, tables)
