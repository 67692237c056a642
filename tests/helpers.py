"""Shared test helpers: paths, ids, and walking onboarding as a person would."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.emulator import BotMessage, FakeUser
from bot.schedule import Schedule, load_schedule
from bot.services import Services
from bot.storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
ORGANIZER_ID = 900
# The emulator's token (bot/emulator/server.py): no log line of the suite may hold it.
TOKEN = "123456:TEST-TOKEN"

BotRunner = Callable[..., AbstractAsyncContextManager[Services]]

# The backend the suite runs on: unset, SQLite files; a postgresql:// URL (.ci/run starts a
# throwaway server), a fresh schema of that database for every test.
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or None
SCHEMAS: list[str] = []  # dropped at the end of the run (tests/conftest.py)


def with_schema(url: str, schema: str) -> str:
    """The URL with search_path set (asyncpg passes unknown query keys as server settings)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "search_path"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("search_path", schema)])))


async def fresh_database(tmp_path: Path, name: str = "bot.sqlite3") -> Path | str:
    """An empty database on the backend under test: a SQLite file, or a new schema."""
    if TEST_DATABASE_URL is None:
        return tmp_path / name
    import asyncpg

    schema = f"t_{secrets.token_hex(6)}"
    conn = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
    finally:
        await conn.close()
    SCHEMAS.append(schema)
    return with_schema(TEST_DATABASE_URL, schema)


def database_env(database: Path | str) -> dict[str, str]:
    """The environment that points `python -m bot ...` at this database."""
    if isinstance(database, str):
        return {"DATABASE_URL": database}
    return {"DATABASE_PATH": str(database)}


async def dump(db: Database, skip: Iterable[str] = ()) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (rows sorted, so the order of storage does not matter)."""
    return {
        table: sorted((tuple(row) for row in await db.fetch(f"SELECT * FROM {table}")), key=repr)
        for table in await db.tables() if table not in set(skip)
    }


async def onboard(user: FakeUser, lang_button: str, country_button: str,
                  zone_button: str | None = None) -> None:
    """Walk /start with button presses, as a person would."""
    await user.send("/start")
    await user.press(lang_button)
    await user.press(country_button)
    if zone_button is not None:
        await user.press(zone_button)
    await skip_profile_questions(user)


async def skip_profile_questions(user: FakeUser) -> BotMessage:
    """Onboarding's optional last questions (organization, then sector): skip both."""
    await user.press("⏭")
    (done,) = await user.press("⏭")
    return done


PROGRAM_START = datetime(2021, 1, 1, tzinfo=UTC)


async def as_core(bot: Services, *users: FakeUser | int, since: datetime = PROGRAM_START,
                  group: str = "core") -> None:
    """Put people in a group, as their invitation would have (since the program's start,
    unless said otherwise): tests that onboard openly and need core members."""
    for user in users:
        user_id = user if isinstance(user, int) else user.id
        await bot.repo.participants.update(user_id, bot.clock.now(), grp=group,
                                           joined_via="invite", joined_at=since)


async def core_members(bot: Services, user_ids: list[int], since: datetime = PROGRAM_START
                       ) -> None:
    """People already in the core group who have not written to the bot yet."""
    for user_id in user_ids:
        await bot.repo.participants.ensure(user_id, first_name=f"P{user_id}", last_name=None,
                                           username=None, now=bot.clock.now())
    await as_core(bot, *user_ids, since=since)


def schedule_with_min_answers(minimum: int) -> Schedule:
    """schedule.json with after_session.min_answers_shown set (the feedback anonymity
    minimum): tests that read the figures of one or two answers use 1."""
    base = load_schedule(ROOT / "schedule.json")
    return base.model_copy(update={"after_session": base.after_session.model_copy(
        update={"min_answers_shown": minimum})})
