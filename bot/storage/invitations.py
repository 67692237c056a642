"""Invitation codes: create, list, revoke, and redeem (one use per person) in one transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import aiosqlite

from bot.registration import Invitation, Status
from bot.storage.repository import Repository, _dt, _ts

Redeemed = Status | Literal["unknown", "already_core"]


def _invitation(row: aiosqlite.Row) -> Invitation:
    return Invitation(
        code=row["code"],
        group=row["grp"],
        country=row["country"],
        max_uses=row["max_uses"],
        uses=row["uses"],
        expires_at=_dt(row["expires_at"]),
        created_by=row["created_by"],
        created_at=_dt(row["created_at"]),
        revoked_at=_dt(row["revoked_at"]) if row["revoked_at"] else None,
    )


class Invitations:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._db = repo._db

    async def create(self, inv: Invitation) -> None:
        await self._db.execute(
            "INSERT INTO invitations (code, grp, country, max_uses, uses, expires_at, "
            "created_by, created_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
            (inv.code, inv.group, inv.country, inv.max_uses, _ts(inv.expires_at),
             inv.created_by, _ts(inv.created_at)),
        )

    async def get(self, code: str) -> Invitation | None:
        async with self._db.execute("SELECT * FROM invitations WHERE code = ?", (code,)) as cur:
            row = await cur.fetchone()
        return _invitation(row) if row else None

    async def active(self, now: datetime) -> list[Invitation]:
        async with self._db.execute(
            "SELECT * FROM invitations WHERE revoked_at IS NULL AND uses < max_uses "
            "AND expires_at > ? ORDER BY created_at, rowid",
            (_ts(now),),
        ) as cur:
            return [_invitation(row) for row in await cur.fetchall()]

    async def revoke(self, code: str, now: datetime) -> bool:
        cur = await self._db.execute(
            "UPDATE invitations SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL",
            (_ts(now), code),
        )
        return cur.rowcount > 0

    async def redeem(
        self, code: str, user_id: int, now: datetime
    ) -> tuple[Redeemed, Invitation | None]:
        """Use the code for this person: group and country are set, one use is counted.

        Opening the same link again counts no second use. A core member keeps the core group
        when opening a wider-group link.
        """
        async with self._repo.transaction() as db:
            async with db.execute("SELECT * FROM invitations WHERE code = ?", (code,)) as cur:
                row = await cur.fetchone()
            if row is None:
                return "unknown", None
            inv = _invitation(row)
            async with db.execute(
                "SELECT 1 FROM invitation_uses WHERE code = ? AND user_id = ?", (code, user_id)
            ) as cur:
                again = await cur.fetchone() is not None
            # Someone who already joined with it may open it again, even once it has ended.
            status = "valid" if again else inv.status(now)
            if status != "valid":
                return status, inv
            async with db.execute(
                "SELECT grp FROM participants WHERE user_id = ?", (user_id,)
            ) as cur:
                person = await cur.fetchone()
            if person is not None and person["grp"] == "core" and inv.group == "wider":
                return "already_core", inv
            if not again:
                await db.execute(
                    "UPDATE invitations SET uses = uses + 1 WHERE code = ?", (code,)
                )
                await db.execute(
                    "INSERT INTO invitation_uses (code, user_id, used_at) VALUES (?, ?, ?)",
                    (code, user_id, _ts(now)),
                )
            await db.execute(
                "UPDATE participants SET grp = ?, country = COALESCE(?, country), "
                "joined_via = 'invite', updated_at = ? WHERE user_id = ?",
                (inv.group, inv.country, _ts(now), user_id),
            )
        return "valid", inv
