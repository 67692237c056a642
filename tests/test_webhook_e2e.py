"""Webhook mode through the emulator: setWebhook, updates POSTed with the secret header,
/healthz; the production run loop (bot.runner.serve) in the test's own event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from telegram.ext import Application

from bot.app import setup_application
from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import BotAPIEmulator
from bot.emulator.models import ApiError
from bot.i18n import I18n
from bot.runner import serve
from bot.schedule import Schedule
from bot.services import Services, get_services
from tests.helpers import onboard

SECRET = "s3cret-Token_1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serving(settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n,
                  webhook: bool = True, **overrides: object
                  ) -> AsyncIterator[tuple[Services, str]]:
    """The bot as `python -m bot` runs it, in webhook mode on a free local port (or polling,
    with PORT set: /healthz only)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/updates" if webhook else None
    app: Application = setup_application(
        settings.model_copy(update={"webhook_url": url, "port": port, **overrides}),
        clock=clock, schedule=schedule, i18n=i18n)
    stop = asyncio.Event()
    task = asyncio.create_task(serve(app, app.bot_data["services"].settings, stop,
                                     listen="127.0.0.1"))
    for _ in range(500):
        if app.running or task.done():
            break
        await asyncio.sleep(0.01)
    assert app.running, task.exception() if task.done() else "not running"
    try:
        yield get_services(app), f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        assert await asyncio.wait_for(task, 10) == 0


async def test_updates_arrive_by_post_with_the_secret_checked(
    settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n,
    emulator: BotAPIEmulator,
) -> None:
    from pydantic import SecretStr

    async with serving(settings, clock, schedule, i18n,
                       webhook_secret=SecretStr(SECRET)) as (svc, base):
        assert emulator.webhook is not None
        assert emulator.webhook.url == f"{base}/telegram/updates"
        assert emulator.webhook.secret == SECRET
        user = emulator.user(4001, "fr")
        await onboard(user, "Français", "Côte d'Ivoire")
        (reply,) = await user.send("/next")
        assert reply.text.startswith("Prochaine session")
        assert await svc.repo.participants.get(4001) is not None

        async with aiohttp.ClientSession() as http:
            forged = {"update_id": 999_999, "message": {
                "message_id": 1, "date": 0, "chat": {"id": 4002, "type": "private"},
                "from": {"id": 4002, "is_bot": False, "first_name": "X"}, "text": "/start"}}
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with http.post(f"{base}/telegram/updates", json=forged,
                                     headers=headers) as resp:
                    assert resp.status == 403
            async with http.post(f"{base}/telegram/updates", data="not json",
                                 headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}) as resp:
                assert resp.status == 400
        await asyncio.sleep(0.2)
        assert await svc.repo.participants.get(4002) is None  # never handled
        # Long polling is refused while the webhook is set, as on Telegram.
        with pytest.raises(ApiError) as refused:
            await emulator.get_updates({})
        assert refused.value.code == 409


async def test_healthz_reports_storage_and_scheduler(
    settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n,
    emulator: BotAPIEmulator,
) -> None:
    async with serving(settings, clock, schedule, i18n) as (svc, base):
        assert emulator.webhook is not None
        assert len(emulator.webhook.secret) >= 32  # WEBHOOK_SECRET unset: a random one
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as resp:
                assert resp.status == 200
                body = await resp.json()
            assert body["status"] == "ok" and body["storage"] == "ok"
            assert body["scheduler"] == "running" and body["jobs"] > 0
            assert body["updates"] == "webhook"
            assert body["backend"] == svc.repo.db.backend

            await svc.repo.db.close()  # storage goes away under the running bot
            async with http.get(f"{base}/healthz") as resp:
                assert resp.status == 503
                down = await resp.json()
            assert down["status"] == "unavailable" and down["storage"] != "ok"


async def test_long_polling_with_port_set_serves_healthz(
    settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n,
    emulator: BotAPIEmulator,
) -> None:
    """A host's web process must listen on PORT: with PORT alone the bot polls and answers
    /healthz."""
    async with serving(settings, clock, schedule, i18n, webhook=False) as (_svc, base):
        assert emulator.webhook is None
        (reply,) = await emulator.user(4003, "en").send("/help")
        assert reply.text
        async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as resp:
            assert resp.status == 200
            assert (await resp.json())["updates"] == "polling"
