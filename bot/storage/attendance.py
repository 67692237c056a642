"""Attendance SQL: check-ins, corrections (with history), codes, wrong-code attempts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.models import Participant
from bot.storage.base import Store, dt, dt_or_none, ts
from bot.storage.db import Row
from bot.storage.participants import participant


@dataclass(frozen=True, slots=True)
class Record:
    """The current attendance of one person at one session."""

    user_id: int
    session_number: int
    status: str  # 'present', 'late' or 'absent' (absent only via a correction)
    checked_in_at: datetime | None  # the person's own first check-in, if any
    checkin_status: str | None  # what that check-in recorded
    method: str | None  # 'button' or 'command'
    updated_at: datetime


@dataclass(frozen=True)
class Correction:
    user_id: int
    session_number: int
    old_status: str | None
    new_status: str
    reason: str
    corrected_by: int
    corrected_at: datetime


@dataclass(frozen=True)
class Request:
    user_id: int
    session_number: int
    message: str
    requested_at: datetime


def _record(row: Row) -> Record:
    return Record(
        user_id=row["user_id"],
        session_number=row["session_number"],
        status=row["status"],
        checked_in_at=dt_or_none(row["checked_in_at"]),
        checkin_status=row["checkin_status"],
        method=row["method"],
        updated_at=dt(row["updated_at"]),
    )


class AttendanceStore(Store):
    # check-ins

    async def check_in(
        self, user_id: int, session_number: int, status: str, method: str, now: datetime
    ) -> tuple[bool, Record]:
        """(True, new record) the first time; (False, the kept record) on any later try.

        The UNIQUE key decides, so concurrent taps cannot make two rows. One statement (a
        check-in rush is hundreds of these at once, and each holds the write lock).
        """
        while True:
            rows = await self.db.write_returning(
                """
                INSERT INTO attendance (user_id, session_number, status, checked_in_at,
                                        checkin_status, method, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (user_id, session_number) DO NOTHING
                RETURNING *
                """,
                (user_id, session_number, status, ts(now), status, method, ts(now)),
            )
            if rows:
                return True, _record(rows[0])
            kept = await self.get(user_id, session_number)
            if kept is not None:  # else it was deleted in between (/forget): try again
                return False, kept

    async def get(self, user_id: int, session_number: int) -> Record | None:
        rows = await self.db.fetch(
            "SELECT * FROM attendance WHERE user_id = ? AND session_number = ?",
            (user_id, session_number),
        )
        return _record(rows[0]) if rows else None

    async def for_user(self, user_id: int) -> list[Record]:
        rows = await self.db.fetch(
            "SELECT * FROM attendance WHERE user_id = ? ORDER BY session_number", (user_id,)
        )
        return [_record(r) for r in rows]

    async def for_session(self, session_number: int) -> list[Record]:
        rows = await self.db.fetch(
            "SELECT * FROM attendance WHERE session_number = ? ORDER BY user_id",
            (session_number,),
        )
        return [_record(r) for r in rows]

    async def all_records(self) -> list[Record]:
        rows = await self.db.fetch("SELECT * FROM attendance ORDER BY session_number, user_id")
        return [_record(r) for r in rows]

    async def count(self, session_number: int | None = None) -> int:
        if session_number is None:
            rows = await self.db.fetch("SELECT COUNT(*) FROM attendance")
        else:
            rows = await self.db.fetch(
                "SELECT COUNT(*) FROM attendance WHERE session_number = ?", (session_number,)
            )
        return int(rows[0][0])

    # corrections

    async def correct(
        self,
        user_id: int,
        session_number: int,
        new_status: str,
        reason: str,
        by: int,
        now: datetime,
    ) -> str | None:
        """Set the status and keep the change in the history; returns the old status."""
        async with self.db.transaction() as db:
            row = await db.fetchone(
                "SELECT status FROM attendance WHERE user_id = ? AND session_number = ?",
                (user_id, session_number),
            )
            old = row["status"] if row else None
            await db.write(
                """
                INSERT INTO attendance (user_id, session_number, status, updated_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (user_id, session_number) DO UPDATE SET
                    status = excluded.status, updated_at = excluded.updated_at
                """,
                (user_id, session_number, new_status, ts(now)),
            )
            await db.write(
                """
                INSERT INTO attendance_corrections (user_id, session_number, old_status,
                    new_status, reason, corrected_by, corrected_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                (user_id, session_number, old, new_status, reason, by, ts(now)),
            )
        return old

    async def corrections(self) -> list[Correction]:
        rows = await self.db.fetch("SELECT * FROM attendance_corrections ORDER BY id")
        return [
            Correction(
                user_id=r["user_id"],
                session_number=r["session_number"],
                old_status=r["old_status"],
                new_status=r["new_status"],
                reason=r["reason"],
                corrected_by=r["corrected_by"],
                corrected_at=dt(r["corrected_at"]),
            )
            for r in rows
        ]

    async def add_request(
        self, user_id: int, session_number: int, message: str, now: datetime
    ) -> None:
        async with self.db.transaction() as db:
            await db.write(
                "INSERT INTO attendance_requests (user_id, session_number, message, "
                "requested_at) VALUES (?, ?, ?, ?)",
                (user_id, session_number, message, ts(now)),
            )

    async def requests(self) -> list[Request]:
        rows = await self.db.fetch("SELECT * FROM attendance_requests ORDER BY id")
        return [
            Request(r["user_id"], r["session_number"], r["message"], dt(r["requested_at"]))
            for r in rows
        ]

    # codes

    async def set_code(self, session_number: int, code: str, by: int, now: datetime) -> None:
        async with self.db.transaction() as db:
            await db.write(
                """
                INSERT INTO checkin_codes (session_number, code, set_by, set_at)
                VALUES (?, ?, ?, ?)
                ON CONFLICT (session_number) DO UPDATE SET
                    code = excluded.code, set_by = excluded.set_by, set_at = excluded.set_at
                """,
                (session_number, code, by, ts(now)),
            )

    async def clear_code(self, session_number: int) -> bool:
        async with self.db.transaction() as db:
            return await db.write(
                "DELETE FROM checkin_codes WHERE session_number = ?", (session_number,)
            ) > 0

    async def code(self, session_number: int) -> str | None:
        rows = await self.db.fetch(
            "SELECT code FROM checkin_codes WHERE session_number = ?", (session_number,)
        )
        return str(rows[0]["code"]) if rows else None

    async def add_wrong_code(self, user_id: int, session_number: int, now: datetime) -> None:
        async with self.db.transaction() as db:
            await db.write(
                "INSERT INTO checkin_code_failures (user_id, session_number, at) VALUES (?, ?, ?)",
                (user_id, session_number, ts(now)),
            )

    async def wrong_codes_since(self, user_id: int, since: datetime) -> list[datetime]:
        rows = await self.db.fetch(
            "SELECT at FROM checkin_code_failures WHERE user_id = ? AND at > ? ORDER BY at",
            (user_id, ts(since)),
        )
        return [dt(r["at"]) for r in rows]

    # people (read-only views of the participants table)

    async def roster(self) -> list[Participant]:
        """Everyone in a group of the program, whatever their role (a co-facilitator keeps
        their own attendance)."""
        rows = await self.db.fetch(
            "SELECT * FROM participants WHERE grp IS NOT NULL ORDER BY user_id"
        )
        return [participant(r) for r in rows]
