"""Networking export: anonymous counts only (no names, ids, notes or messages).

Tables: `profiles` (per country: profiles turned on and off), `pairs` (per unordered pair of
countries: requests, accepted, declined, waiting), `topics` (per topic: profiles turned on
offering and seeking it). XLSX: one sheet each; CSV: one after the other, each introduced by
a row with its name (as the goals export).
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from openpyxl import Workbook

from bot.networking.rules import NO_COUNTRY, stats
from bot.schedule import Schedule
from bot.storage import Repository

Cell = str | int
Table = tuple[str, list[str], list[list[Cell]]]


def _safe(text: str) -> str:
    """Topic names come from schedule.json: never let a spreadsheet run one as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


async def networking_tables(repo: Repository, schedule: Schedule) -> list[Table]:
    people = await repo.participants.everyone()
    profiles = [p for p in await repo.networking.profiles(visible_only=False)
                if p.user_id in people]
    country_of = {uid: p.country for uid, p in people.items()}
    on = [p for p in profiles if p.visible]
    counted = stats([country_of[p.user_id] for p in on], await repo.networking.requests(),
                    country_of)
    off = Counter(country_of[p.user_id] or NO_COUNTRY for p in profiles if not p.visible)
    countries = sorted(set(counted.profiles) | set(off))
    profile_rows: list[list[Cell]] = [[c, counted.profiles[c], off[c]] for c in countries]
    pair_rows: list[list[Cell]] = [[a, b, c.requests, c.accepted, c.declined, c.open]
                                   for (a, b), c in sorted(counted.pairs.items())]
    offered = Counter(k for p in on for k in p.offers)
    sought = Counter(k for p in on for k in p.seeks)
    topic_rows: list[list[Cell]] = [[t.key, _safe(t.label("en")), offered[t.key], sought[t.key]]
                                    for t in schedule.networking.topics]
    return [
        ("profiles", ["country", "profiles_on", "profiles_off"], profile_rows),
        ("pairs", ["country_a", "country_b", "requests", "accepted", "declined", "waiting"],
         pair_rows),
        ("topics", ["topic", "name", "offered_by", "sought_by"], topic_rows),
    ]


async def write_networking(repo: Repository, schedule: Schedule, fmt: str, path: Path) -> None:
    tables = await networking_tables(repo, schedule)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8-sig") as fh:
            out = csv.writer(fh)
            for name, header, rows in tables:
                out.writerows([[name], header, *rows, []])
        return
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for name, header, rows in tables:
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        sheet.freeze_panes = "A2"
    book.save(path)
