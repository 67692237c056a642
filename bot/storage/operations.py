"""What an operator asks of storage: people per group, deliveries still pending."""

from __future__ import annotations

from datetime import datetime

from bot.storage.base import Store, ts
from bot.storage.people import REGISTERED


class OperationsStore(Store):
    async def people_per_group(self) -> dict[str, int]:
        """Registered people by group ("core", "wider", "none"); inactive ones counted apart."""
        rows = await self.db.fetch(
            "SELECT COALESCE(grp, 'none') AS g, "
            "SUM(CASE WHEN active = 1 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN active = 1 THEN 0 ELSE 1 END) "
            f"FROM participants WHERE {REGISTERED} GROUP BY COALESCE(grp, 'none')"
        )
        counts = {"core": 0, "wider": 0, "none": 0, "inactive": 0}
        for row in rows:
            counts[row[0]] = int(row[1] or 0)
            counts["inactive"] += int(row[2] or 0)
        return counts

    async def pending(self) -> dict[str, int]:
        """Messages written down but not sent yet: reminders and notices, broadcasts."""
        deliveries = await self.db.fetchval(
            "SELECT COUNT(*) FROM deliveries WHERE status IN ('pending', 'sending')")
        broadcasts = await self.db.fetchval(
            "SELECT COUNT(*) FROM broadcast_recipients r JOIN broadcasts b "
            "ON b.id = r.broadcast_id WHERE b.status = 'sending' "
            "AND r.status IN ('pending', 'sending')")
        return {"deliveries": int(deliveries or 0), "broadcasts": int(broadcasts or 0)}

    async def program_slug(self, slug: str, now: datetime) -> None:
        """Record the program slug this database runs, at its first start (kept after)."""
        await self.db.write(
            "INSERT INTO program_identity (item, value, recorded_at) VALUES ('slug', ?, ?) "
            "ON CONFLICT (item) DO NOTHING",
            (slug, ts(now)),
        )

    async def recorded_slug(self) -> str | None:
        """The program slug recorded at the first start; None before (also before migration
        18: read without migrating, so it can run before the bot starts)."""
        if "program_identity" not in await self.db.tables():
            return None
        value = await self.db.fetchval("SELECT value FROM program_identity WHERE item = 'slug'")
        return str(value) if value is not None else None
