"""The certificates register: one row per certificate issued (CSV, or XLSX).

In English, the organizers' working language; times in UTC. Names are user text: a leading
= + - @ is neutralized (CSV) or the cell is typed as text (XLSX).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from bot.attendance.export import safe
from bot.certificates.rules import shown_code
from bot.schedule import Schedule
from bot.storage import Repository

HEADER = [
    "code", "user_id", "name", "group", "country", "sessions attended", "sessions", "hours",
    "languages", "issued (UTC)", "status", "revoked (UTC)", "revoke reason", "delivery",
]


async def rows(repo: Repository, schedule: Schedule) -> list[list[Any]]:
    out: list[list[Any]] = []
    issued = sorted(await repo.certificates.all(),
                    key=lambda c: (c.issued_at, c.country or "", (c.name or "").casefold()))
    for c in issued:
        country = schedule.country(c.country)
        out.append([
            shown_code(c.code), c.user_id if c.user_id is not None else "",
            c.name if c.name is not None else "(deleted at the holder's request)",
            c.group, country.name["en"] if country else (c.country or ""), c.attended, c.total,
            round(c.minutes / 60, 2), " ".join(c.languages),
            c.issued_at.strftime("%Y-%m-%d %H:%M"), c.status,
            c.revoked_at.strftime("%Y-%m-%d %H:%M") if c.revoked_at else "",
            c.revoke_reason or "", c.delivery,
        ])
    return out


async def write_certificates(repo: Repository, schedule: Schedule, fmt: str,
                             path: Path) -> None:
    table = await rows(repo, schedule)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        # utf-8-sig: spreadsheet programs then read accented names correctly.
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            writer.writerows([[safe(v) if isinstance(v, str) else v for v in row]
                              for row in table])
        return
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Certificates"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table:
        sheet.append(row)
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, never a formula
    sheet.freeze_panes = "A2"
    book.save(path)
