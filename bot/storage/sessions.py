"""What calendars and join-link notices last heard about each session: start, link, version.

A session's version (the calendar SEQUENCE) goes up by one each time its start or its join
link changes in schedule.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.base import Store, dt, ts


@dataclass(frozen=True)
class Version:
    session_number: int
    start: datetime
    link: str | None
    sequence: int


class SessionStore(Store):
    async def versions(self) -> dict[int, Version]:
        rows = await self.db.fetch(
            "SELECT session_number, start, link, sequence FROM session_versions"
        )
        return {r[0]: Version(r[0], dt(r[1]), r[2], r[3]) for r in rows}

    async def sequence(self, number: int) -> int:
        return int(await self.db.fetchval(
            "SELECT sequence FROM session_versions WHERE session_number = ?", (number,)) or 0)

    async def set_version(self, number: int, start: datetime, link: str | None, sequence: int,
                          now: datetime) -> None:
        await self.db.write(
            "INSERT INTO session_versions (session_number, start, link, sequence, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_number) DO UPDATE SET"
            " start = excluded.start, link = excluded.link, sequence = excluded.sequence,"
            " updated_at = excluded.updated_at",
            (number, ts(start), link, sequence, ts(now)),
        )
