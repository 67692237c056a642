"""Webhook mode: Telegram POSTs updates to WEBHOOK_URL; the bot listens on PORT.

ptb's own webhook server serves only the update path; hosts also want a health check, so this
is ptb's "custom webhook server" pattern on aiohttp (already a dependency): the secret-token
header is checked, each update goes on the Application's update_queue, and GET /healthz
answers with storage and scheduler status (bot/operations/health.py).
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.operations.health import health

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_PORT = 8080


class WebhookServer:
    """Updates by POST (WEBHOOK_URL) and GET /healthz; with PORT alone (long polling on a
    host that expects a web process to listen), /healthz only."""

    def __init__(self, app: Application, settings: Settings, listen: str = "0.0.0.0") -> None:
        self.app = app
        self.url = settings.webhook_url
        self.path = urlsplit(self.url).path or "/" if self.url else None
        self.port = settings.port if settings.port is not None else DEFAULT_PORT
        self.listen = listen
        # Unset: a fresh random secret each start (setWebhook hands it to Telegram).
        given = settings.webhook_secret
        self.secret = given.get_secret_value() if given else secrets.token_urlsafe(32)
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen first, then tell Telegram where to send updates."""
        web_app = web.Application(client_max_size=1024 * 1024)
        if self.path is not None:
            web_app.router.add_post(self.path, self._update)
        web_app.router.add_get("/healthz", self._health)
        self._runner = web.AppRunner(web_app, handle_signals=False, access_log=None,
                                     shutdown_timeout=2.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        self.port = int(self._runner.addresses[0][1])  # PORT=0 in tests: the one picked
        if self.url is None:
            log.info("health check on port %d (GET /healthz)", self.port)
            return
        await self.app.bot.set_webhook(self.url, secret_token=self.secret,
                                       allowed_updates=Update.ALL_TYPES)
        log.info("webhook mode: listening on port %d, path %s", self.port, self.path)

    async def stop(self) -> None:
        """Stop taking updates (Telegram keeps them and retries; the webhook stays set)."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _update(self, request: web.Request) -> web.Response:
        sent = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(sent.encode(), self.secret.encode()):
            log.warning("webhook: a request without the right secret token was refused")
            return web.Response(status=403)
        if not self.app.running:
            return web.Response(status=503)  # stopping: Telegram delivers it again later
        update = self._parse(await request.text())
        if update is None:
            return web.Response(status=400)
        await self.app.update_queue.put(update)
        return web.Response()

    def _parse(self, body: str) -> Update | None:
        """The Update in a body, or None (answered 400, no traceback) for anything that is
        not one: not JSON, too deeply nested, a string, number, list or null, no update_id,
        or fields of the wrong shape ({"message": "x"})."""
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            return None
        try:
            return Update.de_json(data, self.app.bot)
        except Exception as exc:  # whatever a malformed field makes ptb's parser raise
            log.warning("webhook: a body that is not an update was refused (%s)",
                        type(exc).__name__)
            return None

    async def _health(self, request: web.Request) -> web.Response:
        report = await health(self.app)
        return web.json_response(report, status=200 if report["status"] == "ok" else 503)
