"""The "people" export: everyone registered, with organization and sector (English labels)."""

from __future__ import annotations

from pathlib import Path

from bot import spreadsheet
from bot.people.rules import SECTORS
from bot.schedule import Schedule
from bot.spreadsheet import Table
from bot.storage import Repository

COLUMNS = ["user_id", "name", "username", "role", "group", "country", "zone", "language",
           "organization", "sector", "joined_via", "registered_at"]


async def rows(repo: Repository) -> list[list[object]]:
    return [
        [p.user_id, p.name, p.username or "", p.role, p.group or "", p.country or "",
         p.zone or "", p.language or "", p.organization or "",
         SECTORS.get(p.sector or "", ""), p.joined_via or "", p.created_at.isoformat()]
        for p in await repo.people.registered()
    ]


async def write_people(repo: Repository, schedule: Schedule, fmt: str, path: Path) -> None:
    spreadsheet.write(fmt, path, [Table("people", COLUMNS, await rows(repo))])
