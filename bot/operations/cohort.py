"""One database, one program: the first start records schedule.json's program.slug, and a
later start with another slug is refused (exit 2) before anyone is told anything. Running a
new cohort's schedule.json on an earlier cohort's database would count old check-ins for the
new sessions and tell everyone that every session moved (docs/organizers.md, "The next
cohort")."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.schedule import Schedule
from bot.storage import Repository


def problem(recorded: str, slug: str, setting: str) -> str | None:
    """One line for the operator, or None when the database is this program's."""
    if recorded == slug:
        return None
    return (f'{setting} holds the program "{recorded}" but schedule.json is "{slug}" '
            "(program.slug): a new cohort needs a new database, with the earlier one in "
            'EARLIER_COHORTS (docs/organizers.md, "The next cohort"); if program.slug was '
            "changed by mistake, set it back")


async def check(database: Path | str, schedule: Schedule, now: datetime) -> str | None:
    setting = "DATABASE_PATH" if isinstance(database, Path) else "DATABASE_URL"
    repo = await Repository.open(database)
    try:
        recorded = await repo.operations.program_slug(schedule.slug, now)
    finally:
        await repo.close()
    return problem(recorded, schedule.slug, setting)
