"""One setup_application() that wires settings, services and handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from telegram import BotCommand, BotCommandScopeDefault
from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, Defaults

from bot.clock import Clock, SystemClock
from bot.config import LANGUAGES, Settings
from bot.i18n import I18n
from bot.schedule import Schedule, load_schedule
from bot.sender import Sender
from bot.storage import Repository

# Each feature that keeps scheduler jobs registers a builder; all run at every start (and on
# /reload), so jobs are always rebuilt from schedule.json and the database.
JobBuilder = Callable[[Application], Awaitable[None]]

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    schedule: Schedule
    i18n: I18n
    clock: Clock
    sender: Sender = field(default_factory=Sender)
    job_builders: list[JobBuilder] = field(default_factory=list)
    _repo: Repository | None = field(default=None, repr=False)
    _app: Application | None = field(default=None, repr=False)

    @property
    def app(self) -> Application:
        assert self._app is not None
        return self._app

    @property
    def repo(self) -> Repository:
        if self._repo is None:
            raise RuntimeError("storage is not open: start_services() was not run")
        return self._repo

    def is_organizer(self, user_id: int) -> bool:
        return user_id in self.settings.organizer_ids


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    svc: Services = context.application.bot_data["services"]
    return svc


def get_services(app: Application) -> Services:
    svc: Services = app.bot_data["services"]
    return svc


def command_menu(svc: Services, lang: str) -> list[BotCommand]:
    _ = svc.i18n.get(lang).gettext
    return [
        BotCommand("next", _("When is the next session")),
        BotCommand("schedule", _("The whole program")),
        BotCommand("session", _("One session in full, e.g. /session 3")),
        BotCommand("reminders", _("Turn session reminders on or off")),
        BotCommand("checkin", _("Check in to the session running now")),
        BotCommand("me", _("My attendance and certificate progress")),
        BotCommand("goals", _("My group's goals and action plan")),
        BotCommand("settings", _("Language, country and time zone")),
        BotCommand("help", _("What this bot can do")),
        BotCommand("start", _("Start again")),
    ]


async def start_services(app: Application) -> None:
    """Runs inside the event loop (post_init): open storage, publish command menus."""
    svc = get_services(app)
    if svc._repo is None:
        svc._repo = await Repository.open(svc.settings.database_path)
    for build in svc.job_builders:
        await build(app)
    default = svc.settings.default_language
    await app.bot.set_my_commands(command_menu(svc, default), scope=BotCommandScopeDefault())
    for lang in LANGUAGES:
        await app.bot.set_my_commands(command_menu(svc, lang), language_code=lang)


async def stop_services(app: Application) -> None:
    svc = get_services(app)
    if svc._repo is not None:
        # aiosqlite >= 0.22 hangs the process at exit on an unclosed connection.
        await svc._repo.close()
        svc._repo = None


def setup_application(
    settings: Settings,
    *,
    clock: Clock | None = None,
    schedule: Schedule | None = None,
    i18n: I18n | None = None,
) -> Application:
    from handlers import register

    svc = Services(
        settings=settings,
        schedule=schedule or load_schedule(settings.schedule_path),
        i18n=i18n or I18n(default=settings.default_language),
        clock=clock or SystemClock(),
        sender=Sender.from_settings(settings),
    )
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(start_services)
        .post_shutdown(stop_services)
    )
    if settings.bot_api_url:
        builder = builder.base_url(settings.bot_api_url)
        if settings.bot_file_url:
            builder = builder.base_file_url(settings.bot_file_url)
    app = builder.build()
    app.bot_data["services"] = svc
    svc._app = app
    register(app)
    return app


@asynccontextmanager
async def running(app: Application, poll_timeout: float = 1.0) -> AsyncIterator[Application]:
    """Run app with long polling inside an existing loop (tests, console, benchmarks).

    run_polling() does this itself in production; post_init does not run outside it.
    """
    await app.initialize()
    try:
        await start_services(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=int(poll_timeout))
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
    finally:
        await stop_services(app)
        await app.shutdown()
