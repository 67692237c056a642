"""Who is in the program: listing, lookup by username, facilitator rights and countries."""

from __future__ import annotations

from datetime import datetime

from bot.models import Participant
from bot.storage.repository import Repository, _participant, _ts

# Someone counts as registered once onboarded, placed in a group, or given a role; a row made
# by a single message of a person turned away (closed registration) does not.
REGISTERED = "(onboarded = 1 OR grp IS NOT NULL OR role != 'participant')"


class People:
    def __init__(self, repo: Repository) -> None:
        self._repo = repo
        self._db = repo._db

    async def registered(self) -> list[Participant]:
        async with self._db.execute(
            f"SELECT * FROM participants WHERE {REGISTERED} "
            "ORDER BY country IS NULL, country, grp IS NULL, grp, "
            "lower(COALESCE(display_name, first_name)), user_id"
        ) as cur:
            return [_participant(row) for row in await cur.fetchall()]

    async def find_by_username(self, username: str) -> Participant | None:
        async with self._db.execute(
            "SELECT * FROM participants WHERE lower(username) = lower(?) "
            "ORDER BY updated_at DESC LIMIT 1",
            (username.lstrip("@"),),
        ) as cur:
            row = await cur.fetchone()
        return _participant(row) if row else None

    async def facilitator_countries(self, user_id: int) -> set[str]:
        async with self._db.execute(
            "SELECT country FROM facilitator_countries WHERE user_id = ?", (user_id,)
        ) as cur:
            return {row[0] for row in await cur.fetchall()}

    async def set_facilitator(self, user_id: int, countries: set[str], now: datetime) -> bool:
        """Facilitator rights, limited to `countries` (empty: all). False if unknown."""
        async with self._repo.transaction() as db:
            cur = await db.execute(
                "UPDATE participants SET role = 'facilitator', updated_at = ? WHERE user_id = ?",
                (_ts(now), user_id),
            )
            if cur.rowcount == 0:
                return False
            await db.execute("DELETE FROM facilitator_countries WHERE user_id = ?", (user_id,))
            await db.executemany(
                "INSERT INTO facilitator_countries (user_id, country) VALUES (?, ?)",
                [(user_id, c) for c in sorted(countries)],
            )
        return True

    async def revoke_facilitator(self, user_id: int, now: datetime) -> bool:
        async with self._repo.transaction() as db:
            cur = await db.execute(
                "UPDATE participants SET role = 'participant', updated_at = ? WHERE user_id = ?",
                (_ts(now), user_id),
            )
            await db.execute("DELETE FROM facilitator_countries WHERE user_id = ?", (user_id,))
        return cur.rowcount > 0

    async def promote_open_registrations(self, now: datetime) -> int:
        """People who joined without invitation before the wider group started join it now."""
        cur = await self._db.execute(
            "UPDATE participants SET grp = 'wider', updated_at = ? "
            "WHERE grp IS NULL AND joined_via = 'open' AND role = 'participant'",
            (_ts(now),),
        )
        return cur.rowcount
