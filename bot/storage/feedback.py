"""Session feedback: one answer per person and session (a 1-5 rating and an optional comment),
the latest wins. The person's country, group and language are kept as they were when they
answered, so per-country figures stay right after a move or a /forget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.base import Store, dt, ts
from bot.storage.db import Row


@dataclass(frozen=True)
class FeedbackRow:
    session: int
    user_id: int  # after /forget: a random negative id (the answer still counts)
    country: str | None
    group: str | None
    language: str | None
    rating: int  # 1 to 5
    comment: str | None
    answered_at: datetime  # the latest change (rating or comment), UTC


def _row(r: Row) -> FeedbackRow:
    return FeedbackRow(r["session_number"], r["user_id"], r["country"], r["grp"],
                       r["language"], r["rating"], r["comment"], dt(r["answered_at"]))


class FeedbackStore(Store):
    async def rate(self, user_id: int, session: int, rating: int, *, country: str | None,
                   group: str | None, language: str | None, now: datetime) -> None:
        """A new rating replaces the earlier one; an earlier comment stays."""
        await self.db.write(
            "INSERT INTO session_feedback (session_number, user_id, country, grp, language,"
            " rating, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (session_number, user_id) DO UPDATE SET rating = excluded.rating,"
            " country = excluded.country, grp = excluded.grp, language = excluded.language,"
            " answered_at = excluded.answered_at",
            (session, user_id, country, group, language, rating, ts(now)),
        )

    async def comment(self, user_id: int, session: int, text: str, now: datetime) -> bool:
        """Set the comment of an existing answer (False: no rating yet)."""
        return await self.db.write(
            "UPDATE session_feedback SET comment = ?, answered_at = ?"
            " WHERE session_number = ? AND user_id = ?",
            (text, ts(now), session, user_id),
        ) == 1

    async def get(self, user_id: int, session: int) -> FeedbackRow | None:
        row = await self.db.fetchone(
            "SELECT * FROM session_feedback WHERE session_number = ? AND user_id = ?",
            (session, user_id),
        )
        return _row(row) if row else None

    async def ratings(self, session: int | None = None) -> list[FeedbackRow]:
        """Every answer (of one session, or all), newest first."""
        if session is None:
            rows = await self.db.fetch(
                "SELECT * FROM session_feedback ORDER BY answered_at DESC, session_number")
        else:
            rows = await self.db.fetch(
                "SELECT * FROM session_feedback WHERE session_number = ?"
                " ORDER BY answered_at DESC", (session,))
        return [_row(r) for r in rows]
