"""Invitation codes: create, list, revoke, and redeem (one use per person) in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.models import Group
from bot.storage.base import Store, dt, dt_or_none, ts
from bot.storage.db import Row

Status = Literal["valid", "expired", "used_up", "revoked"]


@dataclass(frozen=True)
class Invitation:
    code: str
    group: Group
    country: str | None  # None: any country (wider group only)
    max_uses: int
    uses: int
    expires_at: datetime
    created_by: int
    created_at: datetime
    revoked_at: datetime | None

    @property
    def uses_left(self) -> int:
        return max(self.max_uses - self.uses, 0)

    def status(self, now: datetime) -> Status:
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        if self.uses_left <= 0:
            return "used_up"
        return "valid"


Redeemed = Status | Literal["unknown", "already_core"]


def _invitation(row: Row) -> Invitation:
    return Invitation(
        code=row["code"],
        group=row["grp"],
        country=row["country"],
        max_uses=row["max_uses"],
        uses=row["uses"],
        expires_at=dt(row["expires_at"]),
        created_by=row["created_by"],
        created_at=dt(row["created_at"]),
        revoked_at=dt_or_none(row["revoked_at"]),
    )


class InvitationStore(Store):
    async def create(self, inv: Invitation) -> None:
        await self.db.write(
            "INSERT INTO invitations (code, grp, country, max_uses, uses, expires_at, "
            "created_by, created_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
            (inv.code, inv.group, inv.country, inv.max_uses, ts(inv.expires_at),
             inv.created_by, ts(inv.created_at)),
        )

    async def get(self, code: str) -> Invitation | None:
        row = await self.db.fetchone("SELECT * FROM invitations WHERE code = ?", (code,))
        return _invitation(row) if row else None

    async def active(self, now: datetime) -> list[Invitation]:
        rows = await self.db.fetch(
            "SELECT * FROM invitations WHERE revoked_at IS NULL AND uses < max_uses "
            "AND expires_at > ? ORDER BY created_at, rowid",
            (ts(now),),
        )
        return [_invitation(row) for row in rows]

    async def revoke(self, code: str, now: datetime) -> bool:
        return await self.db.write(
            "UPDATE invitations SET revoked_at = ? WHERE code = ? AND revoked_at IS NULL",
            (ts(now), code),
        ) > 0

    async def redeem(
        self, code: str, user_id: int, now: datetime
    ) -> tuple[Redeemed, Invitation | None]:
        """Use the code for this person: group and country are set, one use is counted.

        Opening the same link again counts no second use. A core member keeps the core group
        when opening a wider-group link.
        """
        async with self.db.transaction() as db:
            row = await db.fetchone("SELECT * FROM invitations WHERE code = ?", (code,))
            if row is None:
                return "unknown", None
            inv = _invitation(row)
            again = await db.fetchone(
                "SELECT 1 FROM invitation_uses WHERE code = ? AND user_id = ?", (code, user_id)
            ) is not None
            # Someone who already joined with it may open it again, even once it has ended.
            status = "valid" if again else inv.status(now)
            if status != "valid":
                return status, inv
            person = await db.fetchone(
                "SELECT grp FROM participants WHERE user_id = ?", (user_id,)
            )
            if person is not None and person["grp"] == "core" and inv.group == "wider":
                return "already_core", inv
            if not again:
                await db.write(
                    "UPDATE invitations SET uses = uses + 1 WHERE code = ?", (code,)
                )
                await db.write(
                    "INSERT INTO invitation_uses (code, user_id, used_at) VALUES (?, ?, ?)",
                    (code, user_id, ts(now)),
                )
            # Joining a group (or another one) starts the count of their sessions.
            await db.write(
                "UPDATE participants SET grp = ?, country = COALESCE(?, country), "
                "joined_via = 'invite', left_at = NULL, updated_at = ?, "
                "joined_at = CASE WHEN grp = ? THEN COALESCE(joined_at, ?) ELSE ? END "
                "WHERE user_id = ?",
                (inv.group, inv.country, ts(now), inv.group, ts(now), ts(now), user_id),
            )
        return "valid", inv
