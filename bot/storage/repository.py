"""aiosqlite repository. Times are stored as ISO-8601 UTC text."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.models import Participant
from bot.storage.broadcasts import BroadcastStore
from bot.storage.goals import GoalStore
from bot.storage.migrations import MIGRATIONS
from bot.storage.reminders import ReminderStore

if TYPE_CHECKING:
    from bot.storage.attendance import AttendanceStore
    from bot.storage.invitations import Invitations
    from bot.storage.people import People

log = logging.getLogger(__name__)

_PARTICIPANT_FIELDS = {
    "language", "country", "zone", "grp", "first_name", "last_name", "username",
    "role", "onboarded", "active", "organization", "sector", "display_name", "joined_via",
}


def _ts(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _participant(row: aiosqlite.Row) -> Participant:
    return Participant(
        user_id=row["user_id"],
        language=row["language"],
        country=row["country"],
        zone=row["zone"],
        group=row["grp"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        username=row["username"],
        role=row["role"],
        onboarded=bool(row["onboarded"]),
        active=bool(row["active"]),
        created_at=_dt(row["created_at"]),
        updated_at=_dt(row["updated_at"]),
        organization=row["organization"],
        sector=row["sector"],
        display_name=row["display_name"],
        joined_via=row["joined_via"],
    )


class Repository:
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db
        # One connection is shared by all handlers: a multi-statement transaction holds this
        # lock so no other coroutine's statement lands inside it.
        self._tx_lock = asyncio.Lock()
        self.reminders = ReminderStore(db, self.transaction)

    @classmethod
    async def open(cls, path: Path | str) -> Repository:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        db = await aiosqlite.connect(path, isolation_level=None)
        try:
            db.row_factory = aiosqlite.Row
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA busy_timeout=5000")
            repo = cls(db)
            await repo._migrate()
        except BaseException:
            await db.close()
            raise
        return repo

    @property
    def goals(self) -> GoalStore:
        return GoalStore(self._db, self.transaction, _participant)

    async def close(self) -> None:
        await self._db.close()

    @property
    def attendance(self) -> AttendanceStore:
        from bot.storage.attendance import AttendanceStore  # it imports this module

        return AttendanceStore(self._db, self.transaction)

    @property
    def people(self) -> People:
        from bot.storage.people import People

        return People(self)

    @property
    def invitations(self) -> Invitations:
        from bot.storage.invitations import Invitations

        return Invitations(self)

    @property
    def broadcasts(self) -> BroadcastStore:
        return BroadcastStore(self)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._tx_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def _migrate(self) -> None:
        await self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        async with self._db.execute("SELECT MAX(version) FROM schema_version") as cur:
            row = await cur.fetchone()
        current = (row[0] if row else None) or 0
        for version, statements in enumerate(MIGRATIONS, start=1):
            if version <= current:
                continue
            async with self.transaction() as db:
                for statement in statements:
                    await db.execute(statement)
                await db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            log.info("database migrated to schema version %d", version)

    async def schema_version(self) -> int:
        async with self._db.execute("SELECT MAX(version) FROM schema_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    # participants

    async def get_participant(self, user_id: int) -> Participant | None:
        async with self._db.execute(
            "SELECT * FROM participants WHERE user_id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return _participant(row) if row else None

    async def ensure_participant(
        self,
        user_id: int,
        *,
        first_name: str,
        last_name: str | None,
        username: str | None,
        now: datetime,
    ) -> Participant:
        """Insert on first contact; keep Telegram names fresh afterwards."""
        await self._db.execute(
            """
            INSERT INTO participants (user_id, first_name, last_name, username,
                                      created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                first_name = excluded.first_name,
                last_name = excluded.last_name,
                username = excluded.username
            WHERE participants.first_name IS NOT excluded.first_name
               OR participants.last_name IS NOT excluded.last_name
               OR participants.username IS NOT excluded.username
            """,
            (user_id, first_name, last_name, username, _ts(now), _ts(now)),
        )
        found = await self.get_participant(user_id)
        assert found is not None
        return found

    async def update_participant(self, user_id: int, now: datetime, **fields: Any) -> None:
        unknown = set(fields) - _PARTICIPANT_FIELDS
        if unknown:
            raise ValueError(f"unknown participant fields: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        await self._db.execute(
            f"UPDATE participants SET {assignments}, updated_at = ? WHERE user_id = ?",
            (*fields.values(), _ts(now), user_id),
        )

    async def count_participants(self) -> int:
        async with self._db.execute("SELECT COUNT(*) FROM participants") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def set_role(self, user_id: int, role: str, now: datetime) -> bool:
        """False when the person has never written to the bot."""
        cur = await self._db.execute(
            "UPDATE participants SET role = ?, updated_at = ? WHERE user_id = ?",
            (role, _ts(now), user_id),
        )
        return cur.rowcount > 0

    async def audit(
        self, actor_id: int, action: str, now: datetime, target: str | None = None,
        detail: str | None = None,
    ) -> None:
        await self._db.execute(
            "INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            (_ts(now), actor_id, action, target, detail),
        )

    async def audit_entries(self) -> list[dict[str, Any]]:
        async with self._db.execute("SELECT * FROM audit_log ORDER BY id") as cur:
            return [dict(row) for row in await cur.fetchall()]
