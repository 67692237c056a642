"""Storage faults never drain work: a broadcast or a reminder waits for the storage and then
goes to everyone exactly once; people get an answer instead of a hang.

Faults are real: a second SQLite connection holding the write lock (BEGIN IMMEDIATE), a file
size limit (RLIMIT_FSIZE, as on a full disk: every write to the files fails), SQLite's
max_page_count (SQLITE_FULL), a deleted database file.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.emulator import BotAPIEmulator, FakeUser
from bot.i18n import I18n
from bot.jobs import fire_due
from bot.schedule import Schedule
from bot.services import Services, get_services
from bot.storage.reminders import DeliveryKey
from tests.helpers import ORGANIZER_ID, ROOT, TEST_DATABASE_URL, BotRunner, core_members

# Faults made for real on SQLite (a second connection's lock, a file size limit, SQLite's
# max_page_count, the file deleted); PostgreSQL's are mapped in bot/storage/postgres.py.
pytestmark = pytest.mark.skipif(TEST_DATABASE_URL is not None, reason="SQLite faults")

COULD_NOT_SAVE = "Sorry, I could not save that just now"
WAITING = "Waiting: the bot cannot save to its database right now."
S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)  # session 3 (core only)


@pytest.fixture
def settings(emulator: BotAPIEmulator, tmp_path: Path) -> Settings:
    return load_settings(
        env_file=None,
        telegram_bot_token=emulator.token,
        bot_api_url=emulator.base_url,
        database_path=tmp_path / "data" / "bot.sqlite3",
        schedule_path=ROOT / "schedule.json",
        organizer_ids=[ORGANIZER_ID],
        send_rate=40,  # slow enough to take the storage away half-way through
        send_chat_interval=0,
    )


@pytest.fixture
def run_bot(settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n) -> BotRunner:
    @asynccontextmanager
    async def _run() -> AsyncIterator[Services]:
        app = setup_application(settings, clock=clock, schedule=schedule, i18n=i18n)
        svc = get_services(app)
        svc.status_interval = 0.1
        svc.sender.storage_backoff = (0.05, 0.3)
        async with running(app):
            svc.repo.db.busy_timeout_ms = 300  # 5 s in production: the same, faster
            yield svc

    return _run


@contextmanager
def write_lock(path: Path) -> Iterator[None]:
    """Another program holds SQLite's write lock (e.g. a backup or a sqlite3 shell)."""
    other = sqlite3.connect(path, isolation_level=None, timeout=10)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def disk_full() -> Iterator[None]:
    """No write to any file of this process goes through (RLIMIT_FSIZE, SIGXFSZ ignored):
    every write SQLite makes fails with an I/O error, as on a full disk."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


async def seed_core(svc: Services, emulator: BotAPIEmulator, ids: range) -> None:
    await core_members(svc, list(ids))
    async with svc.repo.db.transaction() as db:
        await db.write_many("UPDATE participants SET onboarded = 1, language = 'en', "
                            "country = 'GH', zone = 'Africa/Accra' WHERE user_id = ?",
                            [(uid,) for uid in ids])
    for uid in ids:  # the same name as stored: reading them back writes nothing
        emulator.private_chat(emulator.user(uid, "en", first_name=f"P{uid}").json)


async def until(check: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


def received(emulator: BotAPIEmulator, ids: range, text: str) -> dict[int, int]:
    return {uid: sum(text in m.text for m in emulator.messages_to(uid)) for uid in ids}


async def broadcast_statuses(svc: Services) -> dict[str, int]:
    rows = await svc.repo.db.fetch(
        "SELECT status, COUNT(*) FROM broadcast_recipients GROUP BY status")
    return {r[0]: r[1] for r in rows}


async def compose(organizer: FakeUser, text: str) -> None:
    await organizer.send("/broadcast")
    await organizer.press("Core group")
    await organizer.press("Continue")
    await organizer.send(text, expect=3)


@pytest.mark.parametrize("fault", ["lock", "disk full"])
async def test_broadcast_waits_for_storage_then_reaches_everyone_once(
    run_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings, fault: str
) -> None:
    people = range(1000, 1080)
    async with run_bot() as svc:
        await seed_core(svc, emulator, people)
        organizer = emulator.user(ORGANIZER_ID, "en")
        await compose(organizer, "Slides are online")
        status = organizer.last

        def status_now() -> str:  # the status message, edited in place
            return next(m.text for m in organizer.messages if m.message_id == status.message_id)

        await organizer.press("Send now", expect=0)

        def copies() -> int:
            return sum(received(emulator, people, "Slides are online").values())

        await until(lambda: copies() >= 10)
        fails = write_lock(settings.database_path) if fault == "lock" else disk_full()
        with fails:
            # The status message says it waits; nobody is marked sent without a message.
            await until(lambda: WAITING in status_now())
            paused_at = copies()
            await asyncio.sleep(1.0)
            assert copies() <= paused_at + 16  # only the sends already under way
            assert copies() < len(people)
            assert await svc.repo.health() is not None
            # A person's own action is answered at once, not after every queued write.
            participant = emulator.user(1000)
            await participant.send("/reminders")
            started = time.monotonic()
            (answer,) = await participant.press("1 hour before")
            assert answer.text.startswith(COULD_NOT_SAVE)
            assert time.monotonic() - started < 3.0
        await svc.join()
        assert received(emulator, people, "Slides are online") == {uid: 1 for uid in people}
        assert await broadcast_statuses(svc) == {"sent": len(people)}
        final = status_now()
        assert final.splitlines()[:2] == ["📣 Broadcast #1: finished", "✅ Delivered: 80"]
        assert "Still to send" not in final
        assert await svc.repo.health() is None


async def test_reminder_waits_for_a_full_disk_within_its_grace(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    people = range(2000, 2100)
    async with run_bot() as svc:
        await seed_core(svc, emulator, people)
        clock.set(S3 - timedelta(minutes=1))
        await fire_due(svc.app, clock)  # what is due before (a goal nudge) goes first
        db = svc.repo.db
        pages = await db.fetchval("PRAGMA page_count")
        await db.script([f"PRAGMA max_page_count = {pages}"])  # SQLITE_FULL on growth
        clock.set(S3)  # "starting now" for session 3
        firing = asyncio.create_task(fire_due(svc.app, clock))
        await until(lambda: db.failing is not None)
        await asyncio.sleep(0.5)
        assert not firing.done()
        assert received(emulator, people, "Starting now") == {uid: 0 for uid in people}
        await db.script(["PRAGMA max_page_count = 1073741823"])  # space again
        await asyncio.wait_for(firing, 30)
        assert received(emulator, people, "Starting now") == {uid: 1 for uid in people}
        key = DeliveryKey("reminder", 3, S3, 0)
        assert set((await svc.repo.reminders.statuses(key)).values()) == {"sent"}


async def test_reminder_storage_never_back_within_grace_is_dropped_and_logged(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    people = range(2100, 2200)
    async with run_bot() as svc:
        await seed_core(svc, emulator, people)
        clock.set(S3 - timedelta(minutes=1))
        await fire_due(svc.app, clock)
        db = svc.repo.db
        await db.script([f"PRAGMA max_page_count = {await db.fetchval('PRAGMA page_count')}"])
        clock.set(S3)
        firing = asyncio.create_task(fire_due(svc.app, clock))
        await until(lambda: db.failing is not None)
        clock.set(datetime(2021, 3, 24, 14, 31, tzinfo=UTC))  # past the 30 minutes of grace
        with caplog.at_level(logging.ERROR):
            await asyncio.wait_for(firing, 30)
        assert any("storage unavailable past its grace period" in r.getMessage()
                   for r in caplog.records)
        await db.script(["PRAGMA max_page_count = 1073741823"])
        await fire_due(svc.app, clock)
        assert received(emulator, people, "Starting now") == {uid: 0 for uid in people}


async def test_deleted_database_file_is_reported_and_not_written_to(
    run_bot: BotRunner, emulator: BotAPIEmulator, settings: Settings
) -> None:
    async with run_bot() as svc:
        user = emulator.user(3001, "en")
        await user.send("/start")
        assert await svc.repo.health() is None
        settings.database_path.unlink()
        assert await svc.repo.health() == (
            f"the database file {settings.database_path} was deleted")
        (answer,) = await user.press("English")
        assert answer.text.startswith(COULD_NOT_SAVE)
        settings.database_path.write_bytes(b"")  # another file at the same path
        assert "was replaced" in (await svc.repo.health() or "")


def _start(env_overrides: dict[str, str], cwd: Path) -> tuple[int, str]:
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "123:not-used",
           "BOT_API_URL": "http://127.0.0.1:9/bot", "SCHEDULE_PATH": str(ROOT / "schedule.json"),
           **env_overrides}
    proc = subprocess.run([sys.executable, "-m", "bot"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)
    return proc.returncode, proc.stderr


@pytest.mark.e2e  # starts `python -m bot`
def test_start_on_an_unusable_database_path_says_so_in_one_line(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.sqlite3"
    not_sqlite.write_text("these are my notes, not a database\n")
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    cases = [not_sqlite, a_file / "bot.sqlite3", Path("/proc/sske-bot.sqlite3")]
    if os.geteuid() != 0:  # root writes anywhere: /proc stands in for a read-only folder
        read_only = tmp_path / "read-only"
        read_only.mkdir(mode=0o555)
        cases.append(read_only / "bot.sqlite3")
    for path in cases:
        code, stderr = _start({"DATABASE_PATH": str(path)}, tmp_path)
        assert code == 2, stderr
        (line,) = stderr.strip().splitlines()
        assert line.startswith(f"error: DATABASE_PATH: cannot use {path}: "), line
