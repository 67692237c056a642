"""One database, one program: every start records schedule.json's program.slug if none is
recorded yet (bot/app.py), and `python -m bot` refuses to start with another one (exit 2),
before it migrates, contacts Telegram or tells anyone anything. Running a
new cohort's schedule.json on an earlier cohort's database would count old check-ins for the
new sessions and tell everyone that every session moved (docs/organizers.md, "The next
cohort")."""

from __future__ import annotations

from pathlib import Path

from bot.schedule import Schedule
from bot.storage.db import Database
from bot.storage.operations import OperationsStore


def problem(recorded: str, slug: str, setting: str) -> str | None:
    """One line for the operator, or None when the database is this program's."""
    if recorded == slug:
        return None
    return (f'{setting} holds the program "{recorded}" but schedule.json is "{slug}" '
            "(program.slug): a new cohort needs a new database, with the earlier one in "
            'EARLIER_COHORTS (docs/organizers.md, "The next cohort"); if program.slug was '
            "changed by mistake, set it back")


async def check(database: Path | str, schedule: Schedule) -> str | None:
    setting = "DATABASE_PATH" if isinstance(database, Path) else "DATABASE_URL"
    db = await Database.open(database)
    try:
        recorded = await OperationsStore(db).recorded_slug()
    finally:
        await db.close()
    return None if recorded is None else problem(recorded, schedule.slug, setting)
