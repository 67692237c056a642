"""SQL for reminders: opt-outs, deliveries (unique key per message), group chats, known starts."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

import aiosqlite

ALL_OFF = -1


def _ts(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


@dataclass(frozen=True)
class Candidate:
    """Someone who may get a reminder: active, onboarded, not opted out of this offset."""

    chat_id: int
    group: str | None
    language: str | None
    zone: str | None
    country: str | None
    role: str


@dataclass(frozen=True)
class DeliveryKey:
    kind: str
    session_number: int
    session_start: datetime
    offset_minutes: int

    @property
    def params(self) -> tuple[str, int, str, int]:
        return (self.kind, self.session_number, _ts(self.session_start), self.offset_minutes)


@dataclass(frozen=True)
class GroupChat:
    chat_id: int
    title: str | None
    country: str
    group: str


Transaction = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]


class ReminderStore:
    def __init__(self, db: aiosqlite.Connection, transaction: Transaction) -> None:
        self._db = db
        self._tx = transaction

    # opt-outs

    async def optouts(self, user_id: int) -> set[int]:
        async with self._db.execute(
            "SELECT offset_minutes FROM reminder_optouts WHERE user_id = ?", (user_id,)
        ) as cur:
            return {row[0] for row in await cur.fetchall()}

    async def set_optout(self, user_id: int, offset: int, off: bool) -> None:
        if off:
            await self._db.execute(
                "INSERT OR IGNORE INTO reminder_optouts VALUES (?, ?)", (user_id, offset)
            )
        else:
            await self._db.execute(
                "DELETE FROM reminder_optouts WHERE user_id = ? AND offset_minutes = ?",
                (user_id, offset),
            )

    async def candidates(self, offset: int) -> list[Candidate]:
        async with self._db.execute(
            """
            SELECT user_id, grp, language, zone, country, role FROM participants p
            WHERE active = 1 AND onboarded = 1
              AND NOT EXISTS (SELECT 1 FROM reminder_optouts o WHERE o.user_id = p.user_id
                              AND o.offset_minutes IN (?, ?))
            """,
            (offset, ALL_OFF),
        ) as cur:
            return [Candidate(*row) for row in await cur.fetchall()]

    async def audience(self) -> list[Candidate]:
        """Everyone active and onboarded, opt-outs ignored (for 'session moved' notices)."""
        async with self._db.execute(
            "SELECT user_id, grp, language, zone, country, role FROM participants "
            "WHERE active = 1 AND onboarded = 1"
        ) as cur:
            return [Candidate(*row) for row in await cur.fetchall()]

    # deliveries

    async def add_pending(self, key: DeliveryKey, chat_ids: Iterable[int], now: datetime) -> None:
        stamp = _ts(now)
        async with self._tx() as db:  # one commit for the whole audience, not one per row
            await db.executemany(
                "INSERT OR IGNORE INTO deliveries (kind, session_number, session_start,"
                " offset_minutes, chat_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(*key.params, chat_id, stamp, stamp) for chat_id in chat_ids],
            )

    async def pending(self, key: DeliveryKey) -> list[int]:
        async with self._db.execute(
            "SELECT chat_id FROM deliveries WHERE kind = ? AND session_number = ?"
            " AND session_start = ? AND offset_minutes = ? AND status = 'pending'"
            " ORDER BY chat_id",
            key.params,
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def claim(self, key: DeliveryKey, chat_id: int, now: datetime) -> bool:
        """pending -> sending; False if already taken (by a concurrent fan-out)."""
        cur = await self._db.execute(
            "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ?"
            " WHERE kind = ? AND session_number = ? AND session_start = ?"
            " AND offset_minutes = ? AND chat_id = ? AND status = 'pending'",
            (_ts(now), *key.params, chat_id),
        )
        return cur.rowcount == 1

    async def finish(
        self, key: DeliveryKey, chat_id: int, status: str, now: datetime,
        message_id: int | None = None, error: str | None = None,
    ) -> None:
        await self._db.execute(
            "UPDATE deliveries SET status = ?, message_id = ?, error = ?, updated_at = ?"
            " WHERE kind = ? AND session_number = ? AND session_start = ?"
            " AND offset_minutes = ? AND chat_id = ?",
            (status, message_id, error, _ts(now), *key.params, chat_id),
        )

    async def settle_interrupted(self, now: datetime) -> int:
        """Sends cut off by a crash: their outcome is unknown, so they are not repeated."""
        cur = await self._db.execute(
            "UPDATE deliveries SET status = 'unknown', error = 'interrupted', updated_at = ?"
            " WHERE status = 'sending'",
            (_ts(now),),
        )
        return cur.rowcount

    async def statuses(self, key: DeliveryKey) -> dict[int, str]:
        async with self._db.execute(
            "SELECT chat_id, status FROM deliveries WHERE kind = ? AND session_number = ?"
            " AND session_start = ? AND offset_minutes = ?",
            key.params,
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    # group chats

    async def link_group(
        self, chat_id: int, title: str | None, country: str, group: str, by: int, now: datetime
    ) -> None:
        await self._db.execute(
            "INSERT INTO group_chats VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE"
            " SET title = excluded.title, country = excluded.country, grp = excluded.grp,"
            " linked_by = excluded.linked_by, linked_at = excluded.linked_at",
            (chat_id, title, country, group, by, _ts(now)),
        )

    async def unlink_group(self, chat_id: int) -> bool:
        cur = await self._db.execute("DELETE FROM group_chats WHERE chat_id = ?", (chat_id,))
        return cur.rowcount > 0

    async def groups(self) -> list[GroupChat]:
        async with self._db.execute(
            "SELECT chat_id, title, country, grp FROM group_chats ORDER BY chat_id"
        ) as cur:
            return [GroupChat(*row) for row in await cur.fetchall()]

    # known session starts

    async def known_starts(self) -> dict[int, datetime]:
        async with self._db.execute("SELECT session_number, start FROM session_starts") as cur:
            return {
                row[0]: datetime.fromisoformat(row[1]).astimezone(UTC)
                for row in await cur.fetchall()
            }

    async def set_known_start(self, number: int, start: datetime) -> None:
        await self._db.execute(
            "INSERT INTO session_starts VALUES (?, ?) ON CONFLICT (session_number)"
            " DO UPDATE SET start = excluded.start",
            (number, _ts(start)),
        )
