"""The certificates register: one row per certificate issued (CSV, or XLSX).

In English, the organizers' working language; times in UTC. Files through bot/spreadsheet.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot import spreadsheet
from bot.certificates.rules import shown_code
from bot.schedule import Schedule
from bot.spreadsheet import Table
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
    spreadsheet.write(fmt, path, [Table("Certificates", HEADER, await rows(repo, schedule))])
