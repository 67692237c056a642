"""The "people" export: everyone registered, with organization and sector (English labels)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

from bot.people.rules import SECTORS
from bot.schedule import Schedule
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
    data = await rows(repo)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(data)
        return
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "people"
    sheet.append(COLUMNS)
    for row in data:
        sheet.append(row)
    book.save(path)

