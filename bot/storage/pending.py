"""Typed input the bot is waiting for: one row per (person, chat), so it survives a restart.

`kind` names the feature's question (e.g. "goal", "checkin_code", "zone"); `data` is the JSON
state of that question (a guided form's answers so far).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.storage.base import Store, ts


@dataclass(frozen=True)
class Pending:
    user_id: int
    chat_id: int
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


class PendingStore(Store):
    async def get(self, user_id: int, chat_id: int) -> Pending | None:
        row = await self.db.fetchone(
            "SELECT kind, data FROM pending_input WHERE user_id = ? AND chat_id = ?",
            (user_id, chat_id),
        )
        if row is None:
            return None
        return Pending(user_id, chat_id, row["kind"], json.loads(row["data"] or "{}"))

    async def set(self, user_id: int, chat_id: int, kind: str, data: dict[str, Any],
                  now: datetime) -> Pending:
        """Wait for this (replaces whatever was awaited before in this chat)."""
        await self.db.write(
            "INSERT INTO pending_input (user_id, chat_id, kind, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, chat_id) DO UPDATE SET "
            "kind = excluded.kind, data = excluded.data, updated_at = excluded.updated_at",
            (user_id, chat_id, kind, json.dumps(data, ensure_ascii=False), ts(now)),
        )
        return Pending(user_id, chat_id, kind, data)

    async def clear(self, user_id: int, chat_id: int, kind: str | None = None) -> bool:
        """Stop waiting (only for `kind`, when given)."""
        if kind is None:
            return await self.db.write(
                "DELETE FROM pending_input WHERE user_id = ? AND chat_id = ?", (user_id, chat_id)
            ) > 0
        return await self.db.write(
            "DELETE FROM pending_input WHERE user_id = ? AND chat_id = ? AND kind = ?",
            (user_id, chat_id, kind),
        ) > 0
