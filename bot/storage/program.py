"""Program changes made from the chat (join links, session moves): a layer over schedule.json.

One row per thing changed (kind, target); a newer change to the same thing replaces it. The
effective schedule is schedule.json with these applied (bot/program/rules.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage.base import Store, dt, dt_or_none, ts

Kind = Literal["program_link", "session_link", "coaching_link", "move"]
COLUMNS = "id, kind, subject, link, info, start, made_by, made_at"


@dataclass(frozen=True)
class ProgramChange:
    kind: Kind
    target: str  # "" (program), a session number, a country code
    link: str | None = None  # None: the link removed
    info: str | None = None  # passcode or dial-in text, in every language
    start: datetime | None = None  # a move's new start (UTC)
    made_by: int = 0
    made_at: datetime | None = None
    id: int = 0


def _change(row: tuple[object, ...]) -> ProgramChange:
    id_, kind, target, link, info, start, made_by, made_at = row
    return ProgramChange(kind, str(target), link, info, dt_or_none(start),  # type: ignore[arg-type]
                         int(made_by), dt(str(made_at)), int(id_))  # type: ignore[call-overload]


class ProgramStore(Store):
    async def changes(self) -> list[ProgramChange]:
        """The changes in force, oldest first (the order they are applied in)."""
        rows = await self.db.fetch(f"SELECT {COLUMNS} FROM program_changes ORDER BY made_at, id")
        return [_change(tuple(r)) for r in rows]

    async def get(self, change_id: int) -> ProgramChange | None:
        row = await self.db.fetchone(f"SELECT {COLUMNS} FROM program_changes WHERE id = ?",
                                     (change_id,))
        return _change(tuple(row)) if row is not None else None

    async def put(self, change: ProgramChange, actor_id: int, now: datetime) -> int:
        """Store a change, replacing an earlier one to the same thing; its new id."""
        await self.db.write("DELETE FROM program_changes WHERE kind = ? AND subject = ?",
                            (change.kind, change.target))
        return await self.db.insert(
            "INSERT INTO program_changes (kind, subject, link, info, start, made_by, made_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (change.kind, change.target, change.link, change.info,
             ts(change.start) if change.start else None, actor_id, ts(now)),
        )

    async def remove(self, change_id: int) -> bool:
        return await self.db.write("DELETE FROM program_changes WHERE id = ?", (change_id,)) > 0
