"""Broadcast storage: drafts, versions, one row per recipient, and the reply relay.

The records are in bot/storage/broadcast_records.py. A draft waiting for typed input (its
content, a language version, a time) is pending input (handlers/input.py); the old
`broadcasts.awaiting` column is left in the schema, unused.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from bot.storage.base import Store, dt, dt_or_none, ts
from bot.storage.broadcast_records import (
    Audience,
    Broadcast,
    Recipient,
    RelayLink,
    Report,
    Undelivered,
    Version,
)
from bot.storage.db import Row
from bot.storage.participants import name_sql


def _broadcast(row: Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        author_id=row["author_id"],
        status="held" if row["status"] == "cancelled" and row["held_at"] else row["status"],
        audience=Audience.from_json(row["audience"]),
        created_at=dt(row["created_at"]),
        scheduled_for=dt_or_none(row["scheduled_for"]),
        started_at=dt_or_none(row["started_at"]),
        finished_at=dt_or_none(row["finished_at"]),
        status_chat_id=row["status_chat_id"],
        status_message_id=row["status_message_id"],
    )


class BroadcastStore(Store):
    # --- drafts -------------------------------------------------------------------
    async def create_draft(self, author_id: int, now: datetime) -> int:
        """A new draft; the author's unfinished drafts are dropped (one flow at a time)."""
        async with self.db.transaction() as db:
            await db.write(
                "DELETE FROM broadcasts WHERE author_id = ? AND status = 'draft'", (author_id,)
            )
            return await db.insert(
                "INSERT INTO broadcasts (author_id, status, audience, created_at) "
                "VALUES (?, 'draft', ?, ?)",
                (author_id, Audience().to_json(), ts(now)),
            )

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row else None

    async def set_audience(self, broadcast_id: int, audience: Audience) -> None:
        await self.db.write(
            "UPDATE broadcasts SET audience = ? WHERE id = ? AND status = 'draft'",
            (audience.to_json(), broadcast_id),
        )

    async def add_version(
        self, broadcast_id: int, language: str | None, chat_id: int, message_id: int
    ) -> None:
        """A version per language; sending one again for a language replaces it."""
        async with self.db.transaction() as db:
            row = await db.fetchone(
                "SELECT position FROM broadcast_versions WHERE broadcast_id = ? "
                "AND language IS NOT DISTINCT FROM ?",
                (broadcast_id, language),
            )
            if row is not None:
                position = row[0]
            else:
                found = await db.fetchone(
                    "SELECT COALESCE(MAX(position), 0) + 1 FROM broadcast_versions "
                    "WHERE broadcast_id = ?",
                    (broadcast_id,),
                )
                position = found[0] if found else 1
            await db.write(
                "INSERT INTO broadcast_versions "
                "(broadcast_id, position, language, chat_id, message_id) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (broadcast_id, position) DO UPDATE SET language = excluded.language, "
                "chat_id = excluded.chat_id, message_id = excluded.message_id",
                (broadcast_id, position, language, chat_id, message_id),
            )

    async def versions(self, broadcast_id: int) -> list[Version]:
        rows = await self.db.fetch(
            "SELECT * FROM broadcast_versions WHERE broadcast_id = ? ORDER BY position",
            (broadcast_id,),
        )
        return [Version(r["position"], r["language"], r["chat_id"], r["message_id"]) for r in rows]

    async def delete_draft(self, broadcast_id: int) -> bool:
        return await self.db.write(
            "DELETE FROM broadcasts WHERE id = ? AND status = 'draft'", (broadcast_id,)
        ) > 0

    async def schedule(self, broadcast_id: int, when: datetime) -> bool:
        return await self.db.write(
            "UPDATE broadcasts SET status = 'scheduled', scheduled_for = ? "
            "WHERE id = ? AND status = 'draft'",
            (ts(when), broadcast_id),
        ) > 0

    # --- audience -------------------------------------------------------------------
    async def _where(self, audience: Audience, exclude: int | None,
                     staff: Collection[int]) -> tuple[str, list[Any]]:
        # People in the program (a group), and staff; never someone who was turned away.
        clauses = ["p.onboarded = 1", "(p.grp IS NOT NULL OR p.role != 'participant'"
                   + (f" OR p.user_id IN ({', '.join('?' for _ in staff)}))" if staff else ")")]
        args: list[Any] = list(staff)
        if exclude is not None:
            clauses.append("p.user_id != ?")
            args.append(exclude)
        for column, values in (
            ("p.grp", audience.groups),
            ("p.country", audience.countries),
            ("p.language", audience.languages),
        ):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
                args.extend(sorted(values))
        if audience.reach is not None:  # fixed in countries: an empty set reaches nobody
            if audience.reach:
                clauses.append(f"p.country IN ({', '.join('?' for _ in audience.reach)})")
                args.extend(sorted(audience.reach))
            else:
                clauses.append("1 = 0")
        if audience.attendance is not None:
            kind, session = audience.attendance
            # Checked in = present or late (the attendance feature's contract).
            clauses.append(
                ("EXISTS" if kind == "present" else "NOT EXISTS")
                + " (SELECT 1 FROM attendance a WHERE a.user_id = p.user_id"
                " AND a.session_number = ? AND a.status IN ('present', 'late'))"
            )
            args.append(session)
        return " AND ".join(clauses), args

    async def count_audience(self, audience: Audience, exclude: int | None,
                             staff: Collection[int] = ()) -> tuple[int, int]:
        """(active people matching, inactive people matching); `staff`: organizers' ids."""
        where, args = await self._where(audience, exclude, staff)
        row = await self.db.fetchone(
            "SELECT COALESCE(SUM(CASE WHEN p.active = 1 THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN p.active = 0 THEN 1 ELSE 0 END), 0) "
            f"FROM participants p WHERE {where}",
            tuple(args),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    # --- delivery -------------------------------------------------------------------
    async def start(self, broadcast_id: int, audience: Audience, now: datetime,
                    staff: Collection[int] = ()) -> bool:
        """Draft or scheduled -> sending, writing every recipient row in the same transaction.

        False when it was already started or cancelled (so a double press or a job firing
        twice never addresses anyone twice).
        """
        broadcast = await self.get(broadcast_id)
        if broadcast is None:
            return False
        where, args = await self._where(audience, broadcast.author_id, staff)
        async with self.db.transaction() as db:
            changed = await db.write(
                "UPDATE broadcasts SET status = 'sending', started_at = ? "
                "WHERE id = ? AND status IN ('draft', 'scheduled')",
                (ts(now), broadcast_id),
            )
            if changed == 0:
                return False
            await db.write(
                "INSERT INTO broadcast_recipients "
                "(broadcast_id, user_id, language, status, updated_at) "
                "SELECT ?, p.user_id, p.language, "
                "CASE WHEN p.active = 1 THEN 'pending' ELSE 'skipped' END, ? "
                f"FROM participants p WHERE {where}",
                (broadcast_id, ts(now), *args),
            )
        return True

    async def pending(self, broadcast_id: int) -> list[Recipient]:
        rows = await self.db.fetch(
            "SELECT user_id, language FROM broadcast_recipients "
            "WHERE broadcast_id = ? AND status = 'pending' ORDER BY user_id",
            (broadcast_id,),
        )
        return [Recipient(r["user_id"], r["language"]) for r in rows]

    async def claim(self, broadcast_id: int, user_id: int, now: datetime) -> bool:
        """pending -> sending, committed before the call: a crash then reads 'unknown'."""
        return await self.db.write(
            "UPDATE broadcast_recipients SET status = 'sending', updated_at = ? "
            "WHERE broadcast_id = ? AND user_id = ? AND status = 'pending'",
            (ts(now), broadcast_id, user_id),
        ) > 0

    async def record(
        self,
        broadcast_id: int,
        user_id: int,
        status: str,
        now: datetime,
        *,
        attempts: int,
        message_id: int | None = None,
        error: str | None = None,
    ) -> None:
        await self.db.write(
            "UPDATE broadcast_recipients SET status = ?, attempts = attempts + ?, "
            "message_id = ?, error = ?, updated_at = ? WHERE broadcast_id = ? AND user_id = ?",
            (status, attempts, message_id, error, ts(now), broadcast_id, user_id),
        )

    async def in_flight_to_unknown(self, now: datetime) -> int:
        """At start: rows claimed by a process that died mid-call; their outcome is unknown."""
        return await self.db.write(
            "UPDATE broadcast_recipients SET status = 'unknown', updated_at = ?, "
            "attempts = attempts + 1, error = 'interrupted while sending (bot restarted)' "
            "WHERE status = 'sending'",
            (ts(now),),
        )

    async def finish(self, broadcast_id: int, now: datetime) -> None:
        await self.db.write(
            "UPDATE broadcasts SET status = 'done', finished_at = ? "
            "WHERE id = ? AND status = 'sending'",
            (ts(now), broadcast_id),
        )

    async def cancel(self, broadcast_id: int, now: datetime) -> bool:
        """Scheduled or sending -> cancelled; whoever is still pending is not sent to."""
        async with self.db.transaction() as db:
            changed = await db.write(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = ? "
                "WHERE id = ? AND status IN ('scheduled', 'sending')",
                (ts(now), broadcast_id),
            )
            if changed == 0:
                return False
            await db.write(
                "UPDATE broadcast_recipients SET status = 'cancelled', updated_at = ? "
                "WHERE broadcast_id = ? AND status = 'pending'",
                (ts(now), broadcast_id),
            )
        return True

    async def hold(self, broadcast_id: int, now: datetime) -> bool:
        """Scheduled -> held: nothing is sent (its author lost the right to its countries)."""
        return await self.db.write(
            "UPDATE broadcasts SET status = 'cancelled', held_at = ?, finished_at = ? "
            "WHERE id = ? AND status = 'scheduled'",
            (ts(now), ts(now), broadcast_id),
        ) > 0

    async def mark_missed(self, broadcast_id: int, now: datetime) -> bool:
        return await self.db.write(
            "UPDATE broadcasts SET status = 'missed', finished_at = ? "
            "WHERE id = ? AND status = 'scheduled'",
            (ts(now), broadcast_id),
        ) > 0

    async def set_status_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        await self.db.write(
            "UPDATE broadcasts SET status_chat_id = ?, status_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id),
        )

    async def report(self, broadcast_id: int) -> Report:
        report = Report()
        for row in await self.db.fetch(
            "SELECT status, COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ? "
            "GROUP BY status",
            (broadcast_id,),
        ):
            report.counts[row[0]] = row[1]
        for row in await self.db.fetch(
            "SELECT error, COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ? "
            "AND status = 'failed' GROUP BY error ORDER BY COUNT(*) DESC, error",
            (broadcast_id,),
        ):
            report.reasons[row[0] or "?"] = row[1]
        return report

    async def undelivered(self, broadcast_id: int) -> list[Undelivered]:
        rows = await self.db.fetch(
            f"SELECT r.user_id, r.status, r.error, {name_sql('p')} AS name, p.username "
            "FROM broadcast_recipients r LEFT JOIN participants p ON p.user_id = r.user_id "
            "WHERE r.broadcast_id = ? AND r.status IN ('blocked', 'failed', 'unknown') "
            "ORDER BY r.status, p.first_name, r.user_id",
            (broadcast_id,),
        )
        return [
            Undelivered(
                r["user_id"],
                r["name"] or str(r["user_id"]),
                r["status"],
                r["error"],
            )
            for r in rows
        ]

    async def with_status(self, *statuses: str) -> list[Broadcast]:
        rows = await self.db.fetch(
            f"SELECT * FROM broadcasts WHERE status IN ({', '.join('?' for _ in statuses)}) "
            "ORDER BY id",
            statuses,
        )
        return [_broadcast(r) for r in rows]

    async def recent(self, limit: int = 10, author: int | None = None) -> list[Broadcast]:
        """The latest broadcasts (of one author, when given), drafts left out."""
        if author is None:
            rows = await self.db.fetch(
                "SELECT * FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        else:
            rows = await self.db.fetch(
                "SELECT * FROM broadcasts WHERE status != 'draft' AND author_id = ? "
                "ORDER BY id DESC LIMIT ?", (author, limit),
            )
        return [_broadcast(r) for r in rows]

    # --- relay --------------------------------------------------------------------
    async def delivery(self, user_id: int, message_id: int) -> int | None:
        """The broadcast whose copy is message_id in user_id's chat, if any."""
        row = await self.db.fetchone(
            "SELECT broadcast_id FROM broadcast_recipients WHERE user_id = ? AND message_id = ? "
            "AND status = 'sent' LIMIT 1",
            (user_id, message_id),
        )
        return int(row[0]) if row else None

    async def add_link(self, link: RelayLink, now: datetime) -> None:
        await self.db.write(
            "INSERT INTO relay_links "
            "(chat_id, message_id, participant_id, broadcast_id, question_id, reply_to, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, message_id) "
            "DO UPDATE SET participant_id = excluded.participant_id, "
            "broadcast_id = excluded.broadcast_id, question_id = excluded.question_id, "
            "reply_to = excluded.reply_to, created_at = excluded.created_at",
            (link.chat_id, link.message_id, link.participant_id, link.broadcast_id,
             link.question_id, link.reply_to, ts(now)),
        )  # fmt: skip

    async def link(self, chat_id: int, message_id: int) -> RelayLink | None:
        row = await self.db.fetchone(
            "SELECT * FROM relay_links WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        if row is None:
            return None
        return RelayLink(
            row["chat_id"], row["message_id"], row["participant_id"], row["broadcast_id"],
            row["reply_to"], row["question_id"],
        )  # fmt: skip
