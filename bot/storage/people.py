"""Who is in the program: listing, facilitator rights and their countries, open registrations."""

from __future__ import annotations

from datetime import datetime

from bot.models import Participant
from bot.storage.base import Store, ts
from bot.storage.participants import participant

# Someone counts as registered once onboarded, placed in a group, or given a role; a row made
# by a single message of a person turned away (closed registration) does not.
REGISTERED = "(onboarded = 1 OR grp IS NOT NULL OR role != 'participant')"


class PeopleStore(Store):
    async def registered(self) -> list[Participant]:
        rows = await self.db.fetch(
            f"SELECT * FROM participants WHERE {REGISTERED} "
            "ORDER BY country IS NULL, country, grp IS NULL, grp, "
            "lower(COALESCE(display_name, first_name)), user_id"
        )
        return [participant(row) for row in rows]

    async def facilitator_countries(self, user_id: int) -> set[str]:
        rows = await self.db.fetch(
            "SELECT country FROM facilitator_countries WHERE user_id = ?", (user_id,)
        )
        return {row[0] for row in rows}

    async def set_facilitator(self, user_id: int, countries: set[str], now: datetime) -> bool:
        """Facilitator rights, limited to `countries` (empty: all). False if unknown."""
        async with self.db.transaction() as db:
            changed = await db.write(
                "UPDATE participants SET role = 'facilitator', updated_at = ? WHERE user_id = ?",
                (ts(now), user_id),
            )
            if changed == 0:
                return False
            await db.write("DELETE FROM facilitator_countries WHERE user_id = ?", (user_id,))
            await db.write_many(
                "INSERT INTO facilitator_countries (user_id, country) VALUES (?, ?)",
                [(user_id, c) for c in sorted(countries)],
            )
        return True

    async def revoke_facilitator(self, user_id: int, now: datetime) -> bool:
        async with self.db.transaction() as db:
            changed = await db.write(
                "UPDATE participants SET role = 'participant', updated_at = ? WHERE user_id = ?",
                (ts(now), user_id),
            )
            await db.write("DELETE FROM facilitator_countries WHERE user_id = ?", (user_id,))
        return changed > 0

    async def registered_openly_before(self, when: datetime) -> list[Participant]:
        """Active wider-group members who registered themselves before `when`."""
        rows = await self.db.fetch(
            "SELECT * FROM participants WHERE grp = 'wider' AND joined_via = 'open' "
            "AND active = 1 AND onboarded = 1 AND joined_at < ? ORDER BY user_id",
            (ts(when),),
        )
        return [participant(row) for row in rows]
