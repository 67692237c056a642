"""The composition root: the one place that wires settings, services, jobs and handlers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.constants import ParseMode
from telegram.ext import Application, ContextTypes, Defaults

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import BotContext
from bot.delivery.kinds import settle_interrupted
from bot.features import job_builders
from bot.help.menus import publish_all as publish_menus
from bot.i18n import I18n
from bot.limiter import OutboundLimiter
from bot.program.changes import overlay_at_start as overlay_program_changes
from bot.redact import install as redact_token
from bot.schedule import Schedule, load_schedule
from bot.sender import Sender
from bot.services import Services, get_services
from bot.storage import Repository
from bot.updates import UpdateProcessor

log = logging.getLogger(__name__)


async def start_services(app: Application) -> None:
    """Runs inside the event loop (post_init): open storage, rebuild jobs, publish menus."""
    svc = get_services(app)
    if svc._repo is None:
        svc._repo = await Repository.open(svc.settings.database)
    await settle_interrupted(svc.repo, svc.clock.now())  # before anything resumes
    # Which program this database runs (bot/operations/cohort.py refuses another at start).
    await svc._repo.operations.program_slug(svc.schedule.slug, svc.clock.now())
    await overlay_program_changes(app)  # the schedule in force: schedule.json + changes
    for build in svc.job_builders:
        await build(app)
    await publish_menus(app)  # per language for everyone, and each staff member's own


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

    redact_token(settings.token or "")  # never in a log line
    svc = Services(
        settings=settings,
        schedule=schedule or load_schedule(settings.schedule_path),
        i18n=i18n or I18n(default=settings.default_language),
        clock=clock or SystemClock(),
        sender=Sender(),
        # Derived state, rebuilt at every start and on /reload (bot/features.py's order).
        job_builders=job_builders(),
    )
    builder = (
        Application.builder()
        .token(settings.token or "")
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .context_types(ContextTypes(context=BotContext))
        # One outbound path: every Bot API call, replies first (bot/limiter.py).
        .rate_limiter(OutboundLimiter(settings.send_rate, settings.send_chat_interval,
                                      reserve=settings.interactive_share))
        # People in parallel, each person's updates in order (bot/updates.py).
        .concurrent_updates(UpdateProcessor())
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
    svc.sender.stopping = lambda: not app.running
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
