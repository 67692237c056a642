"""The roster: one row per person an organizer imported, each with a personal, single-use
invitation (a row of `invitations` with max_uses 1). Importing is all or nothing, and again
is idempotent: a row is found by its key (e-mail, else name and country); a row given an
e-mail it did not have is still found, by name and country.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from bot.models import Group
from bot.storage.base import Store, dt, dt_or_none, ts
from bot.storage.db import Database, Row

StaffRole = Literal["facilitator", "cofacilitator", "organizer"]
Outcome = Literal["new", "unchanged", "updated", "joined"]


@dataclass(frozen=True)
class RosterEntry:
    """What one roster line says about a person (the data compared on a re-import)."""

    key: str = field(compare=False)  # 'email:<e-mail>' or the name key
    name_key: str = field(compare=False)  # 'name:<folded name>|<country>'
    name: str
    country: str
    group: Group
    language: str
    organization: str | None = None
    sector: str | None = None
    email: str | None = None
    role: StaffRole | None = None


@dataclass(frozen=True)
class Imported:
    entry: RosterEntry
    code: str
    expires_at: datetime
    status: Outcome
    user_id: int | None = None  # who joined with the link


@dataclass(frozen=True)
class Joined:
    entry: RosterEntry
    first: bool  # the first opening of the link (the roster's data was just applied)
    created_by: int


def _entry(row: Row) -> RosterEntry:
    return RosterEntry(
        key=row["entry_key"], name_key=row["name_key"], name=row["name"],
        country=row["country"], group=row["grp"], language=row["language"],
        organization=row["organization"], sector=row["sector"], email=row["email"],
        role=row["role"],
    )


async def _new_invitation(db: Database, code: str, e: RosterEntry, expires_at: datetime,
                          by: int, now: datetime) -> None:
    await db.write(
        "INSERT INTO invitations (code, grp, country, max_uses, uses, expires_at, created_by, "
        "created_at) VALUES (?, ?, ?, 1, 0, ?, ?, ?)",
        (code, e.group, e.country, ts(expires_at), by, ts(now)),
    )


class RosterStore(Store):
    async def apply(self, entries: list[RosterEntry], *, by: int, now: datetime,
                    expires_at: datetime, new_code: Callable[[], str]) -> list[Imported]:
        """Every entry in one transaction: new ones get a personal link, changed ones are
        updated (their link kept, with the new group and country), links not yet used run
        until at least `expires_at`, people who already joined are left as they are."""
        out: list[Imported] = []
        async with self.db.transaction() as db:
            for e in entries:
                found = ("SELECT r.*, i.expires_at AS inv_expires, i.revoked_at AS inv_revoked "
                         "FROM roster r JOIN invitations i ON i.code = r.code WHERE ")
                row = await db.fetchone(found + "r.entry_key = ?", (e.key,))
                if row is None and e.email is not None:  # the e-mail is new for that row
                    row = await db.fetchone(found + "r.email IS NULL AND r.name_key = ?",
                                            (e.name_key,))
                if row is None:
                    code = new_code()
                    await _new_invitation(db, code, e, expires_at, by, now)
                    await db.write(
                        "INSERT INTO roster (entry_key, name_key, code, name, country, grp, "
                        "language, organization, sector, email, role, created_by, created_at, "
                        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (e.key, e.name_key, code, e.name, e.country, e.group, e.language,
                         e.organization, e.sector, e.email, e.role, by, ts(now), ts(now)))
                    out.append(Imported(e, code, expires_at, "new"))
                    continue
                code, until = row["code"], dt(row["inv_expires"])
                if row["user_id"] is not None:
                    out.append(Imported(_entry(row), code, until, "joined", row["user_id"]))
                    continue
                changed = _entry(row) != e
                if dt_or_none(row["inv_revoked"]) is not None:  # withdrawn in /invites
                    code, changed = new_code(), True
                    await _new_invitation(db, code, e, expires_at, by, now)
                until = max(until, expires_at)
                await db.write(
                    "UPDATE invitations SET grp = ?, country = ?, expires_at = ? WHERE code = ?",
                    (e.group, e.country, ts(until), code))
                if changed:
                    await db.write(
                        "UPDATE roster SET entry_key = ?, name_key = ?, code = ?, name = ?, "
                        "country = ?, grp = ?, language = ?, organization = ?, sector = ?, "
                        "email = ?, role = ?, updated_at = ? WHERE entry_key = ?",
                        (e.key, e.name_key, code, e.name, e.country, e.group, e.language,
                         e.organization, e.sector, e.email, e.role, ts(now), row["entry_key"]))
                out.append(Imported(e, code, until, "updated" if changed else "unchanged"))
        return out

    async def joined(self, code: str, user_id: int, now: datetime) -> Joined | None:
        """After the invitation was redeemed: the first time, the roster's facts become the
        person's (language, printed name, organization, sector); None for other codes."""
        async with self.db.transaction() as db:
            row = await db.fetchone("SELECT * FROM roster WHERE code = ?", (code,))
            if row is None or row["user_id"] not in (None, user_id):
                return None
            e = _entry(row)
            if row["user_id"] is not None:
                return Joined(e, False, row["created_by"])
            await db.write("UPDATE roster SET user_id = ?, joined_at = ? WHERE code = ?",
                           (user_id, ts(now), code))
            await db.write(
                "UPDATE participants SET language = ?, display_name = ?, "
                "organization = COALESCE(?, organization), sector = COALESCE(?, sector), "
                "updated_at = ? WHERE user_id = ?",
                (e.language, e.name, e.organization, e.sector, ts(now), user_id))
        return Joined(e, True, row["created_by"])

    async def entries(self) -> list[Imported]:
        rows = await self.db.fetch(
            "SELECT r.*, i.expires_at AS inv_expires FROM roster r "
            "JOIN invitations i ON i.code = r.code ORDER BY r.created_at, r.entry_key")
        return [Imported(_entry(r), r["code"], dt(r["inv_expires"]),
                         "joined" if r["user_id"] is not None else "unchanged", r["user_id"])
                for r in rows]
