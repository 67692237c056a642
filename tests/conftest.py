"""Shared fixtures: the Bot API emulator over real HTTP, a real SQLite file, a fake clock."""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import jobs as bot_jobs
from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.emulator import BotAPIEmulator
from bot.i18n import I18n
from bot.schedule import Schedule, load_schedule
from bot.services import Services, get_services
from tests.helpers import (
    ORGANIZER_ID,
    ROOT,
    SCHEMAS,
    TEST_DATABASE_URL,
    TOKEN,
    BotRunner,
    fresh_database,
)


class TokenScan(logging.Handler):
    """Every log line of the suite's runs, formatted as a handler would print it."""

    def __init__(self, secrets: set[str]) -> None:
        super().__init__(logging.DEBUG)
        self.secrets = secrets
        self.leaks: list[str] = []
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        if any(secret in line for secret in self.secrets):
            self.leaks.append(line[:500])


@pytest.fixture(scope="session", autouse=True)
def no_token_in_any_log_line() -> Iterator[TokenScan]:
    """The bot token never reaches a log line (bot/redact.py): scanned at INFO, the level the
    bot logs at in production, for the whole run."""
    scan = TokenScan({TOKEN, TOKEN.partition(":")[2]})
    root = logging.getLogger()
    level = root.level
    root.addHandler(scan)
    root.setLevel(logging.INFO)
    yield scan
    root.removeHandler(scan)
    root.setLevel(level)
    assert not scan.leaks, f"the bot token is in {len(scan.leaks)} log lines: {scan.leaks[:3]}"


@pytest.fixture(scope="session")
def i18n() -> I18n:
    return I18n()


@pytest.fixture(scope="session")
def schedule() -> Schedule:
    return load_schedule(ROOT / "schedule.json")


@pytest.fixture
def clock() -> FakeClock:
    # A Saturday before session 3 (Wednesday 24 March 2021, 14:00 UTC).
    return FakeClock(datetime(2021, 3, 20, 12, 0, tzinfo=UTC))


@pytest.fixture(scope="session", autouse=True)
def one_tls_context() -> Iterator[None]:
    """Every Application builds two httpx clients, each loading the CA bundle into a new TLS
    context (about 40 ms of CPU, a third of a start), though the tests speak plain HTTP to
    the emulator: the suite builds that context once. Nothing else about the clients changes."""
    from httpx._transports import default

    build = default.create_ssl_context
    made: dict[tuple[object, ...], ssl.SSLContext] = {}

    def shared(verify: object = True, cert: object = None, trust_env: bool = True
               ) -> ssl.SSLContext:
        if verify is not True or cert is not None:  # an own context: built as asked
            return build(verify=verify, cert=cert, trust_env=trust_env)  # type: ignore[arg-type]
        if trust_env not in made:
            made[trust_env] = build(verify=True, trust_env=trust_env)
        return made[trust_env]

    patch = pytest.MonkeyPatch()
    patch.setattr(default, "create_ssl_context", shared)
    yield
    patch.undo()


# Every ptb Application started in this process and not stopped yet, however the test
# started it (run_bot, bot.app.running, webhook mode...): see track_applications().
RUNNING_APPS: set[Application] = set()


@pytest.fixture(scope="session", autouse=True)
def track_applications() -> Iterator[None]:
    """Note each Application from start() to the end of stop(), for bot_busy()."""
    start, stop = Application.start, Application.stop

    async def tracked_start(app: Application) -> None:
        await start(app)
        RUNNING_APPS.add(app)

    async def tracked_stop(app: Application) -> None:
        try:
            await stop(app)
        finally:
            RUNNING_APPS.discard(app)

    patch = pytest.MonkeyPatch()
    patch.setattr(Application, "start", tracked_start)
    patch.setattr(Application, "stop", tracked_stop)
    yield
    patch.undo()


def app_busy(app: Application) -> bool:
    """True while the Application handles an update (ptb counts a queued update done once its
    handlers return: exact, unlike its update processor's count, which misses an update
    between the queue and its task) or runs work it started with create_task (Services.spawn,
    and handlers that call create_task themselves)."""
    if app.update_queue._unfinished_tasks > 0:  # type: ignore[attr-defined]
        return True
    tasks: set[asyncio.Task[object]] = app._Application__create_task_tasks  # type: ignore[attr-defined]
    return any(not task.done() for task in tasks)


def bot_busy() -> bool:
    """The emulator's busy hook (emu.busy): True while a running Application still handles
    an update, runs work it started with create_task (Services.spawn's fan-outs), or a
    scheduler job runs (bot.jobs). Once it is False and the emulator answers no
    call, nothing more comes in answer: FakeUser.send() and friends return right then, not
    after a quiet period (bot/emulator/server.py idle())."""
    return any(app_busy(app) for app in list(RUNNING_APPS)) or bool(bot_jobs._running)


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emu:
        emu.busy = bot_busy
        yield emu


@pytest.fixture
async def database(tmp_path: Path) -> Path | str:
    """A fresh database on the backend under test (TEST_DATABASE_URL: PostgreSQL)."""
    return await fresh_database(tmp_path / "data")


@pytest.fixture
def settings(emulator: BotAPIEmulator, tmp_path: Path, database: Path | str) -> Settings:
    return load_settings(
        env_file=None,
        telegram_bot_token=emulator.token,
        bot_api_url=emulator.base_url,
        database_path=tmp_path / "data" / "bot.sqlite3",
        database_url=database if isinstance(database, str) else None,
        schedule_path=ROOT / "schedule.json",
        organizer_ids=[ORGANIZER_ID],
        # Fake users act far faster than people: without this, every reply after the third
        # in a second to the same chat would wait for Telegram's per-chat pace (1/s).
        # tests/test_outbound.py and tests/test_sender.py cover the per-chat limits.
        send_chat_interval=0,
    )


@pytest.fixture
def run_bot(settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n) -> BotRunner:
    """Start the real Application with long polling; usable twice to test restarts.

    Keyword arguments override settings (e.g. registration="closed"); svc.app is the
    Application, for fire_due().
    """

    @asynccontextmanager
    async def _run(**overrides: object) -> AsyncIterator[Services]:
        app = setup_application(settings.model_copy(update=overrides), clock=clock,
                                schedule=schedule, i18n=i18n)
        async with running(app):
            yield get_services(app)

    return _run


@pytest.fixture
async def bot(run_bot: BotRunner) -> AsyncIterator[Services]:
    async with run_bot() as svc:
        yield svc


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL (TEST_DATABASE_URL)' if TEST_DATABASE_URL else 'SQLite'}"


def pytest_sessionfinish() -> None:
    """Drop the schemas the PostgreSQL run made."""
    if not (TEST_DATABASE_URL and SCHEMAS):
        return
    import asyncpg

    async def drop() -> None:
        conn = await asyncpg.connect(TEST_DATABASE_URL)
        try:
            for schema in SCHEMAS:
                await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        finally:
            await conn.close()

    asyncio.run(drop())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that start the real Application are marked e2e: every test that uses the
    emulator (the bot in process, or `python -m bot` pointed at it) and every test of a
    test_*_e2e.py file; a test that starts the bot otherwise (the console) is marked by hand.
    `python -m pytest -m "not e2e"` runs the plain tests in well under a minute."""
    for item in items:
        if "emulator" in getattr(item, "fixturenames", ()) or item.path.stem.endswith("_e2e"):
            item.add_marker(pytest.mark.e2e)
