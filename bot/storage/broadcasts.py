"""Broadcast storage: drafts, versions, one row per recipient, and the reply relay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from bot.broadcasts import Audience, BroadcastStatus, Report, Version

if TYPE_CHECKING:
    from bot.storage.repository import Repository


def _ts(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


@dataclass(frozen=True)
class Broadcast:
    id: int
    author_id: int
    status: BroadcastStatus
    audience: Audience
    awaiting: str | None  # draft waiting for: "content", "content:<lang>" or "when"
    created_at: datetime
    scheduled_for: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    status_chat_id: int | None
    status_message_id: int | None


@dataclass(frozen=True)
class Recipient:
    user_id: int
    language: str | None


@dataclass(frozen=True)
class RelayLink:
    """A message in some chat that belongs to one participant's reply thread."""

    chat_id: int
    message_id: int
    participant_id: int
    broadcast_id: int
    reply_to: int | None  # in a staff chat: the participant's own message to answer under


@dataclass(frozen=True)
class Undelivered:
    user_id: int
    name: str
    status: str
    error: str | None


def _broadcast(row: aiosqlite.Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        author_id=row["author_id"],
        status=row["status"],
        audience=Audience.from_json(row["audience"]),
        awaiting=row["awaiting"],
        created_at=_dt(row["created_at"]),  # type: ignore[arg-type]
        scheduled_for=_dt(row["scheduled_for"]),
        started_at=_dt(row["started_at"]),
        finished_at=_dt(row["finished_at"]),
        status_chat_id=row["status_chat_id"],
        status_message_id=row["status_message_id"],
    )


