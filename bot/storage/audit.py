"""A privileged change and its audit entry as one unit of work: one transaction, so the log
never misses a change that was saved, and never records one that was rolled back.

    async with repo.audited(actor, "attendance_correction", now, target=str(uid)) as entry:
        old = await repo.attendance.correct(...)
        entry.detail = f"session 3: {old} -> present"

The entry is written at the end of the block, inside the transaction; entry.skip() leaves it
out (the change turned out to be nothing). Every store write inside the block joins the
transaction (bot/storage/db.py: transactions nest per task).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from bot.storage.db import Database
from bot.storage.participants import ParticipantStore


@dataclass
class AuditEntry:
    actor_id: int
    action: str
    at: datetime
    target: str | None = None
    detail: str | None = None
    skipped: bool = False

    def skip(self) -> None:
        self.skipped = True


@asynccontextmanager
async def audited(db: Database, participants: ParticipantStore, actor_id: int, action: str,
                  now: datetime, target: str | None = None, detail: str | None = None
                  ) -> AsyncIterator[AuditEntry]:
    entry = AuditEntry(actor_id, action, now, target, detail)
    async with db.transaction():
        yield entry
        if not entry.skipped:
            await participants.audit(entry.actor_id, entry.action, entry.at, entry.target,
                                     entry.detail)
