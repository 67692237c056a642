"""Broadcast storage: drafts, versions, one row per recipient, and the reply relay."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

from bot.schedule import Schedule
from bot.storage.base import Store, dt, dt_or_none, ts
from bot.storage.db import Row

GROUPS = ("core", "wider")
# "absent": did not check in to session N; "present": did (present or late).
AttendanceKind = Literal["absent", "present"]
BroadcastStatus = Literal["draft", "scheduled", "sending", "done", "cancelled", "missed"]
# pending -> sending (claimed, the call is under way) -> sent/blocked/failed/unknown.
RecipientStatus = Literal[
    "pending", "sending", "sent", "blocked", "failed", "unknown", "skipped", "cancelled"
]


@dataclass(frozen=True)
class Audience:
    """Filters combined with AND across kinds and OR within one kind; none = everyone."""

    groups: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    attendance: tuple[AttendanceKind, int] | None = None

    @property
    def everyone(self) -> bool:
        return self == Audience()

    def toggle(self, kind: Literal["groups", "countries", "languages"], value: str) -> Audience:
        current: frozenset[str] = getattr(self, kind)
        changed = current - {value} if value in current else current | {value}
        if kind == "groups":
            return replace(self, groups=changed)
        if kind == "countries":
            return replace(self, countries=changed)
        return replace(self, languages=changed)

    def with_attendance(self, kind: AttendanceKind, session: int) -> Audience:
        """Choosing the same criterion again removes it."""
        chosen = (kind, session)
        return replace(self, attendance=None if self.attendance == chosen else chosen)

    def effective(self, schedule: Schedule) -> Audience:
        """'Did not check in' to a core-only session means core members who did not."""
        if self.attendance and self.attendance[0] == "absent":
            session = schedule.session(self.attendance[1])
            if session is not None and session.audience == "core" and not self.groups:
                return replace(self, groups=frozenset({"core"}))
        return self

    def to_json(self) -> str:
        return json.dumps(
            {
                "groups": sorted(self.groups),
                "countries": sorted(self.countries),
                "languages": sorted(self.languages),
                "attendance": list(self.attendance) if self.attendance else None,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> Audience:
        data = json.loads(text or "{}")
        attendance = data.get("attendance")
        return cls(
            groups=frozenset(data.get("groups") or ()),
            countries=frozenset(data.get("countries") or ()),
            languages=frozenset(data.get("languages") or ()),
            attendance=(attendance[0], int(attendance[1])) if attendance else None,
        )


@dataclass(frozen=True)
class Version:
    """One copy source: a message in the author's chat, for one language (None: default)."""

    position: int
    language: str | None
    chat_id: int
    message_id: int


def pick_version(versions: list[Version], language: str | None) -> Version:
    """The recipient's language if there is a version in it, else the first one."""
    for version in versions:
        if version.language is not None and version.language == language:
            return version
    return versions[0]


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # failed: error -> how many

    def __getitem__(self, status: str) -> int:
        return self.counts[status]

    @property
    def total(self) -> int:
        """Everyone the broadcast is addressed to (skipped inactive people not included)."""
        return sum(n for status, n in self.counts.items() if status != "skipped")

    @property
    def done(self) -> int:
        return sum(self.counts[s] for s in ("sent", "blocked", "failed", "unknown", "cancelled"))




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


def _broadcast(row: Row) -> Broadcast:
    return Broadcast(
        id=row["id"],
        author_id=row["author_id"],
        status=row["status"],
        audience=Audience.from_json(row["audience"]),
        awaiting=row["awaiting"],
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

    async def set_awaiting(self, broadcast_id: int, awaiting: str | None) -> None:
        await self.db.write(
            "UPDATE broadcasts SET awaiting = ? WHERE id = ? AND status = 'draft'",
            (awaiting, broadcast_id),
        )

    async def awaiting_draft(self, author_id: int) -> Broadcast | None:
        row = await self.db.fetchone(
            "SELECT * FROM broadcasts WHERE author_id = ? AND status = 'draft' "
            "AND awaiting IS NOT NULL ORDER BY id DESC LIMIT 1",
            (author_id,),
        )
        return _broadcast(row) if row else None

    async def add_version(
        self, broadcast_id: int, language: str | None, chat_id: int, message_id: int
    ) -> None:
        """A version per language; sending one again for a language replaces it."""
        async with self.db.transaction() as db:
            row = await db.fetchone(
                "SELECT position FROM broadcast_versions WHERE broadcast_id = ? "
                "AND language IS ?",
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
            await db.write("UPDATE broadcasts SET awaiting = NULL WHERE id = ?", (broadcast_id,))

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
            "UPDATE broadcasts SET status = 'scheduled', scheduled_for = ?, awaiting = NULL "
            "WHERE id = ? AND status = 'draft'",
            (ts(when), broadcast_id),
        ) > 0

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
        row = await self.db.fetchone(
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
        async with self.db.transaction() as db:
            changed = await db.write(
                "UPDATE broadcasts SET status = 'sending', started_at = ?, awaiting = NULL "
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

    async def in_flight_to_unknown(self, broadcast_id: int, now: datetime) -> int:
        """Rows claimed by a process that died mid-call: their outcome is unknown."""
        return await self.db.write(
            "UPDATE broadcast_recipients SET status = 'unknown', updated_at = ?, "
            "attempts = attempts + 1, error = 'interrupted while sending (bot restarted)' "
            "WHERE broadcast_id = ? AND status = 'sending'",
            (ts(now), broadcast_id),
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
        rows = await self.db.fetch(
            f"SELECT * FROM broadcasts WHERE status IN ({', '.join('?' for _ in statuses)}) "
            "ORDER BY id",
            statuses,
        )
        return [_broadcast(r) for r in rows]

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        rows = await self.db.fetch(
            "SELECT * FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT ?", (limit,)
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
            "(chat_id, message_id, participant_id, broadcast_id, reply_to, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, message_id) DO UPDATE SET "
            "participant_id = excluded.participant_id, broadcast_id = excluded.broadcast_id, "
            "reply_to = excluded.reply_to, created_at = excluded.created_at",
            (link.chat_id, link.message_id, link.participant_id, link.broadcast_id,
             link.reply_to, ts(now)),
        )  # fmt: skip

    async def link(self, chat_id: int, message_id: int) -> RelayLink | None:
        row = await self.db.fetchone(
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
        rows = await self.db.fetch(
            "SELECT user_id FROM participants WHERE role IN ('facilitator', 'organizer') "
            "AND active = 1 ORDER BY user_id"
        )
        ids = [int(r[0]) for r in rows]
        return ids + [o for o in organizer_ids if o not in ids]