class BroadcastStore:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo

    @property
    def _db(self) -> aiosqlite.Connection:
        return self._repo._db

    async def _one(self, sql: str, args: tuple[Any, ...] = ()) -> aiosqlite.Row | None:
        async with self._db.execute(sql, args) as cur:
            return await cur.fetchone()

    async def _all(self, sql: str, args: tuple[Any, ...] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, args) as cur:
            return list(await cur.fetchall())

    # --- drafts -------------------------------------------------------------------
    async def create_draft(self, author_id: int, now: datetime) -> int:
        """A new draft; the author's unfinished drafts are dropped (one flow at a time)."""
        async with self._repo.transaction() as db:
            await db.execute(
                "DELETE FROM broadcasts WHERE author_id = ? AND status = 'draft'", (author_id,)
            )
            cur = await db.execute(
                "INSERT INTO broadcasts (author_id, status, audience, created_at) "
                "VALUES (?, 'draft', ?, ?)",
                (author_id, Audience().to_json(), _ts(now)),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self._one("SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return _broadcast(row) if row else None

    async def set_audience(self, broadcast_id: int, audience: Audience) -> None:
        await self._db.execute(
            "UPDATE broadcasts SET audience = ? WHERE id = ? AND status = 'draft'",
            (audience.to_json(), broadcast_id),
        )

    async def set_awaiting(self, broadcast_id: int, awaiting: str | None) -> None:
        await self._db.execute(
            "UPDATE broadcasts SET awaiting = ? WHERE id = ? AND status = 'draft'",
            (awaiting, broadcast_id),
        )

    async def awaiting_draft(self, author_id: int) -> Broadcast | None:
        row = await self._one(
            "SELECT * FROM broadcasts WHERE author_id = ? AND status = 'draft' "
            "AND awaiting IS NOT NULL ORDER BY id DESC LIMIT 1",
            (author_id,),
        )
        return _broadcast(row) if row else None

    async def add_version(
        self, broadcast_id: int, language: str | None, chat_id: int, message_id: int
    ) -> None:
        """A version per language; sending one again for a language replaces it."""
        async with self._repo.transaction() as db:
            async with db.execute(
                "SELECT position FROM broadcast_versions WHERE broadcast_id = ? "
                "AND language IS ?",
                (broadcast_id, language),
            ) as cur:
                row = await cur.fetchone()
            if row is not None:
                position = row[0]
            else:
                async with db.execute(
                    "SELECT COALESCE(MAX(position), 0) + 1 FROM broadcast_versions "
                    "WHERE broadcast_id = ?",
                    (broadcast_id,),
                ) as cur:
                    found = await cur.fetchone()
                position = found[0] if found else 1
            await db.execute(
                "INSERT OR REPLACE INTO broadcast_versions "
                "(broadcast_id, position, language, chat_id, message_id) VALUES (?, ?, ?, ?, ?)",
                (broadcast_id, position, language, chat_id, message_id),
            )
            await db.execute("UPDATE broadcasts SET awaiting = NULL WHERE id = ?", (broadcast_id,))

    async def versions(self, broadcast_id: int) -> list[Version]:
        rows = await self._all(
            "SELECT * FROM broadcast_versions WHERE broadcast_id = ? ORDER BY position",
            (broadcast_id,),
        )
        return [Version(r["position"], r["language"], r["chat_id"], r["message_id"]) for r in rows]

    async def delete_draft(self, broadcast_id: int) -> bool:
        cur = await self._db.execute(
            "DELETE FROM broadcasts WHERE id = ? AND status = 'draft'", (broadcast_id,)
        )
        return cur.rowcount > 0

    async def schedule(self, broadcast_id: int, when: datetime) -> bool:
        cur = await self._db.execute(
            "UPDATE broadcasts SET status = 'scheduled', scheduled_for = ?, awaiting = NULL "
            "WHERE id = ? AND status = 'draft'",
            (_ts(when), broadcast_id),
        )
        return cur.rowcount > 0

    # --- audience -------------------------------------------------------------------
    async def _where(self, audience: Audience, exclude: int | None) -> tuple[str, list[Any]]:
        clauses = ["p.onboarded = 1"]
        args: list[Any] = []
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

    async def count_audience(self, audience: Audience, exclude: int | None) -> tuple[int, int]:
        """(active people matching, inactive people matching)."""
        where, args = await self._where(audience, exclude)
        row = await self._one(
            f"SELECT COALESCE(SUM(p.active = 1), 0), COALESCE(SUM(p.active = 0), 0) "
            f"FROM participants p WHERE {where}",
            tuple(args),
        )
        return (int(row[0]), int(row[1])) if row else (0, 0)

    # --- delivery -------------------------------------------------------------------
    async def start(self, broadcast_id: int, audience: Audience, now: datetime) -> bool:
        """Draft or scheduled -> sending, writing every recipient row in the same transaction.

        False when it was already started or cancelled (so a double press or a job firing
        twice never addresses anyone twice).
        """
        broadcast = await self.get(broadcast_id)
        if broadcast is None:
            return False
        where, args = await self._where(audience, broadcast.author_id)
        async with self._repo.transaction() as db:
            cur = await db.execute(
                "UPDATE broadcasts SET status = 'sending', started_at = ?, awaiting = NULL "
                "WHERE id = ? AND status IN ('draft', 'scheduled')",
                (_ts(now), broadcast_id),
            )
            if cur.rowcount == 0:
                return False
            await db.execute(
                "INSERT INTO broadcast_recipients "
                "(broadcast_id, user_id, language, status, updated_at) "
                "SELECT ?, p.user_id, p.language, "
                "CASE WHEN p.active = 1 THEN 'pending' ELSE 'skipped' END, ? "
                f"FROM participants p WHERE {where}",
                (broadcast_id, _ts(now), *args),
            )
        return True

    async def pending(self, broadcast_id: int) -> list[Recipient]:
        rows = await self._all(
            "SELECT user_id, language FROM broadcast_recipients "
            "WHERE broadcast_id = ? AND status = 'pending' ORDER BY user_id",
            (broadcast_id,),
        )
        return [Recipient(r["user_id"], r["language"]) for r in rows]

    async def claim(self, broadcast_id: int, user_id: int, now: datetime) -> bool:
        """pending -> sending, committed before the call: a crash then reads 'unknown'."""
        cur = await self._db.execute(
            "UPDATE broadcast_recipients SET status = 'sending', updated_at = ? "
            "WHERE broadcast_id = ? AND user_id = ? AND status = 'pending'",
            (_ts(now), broadcast_id, user_id),
        )
        return cur.rowcount > 0

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
        await self._db.execute(
            "UPDATE broadcast_recipients SET status = ?, attempts = attempts + ?, "
            "message_id = ?, error = ?, updated_at = ? WHERE broadcast_id = ? AND user_id = ?",
            (status, attempts, message_id, error, _ts(now), broadcast_id, user_id),
        )

    async def in_flight_to_unknown(self, broadcast_id: int, now: datetime) -> int:
        """Rows claimed by a process that died mid-call: their outcome is unknown."""
        cur = await self._db.execute(
            "UPDATE broadcast_recipients SET status = 'unknown', updated_at = ?, "
            "attempts = attempts + 1, error = 'interrupted while sending (bot restarted)' "
            "WHERE broadcast_id = ? AND status = 'sending'",
            (_ts(now), broadcast_id),
        )
        return cur.rowcount

    async def finish(self, broadcast_id: int, now: datetime) -> None:
        await self._db.execute(
            "UPDATE broadcasts SET status = 'done', finished_at = ? "
            "WHERE id = ? AND status = 'sending'",
            (_ts(now), broadcast_id),
        )

    async def cancel(self, broadcast_id: int, now: datetime) -> bool:
        """Scheduled or sending -> cancelled; whoever is still pending is not sent to."""
        async with self._repo.transaction() as db:
            cur = await db.execute(
                "UPDATE broadcasts SET status = 'cancelled', finished_at = ? "
                "WHERE id = ? AND status IN ('scheduled', 'sending')",
                (_ts(now), broadcast_id),
            )
            if cur.rowcount == 0:
                return False
            await db.execute(
                "UPDATE broadcast_recipients SET status = 'cancelled', updated_at = ? "
                "WHERE broadcast_id = ? AND status = 'pending'",
                (_ts(now), broadcast_id),
            )
        return True

    async def mark_missed(self, broadcast_id: int, now: datetime) -> bool:
        cur = await self._db.execute(
            "UPDATE broadcasts SET status = 'missed', finished_at = ? "
            "WHERE id = ? AND status = 'scheduled'",
            (_ts(now), broadcast_id),
        )
        return cur.rowcount > 0

    async def set_status_message(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE broadcasts SET status_chat_id = ?, status_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id),
        )

    async def report(self, broadcast_id: int) -> Report:
        report = Report()
        for row in await self._all(
            "SELECT status, COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ? "
            "GROUP BY status",
            (broadcast_id,),
        ):
            report.counts[row[0]] = row[1]
        for row in await self._all(
            "SELECT error, COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ? "
            "AND status = 'failed' GROUP BY error ORDER BY COUNT(*) DESC, error",
            (broadcast_id,),
        ):
            report.reasons[row[0] or "?"] = row[1]
        return report

    async def undelivered(self, broadcast_id: int) -> list[Undelivered]:
        rows = await self._all(
            "SELECT r.user_id, r.status, r.error, p.first_name, p.last_name, p.username "
            "FROM broadcast_recipients r LEFT JOIN participants p ON p.user_id = r.user_id "
            "WHERE r.broadcast_id = ? AND r.status IN ('blocked', 'failed', 'unknown') "
            "ORDER BY r.status, p.first_name, r.user_id",
            (broadcast_id,),
        )
        return [
            Undelivered(
                r["user_id"],
                " ".join(n for n in (r["first_name"], r["last_name"]) if n) or str(r["user_id"]),
                r["status"],
                r["error"],
            )
            for r in rows
        ]

    async def with_status(self, *statuses: str) -> list[Broadcast]:
        rows = await self._all(
            f"SELECT * FROM broadcasts WHERE status IN ({', '.join('?' for _ in statuses)}) "
            "ORDER BY id",
            statuses,
        )
        return [_broadcast(r) for r in rows]

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        rows = await self._all(
            "SELECT * FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT ?", (limit,)
        )
        return [_broadcast(r) for r in rows]

    # --- relay --------------------------------------------------------------------
    async def delivery(self, user_id: int, message_id: int) -> int | None:
        """The broadcast whose copy is message_id in user_id's chat, if any."""
        row = await self._one(
            "SELECT broadcast_id FROM broadcast_recipients WHERE user_id = ? AND message_id = ? "
            "AND status = 'sent' LIMIT 1",
            (user_id, message_id),
        )
        return int(row[0]) if row else None

    async def add_link(self, link: RelayLink, now: datetime) -> None:
        await self._db.execute(
            "INSERT OR REPLACE INTO relay_links "
            "(chat_id, message_id, participant_id, broadcast_id, reply_to, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (link.chat_id, link.message_id, link.participant_id, link.broadcast_id,
             link.reply_to, _ts(now)),
        )  # fmt: skip

    async def link(self, chat_id: int, message_id: int) -> RelayLink | None:
        row = await self._one(
            "SELECT * FROM relay_links WHERE chat_id = ? AND message_id = ?", (chat_id, message_id)
        )
        if row is None:
            return None
        return RelayLink(
            row["chat_id"], row["message_id"], row["participant_id"], row["broadcast_id"],
            row["reply_to"],
        )  # fmt: skip

    async def staff_ids(self, organizer_ids: list[int]) -> list[int]:
        """Facilitators (active) and organizers: who receives relayed replies."""
        rows = await self._all(
            "SELECT user_id FROM participants WHERE role IN ('facilitator', 'organizer') "
            "AND active = 1 ORDER BY user_id"
        )
        ids = [int(r[0]) for r in rows]
        return ids + [o for o in organizer_ids if o not in ids]
