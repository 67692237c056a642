"""SQL for early warnings: the staff's digest setting (bot/warnings)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from bot.storage.base import Store, ts

Mode = Literal["session", "weekly", "off"]
DEFAULT: Mode = "session"


class WarningStore(Store):
    async def modes(self) -> dict[int, str]:
        """Every staff member's choice; people without a row get DEFAULT."""
        rows = await self.db.fetch("SELECT user_id, mode FROM digest_settings")
        return {row[0]: row[1] for row in rows}

    async def mode(self, user_id: int) -> str:
        row = await self.db.fetchone("SELECT mode FROM digest_settings WHERE user_id = ?",
                                     (user_id,))
        return row[0] if row else DEFAULT

    async def set_mode(self, user_id: int, mode: Mode, now: datetime) -> None:
        await self.db.write(
            "INSERT INTO digest_settings (user_id, mode, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET mode = excluded.mode, "
            "updated_at = excluded.updated_at",
            (user_id, mode, ts(now)),
        )
