"""Running the bot for real: connect (with backoff), take updates (long polling or a webhook),
stop cleanly on SIGTERM.

A clean stop, within a host's ~30 s grace: stop taking updates; let the Application finish the
updates in hand, the jobs running and the background fan-outs, which take no new recipient
once the bot is stopping (bot/sender.py; the rest stays pending for the next start); close
storage; exit 0.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import Application

from bot.app import start_services, stop_services
from bot.config import Settings
from bot.webhook import WebhookServer

log = logging.getLogger(__name__)

FIRST_RETRY = 1.0  # seconds; doubled after each failure
LAST_RETRY = 60.0


class TokenRejected(Exception):
    """Telegram answered 401/404 to getMe: the token is wrong (never printed)."""


def api_host(settings: Settings) -> str:
    return urlsplit(settings.bot_api_url or "https://api.telegram.org").netloc


async def connect(app: Application, settings: Settings, stop: asyncio.Event) -> bool:
    """Initialize (getMe) until it works; False when asked to stop meanwhile."""
    delay = FIRST_RETRY
    while True:
        try:
            await app.initialize()
            return True
        except InvalidToken:
            raise TokenRejected from None
        except NetworkError as exc:  # includes TimedOut; the message holds no token
            print(f"cannot reach the Telegram Bot API at {api_host(settings)}: "
                  f"{exc.message}; retrying in {delay:g} s", file=sys.stderr, flush=True)
        try:
            await asyncio.wait_for(stop.wait(), delay)
            return False
        except TimeoutError:
            delay = min(delay * 2, LAST_RETRY)


async def serve(app: Application, settings: Settings, stop: asyncio.Event | None = None,
                listen: str = "0.0.0.0") -> int:
    """Until SIGTERM/SIGINT (or `stop`, for tests that run this in their own loop)."""
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    if not await connect(app, settings, stop):
        await app.shutdown()
        return 0
    web: WebhookServer | None = None
    try:
        await start_services(app)
        if settings.webhook_url or settings.port is not None:
            web = WebhookServer(app, settings, listen)
            await web.start()
        if not settings.webhook_url:
            assert app.updater is not None
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        await app.start()
        log.info("the bot is running (%s)", "webhook" if settings.webhook_url else
                 "long polling")
        await stop.wait()
        log.info("stopping: no new updates; finishing what is under way")
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if web is not None:
            await web.stop()
        if app.running:
            await app.stop()
        await stop_services(app)
        await app.shutdown()
        log.info("stopped")
    return 0


def run(app: Application, settings: Settings) -> int:
    return asyncio.run(serve(app, settings))
