"""SQL for coaching: the coachings of each core group, their polls (candidate times in rounds,
each member's latest answer per time) and the check-ins to a booked coaching hour.

Changes of state are optimistic: they name the round and booking count they were decided on,
so two facilitators pressing at once cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from bot.storage.base import Store, dt, dt_or_none, ts

Status = Literal["polling", "booked", "cancelled"]
Answer = Literal["yes", "no"]


@dataclass(frozen=True)
class Coaching:
    id: int
    country: str
    status: Status
    round: int  # the current poll round
    opened_at: datetime  # when the current round's poll went out
    start: datetime | None  # the booked time
    duration_minutes: int
    bookings: int  # times it was given a time (the first booking, then each move)
    coach_id: int
    booked_by: int | None
    tally_chat_id: int | None
    tally_message_id: int | None
    created_at: datetime

    @property
    def end(self) -> datetime | None:
        return self.start + timedelta(minutes=self.duration_minutes) if self.start else None

    @property
    def sequence(self) -> int:
        """iCalendar SEQUENCE: 0 for the first time booked, one more for each new time."""
        return max(self.bookings - 1, 0)


@dataclass(frozen=True)
class Slot:
    id: int
    coaching_id: int
    round: int
    position: int  # 1..5, as shown
    start: datetime


@dataclass(frozen=True)
class CoachingCheckin:
    coaching_id: int
    user_id: int | None  # None once the person used /forget
    status: Literal["present", "late"]
    checked_in_at: datetime
    method: str


@dataclass(frozen=True)
class PendingNotice:
    """A coaching fan-out with recipients still to send (resumed at start)."""

    kind: str
    coaching_id: int
    start: datetime
    offset: int


def _coaching(row: Any) -> Coaching:
    return Coaching(
        row["id"], row["country"], row["status"], row["round"], dt(row["opened_at"]),
        dt_or_none(row["start"]), row["duration_minutes"], row["bookings"], row["coach_id"],
        row["booked_by"], row["tally_chat_id"], row["tally_message_id"], dt(row["created_at"]),
    )


def _slot(row: Any) -> Slot:
    return Slot(row["id"], row["coaching_id"], row["round"], row["position"], dt(row["start"]))


def _checkin(row: Any) -> CoachingCheckin:
    return CoachingCheckin(row["coaching_id"], row["user_id"], row["status"],
                           dt(row["checked_in_at"]), row["method"])


class CoachingStore(Store):
    # coachings

    async def get(self, coaching_id: int) -> Coaching | None:
        row = await self.db.fetchone("SELECT * FROM coachings WHERE id = ?", (coaching_id,))
        return _coaching(row) if row else None

    async def all(self, country: str | None = None) -> list[Coaching]:
        """Oldest first; of one country when given."""
        if country is None:
            rows = await self.db.fetch("SELECT * FROM coachings ORDER BY id")
        else:
            rows = await self.db.fetch(
                "SELECT * FROM coachings WHERE country = ? ORDER BY id", (country,))
        return [_coaching(r) for r in rows]

    async def create(self, country: str, starts: list[datetime], duration_minutes: int,
                     coach_id: int, now: datetime) -> Coaching:
        """A new coaching, polling its first round of candidate times."""
        async with self.db.transaction():
            coaching_id = await self.db.insert(
                "INSERT INTO coachings (country, status, round, opened_at, duration_minutes,"
                " coach_id, created_at, updated_at) VALUES (?, 'polling', 1, ?, ?, ?, ?, ?)",
                (country, ts(now), duration_minutes, coach_id, ts(now), ts(now)),
            )
            await self._add_slots(coaching_id, 1, starts)
        found = await self.get(coaching_id)
        assert found is not None
        return found

    async def _add_slots(self, coaching_id: int, round_: int, starts: list[datetime]) -> None:
        await self.db.write_many(
            "INSERT INTO coaching_slots (coaching_id, round, position, start) VALUES (?, ?, ?, ?)",
            [(coaching_id, round_, i, ts(s)) for i, s in enumerate(starts, start=1)],
        )

    async def new_round(self, c: Coaching, starts: list[datetime], now: datetime) -> bool:
        """Poll new candidate times (a booked time, if any, is given up). False: someone
        changed the coaching first."""
        async with self.db.transaction():
            changed = await self.db.write(
                "UPDATE coachings SET status = 'polling', round = round + 1, opened_at = ?,"
                " start = NULL, updated_at = ? WHERE id = ? AND round = ? AND bookings = ?"
                " AND status IN ('polling', 'booked')",
                (ts(now), ts(now), c.id, c.round, c.bookings),
            )
            if changed:
                await self._add_slots(c.id, c.round + 1, starts)
        return changed == 1

    async def book(self, c: Coaching, start: datetime, by: int, now: datetime) -> bool:
        """Book (or move to) a time. False: someone changed the coaching first."""
        return await self.db.write(
            "UPDATE coachings SET status = 'booked', start = ?, bookings = bookings + 1,"
            " booked_by = ?, updated_at = ? WHERE id = ? AND round = ? AND bookings = ?"
            " AND status IN ('polling', 'booked')",
            (ts(start), by, ts(now), c.id, c.round, c.bookings),
        ) == 1

    async def cancel(self, c: Coaching, now: datetime) -> bool:
        return await self.db.write(
            "UPDATE coachings SET status = 'cancelled', updated_at = ? WHERE id = ?"
            " AND round = ? AND bookings = ? AND status IN ('polling', 'booked')",
            (ts(now), c.id, c.round, c.bookings),
        ) == 1

    async def set_tally(self, coaching_id: int, chat_id: int, message_id: int) -> None:
        await self.db.write(
            "UPDATE coachings SET tally_chat_id = ?, tally_message_id = ? WHERE id = ?",
            (chat_id, message_id, coaching_id),
        )

    # polls

    async def slots(self, coaching_id: int, round_: int) -> list[Slot]:
        rows = await self.db.fetch(
            "SELECT * FROM coaching_slots WHERE coaching_id = ? AND round = ? ORDER BY position",
            (coaching_id, round_),
        )
        return [_slot(r) for r in rows]

    async def slot(self, slot_id: int) -> Slot | None:
        row = await self.db.fetchone("SELECT * FROM coaching_slots WHERE id = ?", (slot_id,))
        return _slot(row) if row else None

    async def answer(self, slot_id: int, user_id: int, answer: Answer, now: datetime) -> None:
        await self.db.write(
            "INSERT INTO coaching_answers (slot_id, user_id, answer, answered_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (slot_id, user_id) DO UPDATE"
            " SET answer = excluded.answer, answered_at = excluded.answered_at",
            (slot_id, user_id, answer, ts(now)),
        )

    async def answers(self, coaching_id: int, round_: int) -> dict[int, dict[int, Answer]]:
        """slot id -> person -> their latest answer, for one round."""
        rows = await self.db.fetch(
            "SELECT a.slot_id, a.user_id, a.answer FROM coaching_answers a"
            " JOIN coaching_slots s ON s.id = a.slot_id"
            " WHERE s.coaching_id = ? AND s.round = ?",
            (coaching_id, round_),
        )
        out: dict[int, dict[int, Answer]] = {}
        for row in rows:
            out.setdefault(row["slot_id"], {})[row["user_id"]] = row["answer"]
        return out

    # check-ins

    async def check_in(self, coaching_id: int, user_id: int, status: str, method: str,
                       now: datetime) -> tuple[bool, CoachingCheckin]:
        """(created, the record): the first check-in stays."""
        created = await self.db.write(
            "INSERT INTO coaching_attendance (coaching_id, user_id, status, checked_in_at,"
            " method) VALUES (?, ?, ?, ?, ?) ON CONFLICT (coaching_id, user_id) DO NOTHING",
            (coaching_id, user_id, status, ts(now), method),
        )
        row = await self.db.fetchone(
            "SELECT * FROM coaching_attendance WHERE coaching_id = ? AND user_id = ?",
            (coaching_id, user_id),
        )
        assert row is not None
        return created == 1, _checkin(row)

    async def checkins(self, coaching_id: int | None = None) -> list[CoachingCheckin]:
        if coaching_id is None:
            rows = await self.db.fetch(
                "SELECT * FROM coaching_attendance ORDER BY coaching_id, checked_in_at")
        else:
            rows = await self.db.fetch(
                "SELECT * FROM coaching_attendance WHERE coaching_id = ? ORDER BY checked_in_at",
                (coaching_id,))
        return [_checkin(r) for r in rows]

    # deliveries (the reminders' table) still to send

    async def pending_notices(self) -> list[PendingNotice]:
        rows = await self.db.fetch(
            "SELECT DISTINCT kind, session_number, session_start, offset_minutes"
            " FROM deliveries WHERE kind LIKE 'coaching%' AND status = 'pending'"
            " ORDER BY session_number, kind"
        )
        return [PendingNotice(r[0], r[1], dt(r[2]), r[3]) for r in rows]

    async def drop_pending(self, key: tuple[str, int, str, int], now: datetime) -> int:
        """A notice that no longer holds (superseded, too late): its unsent rows are skipped."""
        return await self.db.write(
            "UPDATE deliveries SET status = 'skipped', error = 'superseded', updated_at = ?"
            " WHERE kind = ? AND session_number = ? AND session_start = ?"
            " AND offset_minutes = ? AND status = 'pending'",
            (ts(now), *key),
        )
