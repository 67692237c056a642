"""Participants: one row per Telegram user who wrote to the bot, and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.models import Participant
from bot.storage.base import Store, dt, dt_or_none, ts
from bot.storage.db import Row

FIELDS = {
    "language", "country", "zone", "grp", "first_name", "last_name", "username",
    "role", "onboarded", "active", "organization", "sector", "display_name", "joined_via",
    "joined_at", "counted", "left_at",
}


def name_sql(alias: str = "p") -> str:
    """A person's name in SQL, as Participant.name gives it: the profile name (/profile),
    else the Telegram name; '' for nobody. The one way stores name people for staff."""
    return (f"COALESCE(NULLIF(TRIM({alias}.display_name), ''), "
            f"TRIM(COALESCE({alias}.first_name, '') || ' ' || COALESCE({alias}.last_name, '')))")


def participant(row: Row) -> Participant:
    """A participants row (SELECT *) as a record; every store that reads people uses this."""
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
        created_at=dt(row["created_at"]),
        updated_at=dt(row["updated_at"]),
        organization=row["organization"],
        sector=row["sector"],
        display_name=row["display_name"],
        joined_via=row["joined_via"],
        joined_at=dt_or_none(row["joined_at"]),
        counted=None if row["counted"] is None else bool(row["counted"]),
        left_at=dt_or_none(row["left_at"]),
    )


class ParticipantStore(Store):
    async def get(self, user_id: int) -> Participant | None:
        row = await self.db.fetchone("SELECT * FROM participants WHERE user_id = ?", (user_id,))
        return participant(row) if row else None

    async def many(self, user_ids: list[int]) -> dict[int, Participant]:
        if not user_ids:
            return {}
        rows = await self.db.fetch(
            f"SELECT * FROM participants WHERE user_id IN ({', '.join('?' * len(user_ids))})",
            tuple(user_ids),
        )
        return {r["user_id"]: participant(r) for r in rows}

    async def everyone(self) -> dict[int, Participant]:
        return {r["user_id"]: participant(r) for r in await self.db.fetch(
            "SELECT * FROM participants")}

    async def ensure(
        self, user_id: int, *, first_name: str, last_name: str | None, username: str | None,
        now: datetime,
    ) -> Participant:
        """Insert on first contact; keep Telegram names fresh afterwards."""
        await self.db.write(
            """
            INSERT INTO participants (user_id, first_name, last_name, username,
                                      created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                first_name = excluded.first_name,
                last_name = excluded.last_name,
                username = excluded.username
            WHERE participants.first_name IS DISTINCT FROM excluded.first_name
               OR participants.last_name IS DISTINCT FROM excluded.last_name
               OR participants.username IS DISTINCT FROM excluded.username
            """,
            (user_id, first_name, last_name, username, ts(now), ts(now)),
        )
        found = await self.get(user_id)
        assert found is not None
        return found

    async def update(self, user_id: int, now: datetime, **fields: Any) -> None:
        unknown = set(fields) - FIELDS
        if unknown:
            raise ValueError(f"unknown participant fields: {sorted(unknown)}")
        if not fields:
            return
        assignments = ", ".join(f"{name} = ?" for name in fields)
        values = [ts(v) if isinstance(v, datetime) else v for v in fields.values()]
        await self.db.write(
            f"UPDATE participants SET {assignments}, updated_at = ? WHERE user_id = ?",
            (*values, ts(now), user_id),
        )

    async def count(self) -> int:
        return int(await self.db.fetchval("SELECT COUNT(*) FROM participants") or 0)

    async def set_role(self, user_id: int, role: str, now: datetime) -> bool:
        """False when the person has never written to the bot."""
        return await self.db.write(
            "UPDATE participants SET role = ?, updated_at = ? WHERE user_id = ?",
            (role, ts(now), user_id),
        ) > 0

    async def find(self, ref: str) -> Participant | None:
        """A Telegram user id, or a @username (case-insensitive; the latest one seen)."""
        ref = ref.strip()
        if ref.isascii() and ref.isdigit() and len(ref) <= 15:
            return await self.get(int(ref))
        row = await self.db.fetchone(
            "SELECT * FROM participants WHERE lower(username) = lower(?) "
            "ORDER BY updated_at DESC LIMIT 1",
            (ref.removeprefix("@"),),
        )
        return participant(row) if row else None

    async def staff(self) -> list[Participant]:
        """Facilitators and organizers granted in the database, active ones."""
        rows = await self.db.fetch(
            "SELECT * FROM participants WHERE role IN ('facilitator', 'organizer') "
            "AND active = 1 ORDER BY user_id"
        )
        return [participant(r) for r in rows]

    # the audit log of privileged actions

    async def audit(
        self, actor_id: int, action: str, now: datetime, target: str | None = None,
        detail: str | None = None,
    ) -> None:
        await self.db.write(
            "INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES (?, ?, ?, ?, ?)",
            (ts(now), actor_id, action, target, detail),
        )

    async def audit_entries(self) -> list[dict[str, Any]]:
        return [dict(row) for row in await self.db.fetch("SELECT * FROM audit_log ORDER BY id")]
