"""Networking SQL: profiles (opt-in), introduction requests, people hidden for good, the
pre-session nudge claims, and breakout plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.storage.base import Store, dt, dt_or_none, marks, ts
from bot.storage.db import Row

RequestStatus = Literal["open", "accepted", "declined", "withdrawn"]


@dataclass(frozen=True)
class Profile:
    id: int  # what buttons carry: never the Telegram id
    user_id: int
    visible: bool
    offers: tuple[str, ...]  # topic keys
    seeks: tuple[str, ...]
    languages: tuple[str, ...]  # spoken besides the bot language
    note: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Request:
    id: int
    from_user: int
    to_user: int
    note: str | None
    status: RequestStatus
    created_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True)
class Plan:
    id: int
    session: int
    rooms: int
    created_by: int
    confirmed_at: datetime | None
    members: dict[int, int]  # user id -> room (1-based)


def _keys(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _profile(row: Row) -> Profile:
    return Profile(row["id"], row["user_id"], bool(row["visible"]), _keys(row["offers"]),
                   _keys(row["seeks"]), _keys(row["languages"]), row["note"],
                   dt(row["updated_at"]))


def _request(row: Row) -> Request:
    return Request(row["id"], row["from_user"], row["to_user"], row["note"], row["status"],
                   dt(row["created_at"]), dt_or_none(row["answered_at"]))


class NetworkStore(Store):
    # profiles ------------------------------------------------------------------------

    async def profile(self, user_id: int) -> Profile | None:
        row = await self.db.fetchone("SELECT * FROM network_profiles WHERE user_id = ?",
                                     (user_id,))
        return _profile(row) if row else None

    async def profile_by_id(self, profile_id: int) -> Profile | None:
        row = await self.db.fetchone("SELECT * FROM network_profiles WHERE id = ?",
                                     (profile_id,))
        return _profile(row) if row else None

    async def profiles(self, visible_only: bool = True) -> list[Profile]:
        sql = "SELECT * FROM network_profiles"
        if visible_only:
            sql += " WHERE visible = 1"
        return [_profile(r) for r in await self.db.fetch(sql + " ORDER BY id")]

    async def save(self, user_id: int, now: datetime, *, offers: tuple[str, ...] | None = None,
                   seeks: tuple[str, ...] | None = None,
                   languages: tuple[str, ...] | None = None,
                   note: str | None | Literal[False] = False) -> Profile:
        """Create the (hidden) profile on first use, then change the fields given."""
        await self.db.write(
            "INSERT INTO network_profiles (user_id, updated_at) VALUES (?, ?) "
            "ON CONFLICT (user_id) DO NOTHING", (user_id, ts(now)))
        changes: dict[str, object] = {}
        for column, keys in (("offers", offers), ("seeks", seeks), ("languages", languages)):
            if keys is not None:
                changes[column] = " ".join(keys)
        if note is not False:
            changes["note"] = note
        if changes:
            assignments = ", ".join(f"{c} = ?" for c in changes)
            await self.db.write(
                f"UPDATE network_profiles SET {assignments}, updated_at = ? WHERE user_id = ?",
                (*changes.values(), ts(now), user_id))
        found = await self.profile(user_id)
        assert found is not None
        return found

    async def set_visible(self, user_id: int, visible: bool, now: datetime) -> None:
        """Turning it off hides the profile at once and withdraws the person's open requests
        (their card was shown in them)."""
        async with self.db.transaction() as db:
            await self.save(user_id, now)
            await db.write(
                "UPDATE network_profiles SET visible = ?, updated_at = ? WHERE user_id = ?",
                (1 if visible else 0, ts(now), user_id))
            if not visible:
                await db.write(
                    "UPDATE network_requests SET status = 'withdrawn', answered_at = ? "
                    "WHERE from_user = ? AND status = 'open'", (ts(now), user_id))

    # requests --------------------------------------------------------------------------

    async def request(self, request_id: int) -> Request | None:
        row = await self.db.fetchone("SELECT * FROM network_requests WHERE id = ?",
                                     (request_id,))
        return _request(row) if row else None

    async def between(self, from_user: int, to_user: int) -> Request | None:
        row = await self.db.fetchone(
            "SELECT * FROM network_requests WHERE from_user = ? AND to_user = ?",
            (from_user, to_user))
        return _request(row) if row else None

    async def open_count(self, from_user: int) -> int:
        return int(await self.db.fetchval(
            "SELECT COUNT(*) FROM network_requests WHERE from_user = ? AND status = 'open'",
            (from_user,)) or 0)

    async def add_request(self, from_user: int, to_user: int, note: str | None,
                          now: datetime, limit: int) -> int | None:
        """A new open request; None when one exists for the pair or `limit` are open."""
        async with self.db.transaction() as db:
            if await self.open_count(from_user) >= limit:
                return None
            before = await self.between(from_user, to_user)
            if before is not None:
                return None
            return await db.insert(
                "INSERT INTO network_requests (from_user, to_user, note, created_at) "
                "VALUES (?, ?, ?, ?)", (from_user, to_user, note, ts(now)))

    async def answer(self, request_id: int, status: RequestStatus, now: datetime) -> bool:
        """open -> accepted or declined, once (a second tap changes nothing)."""
        return await self.db.write(
            "UPDATE network_requests SET status = ?, answered_at = ? "
            "WHERE id = ? AND status = 'open'", (status, ts(now), request_id)) > 0

    async def requests(self) -> list[Request]:
        return [_request(r) for r in await self.db.fetch(
            "SELECT * FROM network_requests ORDER BY id")]

    async def hide(self, user_id: int, hidden_user: int, now: datetime) -> None:
        await self.db.write(
            "INSERT INTO network_hidden (user_id, hidden_user, at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id, hidden_user) DO NOTHING", (user_id, hidden_user, ts(now)))

    async def hidden_between(self, a: int, b: int) -> bool:
        return await self.db.fetchone(
            "SELECT 1 FROM network_hidden WHERE (user_id = ? AND hidden_user = ?) "
            "OR (user_id = ? AND hidden_user = ?)", (a, b, b, a)) is not None

    async def excluded(self, user_id: int) -> set[int]:
        """Never suggested to this person again: anyone they asked or who asked them (open,
        accepted, declined or withdrawn), and anyone hidden by either of them."""
        rows = await self.db.fetch(
            "SELECT to_user FROM network_requests WHERE from_user = ? "
            "UNION SELECT from_user FROM network_requests WHERE to_user = ? "
            "UNION SELECT hidden_user FROM network_hidden WHERE user_id = ? "
            "UNION SELECT user_id FROM network_hidden WHERE hidden_user = ?",
            (user_id,) * 4)
        return {r[0] for r in rows}

    # the pre-session nudge: one row per (session, person), claimed before sending --------

    async def nudged(self, session: int) -> set[int]:
        rows = await self.db.fetch("SELECT user_id FROM network_nudges WHERE session = ?",
                                   (session,))
        return {r[0] for r in rows}

    async def claim_nudge(self, session: int, user_id: int, kind: str, now: datetime) -> bool:
        return await self.db.write(
            "INSERT INTO network_nudges (session, user_id, kind, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (session, user_id) DO NOTHING", (session, user_id, kind, ts(now))) > 0

    async def nudge_outcome(self, session: int, user_id: int, outcome: str) -> None:
        await self.db.write(
            "UPDATE network_nudges SET outcome = ? WHERE session = ? AND user_id = ?",
            (outcome, session, user_id))

    async def nudges_in_flight_to_unknown(self, now: datetime) -> int:
        """At start: nudges claimed (a row, no outcome) by a process that stopped mid-send."""
        return await self.db.write(
            "UPDATE network_nudges SET outcome = 'unknown' WHERE outcome IS NULL")

    # breakouts ---------------------------------------------------------------------------

    async def members_in_flight_to_unknown(self, now: datetime) -> int:
        """At start: room messages cut off mid-send."""
        return await self.db.write(
            "UPDATE breakout_members SET status = 'unknown' WHERE status = 'sending'")

    async def add_plan(self, session: int, rooms: list[list[int]], created_by: int,
                       now: datetime) -> int:
        async with self.db.transaction() as db:
            plan_id = await db.insert(
                "INSERT INTO breakout_plans (session, rooms, created_by, created_at) "
                "VALUES (?, ?, ?, ?)", (session, len(rooms), created_by, ts(now)))
            await db.write_many(
                "INSERT INTO breakout_members (plan_id, user_id, room) VALUES (?, ?, ?)",
                [(plan_id, uid, n) for n, room in enumerate(rooms, start=1) for uid in room])
        return plan_id

    async def plan(self, plan_id: int) -> Plan | None:
        row = await self.db.fetchone("SELECT * FROM breakout_plans WHERE id = ?", (plan_id,))
        if row is None:
            return None
        members = await self.db.fetch(
            "SELECT user_id, room FROM breakout_members WHERE plan_id = ? ORDER BY room, user_id",
            (plan_id,))
        return Plan(row["id"], row["session"], row["rooms"], row["created_by"],
                    dt_or_none(row["confirmed_at"]), {m[0]: m[1] for m in members})

    async def confirm_plan(self, plan_id: int, now: datetime) -> bool:
        """Once: a second confirmation (double tap, old message) sends nothing again."""
        return await self.db.write(
            "UPDATE breakout_plans SET confirmed_at = ? WHERE id = ? AND confirmed_at IS NULL",
            (ts(now), plan_id)) > 0

    async def delete_plan(self, plan_id: int) -> None:
        """A proposal cancelled before it was sent (its members go with it)."""
        await self.db.write(
            "DELETE FROM breakout_plans WHERE id = ? AND confirmed_at IS NULL", (plan_id,))

    async def pending_members(self, plan_id: int) -> list[int]:
        rows = await self.db.fetch(
            "SELECT user_id FROM breakout_members WHERE plan_id = ? AND status = 'pending' "
            "ORDER BY user_id", (plan_id,))
        return [r[0] for r in rows]

    async def claim_member(self, plan_id: int, user_id: int) -> bool:
        return await self.db.write(
            "UPDATE breakout_members SET status = 'sending' "
            "WHERE plan_id = ? AND user_id = ? AND status = 'pending'", (plan_id, user_id)) > 0

    async def member_outcome(self, plan_id: int, user_id: int, status: str) -> None:
        await self.db.write(
            "UPDATE breakout_members SET status = ? WHERE plan_id = ? AND user_id = ?",
            (status, plan_id, user_id))

    async def member_counts(self, plan_id: int) -> dict[str, int]:
        rows = await self.db.fetch(
            "SELECT status, COUNT(*) FROM breakout_members WHERE plan_id = ? GROUP BY status",
            (plan_id,))
        return {r[0]: r[1] for r in rows}

    async def topics_of(self, user_ids: list[int]) -> dict[int, Profile]:
        """Profiles (visible or not) of these people, for breakouts and stats."""
        if not user_ids:
            return {}
        rows = await self.db.fetch(
            f"SELECT * FROM network_profiles WHERE user_id IN ({marks(user_ids)})",
            tuple(user_ids))
        return {r["user_id"]: _profile(r) for r in rows}
