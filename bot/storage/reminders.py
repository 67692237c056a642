"""SQL for reminders: opt-outs, deliveries (unique key per message), group chats, known starts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.storage.base import Store, dt, ts

ALL_OFF = -1
MISSED_OFF = -2  # the word after a missed session (bot/warnings), not a reminder


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
        return (self.kind, self.session_number, ts(self.session_start), self.offset_minutes)


@dataclass(frozen=True)
class GroupChat:
    chat_id: int
    title: str | None
    country: str
    group: str


class ReminderStore(Store):
    # opt-outs

    async def optouts(self, user_id: int) -> set[int]:
        rows = await self.db.fetch(
            "SELECT offset_minutes FROM reminder_optouts WHERE user_id = ?", (user_id,)
        )
        return {row[0] for row in rows}

    async def set_optout(self, user_id: int, offset: int, off: bool) -> None:
        if off:
            await self.db.write(
                "INSERT INTO reminder_optouts (user_id, offset_minutes) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING",
                (user_id, offset),
            )
        else:
            await self.db.write(
                "DELETE FROM reminder_optouts WHERE user_id = ? AND offset_minutes = ?",
                (user_id, offset),
            )

    async def opted_out(self, offset: int) -> set[int]:
        """Everyone who turned this offset off."""
        rows = await self.db.fetch(
            "SELECT user_id FROM reminder_optouts WHERE offset_minutes = ?", (offset,))
        return {row[0] for row in rows}

    async def candidates(self, offset: int) -> list[Candidate]:
        rows = await self.db.fetch(
            """
            SELECT user_id, grp, language, zone, country, role FROM participants p
            WHERE active = 1 AND onboarded = 1
              AND NOT EXISTS (SELECT 1 FROM reminder_optouts o WHERE o.user_id = p.user_id
                              AND o.offset_minutes IN (?, ?))
            """,
            (offset, ALL_OFF),
        )
        return [Candidate(*row) for row in rows]

    async def audience(self) -> list[Candidate]:
        """Everyone active and onboarded, opt-outs ignored (for 'session moved' notices)."""
        rows = await self.db.fetch(
            "SELECT user_id, grp, language, zone, country, role FROM participants "
            "WHERE active = 1 AND onboarded = 1"
        )
        return [Candidate(*row) for row in rows]

    # deliveries

    async def add_pending(self, key: DeliveryKey, chat_ids: Iterable[int], now: datetime) -> None:
        stamp = ts(now)
        # One commit for the whole audience, not one per row.
        await self.db.write_many(
            "INSERT INTO deliveries (kind, session_number, session_start, offset_minutes,"
            " chat_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            [(*key.params, chat_id, stamp, stamp) for chat_id in chat_ids],
        )

    async def pending(self, key: DeliveryKey) -> list[int]:
        rows = await self.db.fetch(
            "SELECT chat_id FROM deliveries WHERE kind = ? AND session_number = ?"
            " AND session_start = ? AND offset_minutes = ? AND status = 'pending'"
            " ORDER BY chat_id",
            key.params,
        )
        return [row[0] for row in rows]

    async def claim(self, key: DeliveryKey, chat_id: int, now: datetime) -> bool:
        """pending -> sending; False if already taken (by a concurrent fan-out)."""
        return await self.db.write(
            "UPDATE deliveries SET status = 'sending', attempts = attempts + 1, updated_at = ?"
            " WHERE kind = ? AND session_number = ? AND session_start = ?"
            " AND offset_minutes = ? AND chat_id = ? AND status = 'pending'",
            (ts(now), *key.params, chat_id),
        ) == 1

    async def finish(
        self, key: DeliveryKey, chat_id: int, status: str, now: datetime,
        message_id: int | None = None, error: str | None = None,
    ) -> None:
        await self.db.write(
            "UPDATE deliveries SET status = ?, message_id = ?, error = ?, updated_at = ?"
            " WHERE kind = ? AND session_number = ? AND session_start = ?"
            " AND offset_minutes = ? AND chat_id = ?",
            (status, message_id, error, ts(now), *key.params, chat_id),
        )

    async def settle_interrupted(self, now: datetime) -> int:
        """Sends cut off by a crash: their outcome is unknown, so they are not repeated."""
        return await self.db.write(
            "UPDATE deliveries SET status = 'unknown', error = 'interrupted', updated_at = ?"
            " WHERE status = 'sending'",
            (ts(now),),
        )

    async def statuses(self, key: DeliveryKey) -> dict[int, str]:
        rows = await self.db.fetch(
            "SELECT chat_id, status FROM deliveries WHERE kind = ? AND session_number = ?"
            " AND session_start = ? AND offset_minutes = ?",
            key.params,
        )
        return {row[0]: row[1] for row in rows}

    # group chats

    async def link_group(
        self, chat_id: int, title: str | None, country: str, group: str, by: int, now: datetime
    ) -> None:
        await self.db.write(
            "INSERT INTO group_chats (chat_id, title, country, grp, linked_by, linked_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE"
            " SET title = excluded.title, country = excluded.country, grp = excluded.grp,"
            " linked_by = excluded.linked_by, linked_at = excluded.linked_at",
            (chat_id, title, country, group, by, ts(now)),
        )

    async def move_group(self, old: int, new: int) -> None:
        """A group became a supergroup (Telegram gives it a new id): its link follows it."""
        async with self.db.transaction() as db:
            await db.write(
                "DELETE FROM group_chats WHERE chat_id = ?"
                " AND EXISTS (SELECT 1 FROM group_chats WHERE chat_id = ?)",
                (old, new),
            )
            await db.write("UPDATE group_chats SET chat_id = ? WHERE chat_id = ?", (new, old))

    async def unlink_group(self, chat_id: int) -> bool:
        return await self.db.write(
            "DELETE FROM group_chats WHERE chat_id = ?", (chat_id,)
        ) > 0

    async def groups(self) -> list[GroupChat]:
        rows = await self.db.fetch(
            "SELECT chat_id, title, country, grp FROM group_chats ORDER BY chat_id"
        )
        return [GroupChat(*row) for row in rows]

    # known session starts

    async def known_starts(self) -> dict[int, datetime]:
        rows = await self.db.fetch("SELECT session_number, start FROM session_starts")
        return {row[0]: dt(row[1]) for row in rows}

    async def set_known_start(self, number: int, start: datetime) -> None:
        await self.db.write(
            "INSERT INTO session_starts (session_number, start) VALUES (?, ?)"
            " ON CONFLICT (session_number) DO UPDATE SET start = excluded.start",
            (number, ts(start)),
        )
