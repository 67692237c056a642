"""Networking export: anonymous counts only (no names, ids, notes or messages).

Tables: `profiles` (per country: profiles turned on and off), `pairs` (per unordered pair of
countries: requests, accepted, declined, waiting), `topics` (per topic: profiles turned on
offering and seeking it). XLSX: one sheet each; CSV: one after the other, each introduced by
a row with its name (as the goals export).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot import spreadsheet
from bot.networking.rules import NO_COUNTRY, stats
from bot.schedule import Schedule
from bot.storage import Repository

Cell = str | int
Table = tuple[str, list[str], list[list[Cell]]]





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
    topic_rows: list[list[Cell]] = [[t.key, t.label("en"), offered[t.key], sought[t.key]]
                                    for t in schedule.networking.topics]
    return [
        ("profiles", ["country", "profiles_on", "profiles_off"], profile_rows),
        ("pairs", ["country_a", "country_b", "requests", "accepted", "declined", "waiting"],
         pair_rows),
        ("topics", ["topic", "name", "offered_by", "sought_by"], topic_rows),
    ]


async def write_networking(repo: Repository, schedule: Schedule, fmt: str, path: Path) -> None:
    tables = await networking_tables(repo, schedule)
    spreadsheet.write(fmt, path, [spreadsheet.Table(*t) for t in tables])
