"""Questions to the organizers (/ask): one row per question; the messages relayed for it are
relay_links rows with its question_id (bot/storage/broadcasts.py keeps those)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.storage.base import Store, dt, dt_or_none, ts
from bot.storage.db import Row


@dataclass(frozen=True)
class Question:
    id: int
    user_id: int
    message_id: int  # in the asker's chat
    summary: str  # its first words, or the kind of media
    created_at: datetime
    answered_at: datetime | None
    answered_by: int | None

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


def _question(row: Row) -> Question:
    return Question(row["id"], row["user_id"], row["message_id"], row["summary"],
                    dt(row["created_at"]), dt_or_none(row["answered_at"]), row["answered_by"])


class QuestionStore(Store):
    async def add(self, user_id: int, message_id: int, summary: str, now: datetime) -> int:
        return await self.db.insert(
            "INSERT INTO questions (user_id, message_id, summary, created_at) VALUES (?, ?, ?, ?)",
            (user_id, message_id, summary, ts(now)),
        )

    async def get(self, question_id: int) -> Question | None:
        row = await self.db.fetchone("SELECT * FROM questions WHERE id = ?", (question_id,))
        return _question(row) if row else None

    async def unanswered(self) -> list[Question]:
        """Oldest first: the one waiting longest is at the top."""
        rows = await self.db.fetch(
            "SELECT * FROM questions WHERE answered_at IS NULL ORDER BY created_at, id")
        return [_question(r) for r in rows]

    async def answered(self, question_id: int, by: int, now: datetime) -> bool:
        return await self.db.write(
            "UPDATE questions SET answered_at = ?, answered_by = ? "
            "WHERE id = ? AND answered_at IS NULL",
            (ts(now), by, question_id),
        ) > 0

    async def reopen(self, question_id: int) -> None:
        """The asker wrote again in the thread: it waits for an answer again."""
        await self.db.write(
            "UPDATE questions SET answered_at = NULL, answered_by = NULL WHERE id = ?",
            (question_id,),
        )
