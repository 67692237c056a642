"""In-process fake Telegram Bot API server over real HTTP.

The real python-telegram-bot Application talks to it with long polling; the
only difference from production is the base URL, so whatever ptb serialises
is exercised for real.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from bot.emulator.account import scope_key
from bot.emulator.limits import SEND_METHODS, Fault, RateLimits
from bot.emulator.methods import BotMethods
from bot.emulator.models import ApiError, BotMessage, ChatState, JsonDict, bad_request
from bot.emulator.state import Upload, now
from bot.emulator.user import BUSY_POLL, FakeUser

log = logging.getLogger(__name__)

# With a busy hook, a wait for the bot's answer ends when the bot is idle (looked at every
# BUSY_POLL seconds); failing that (no hook, or the bot stays busy: background work that goes
# on, a call held by hang_next), once the chat saw no bot activity for QUIET seconds, as a
# user's answer always did. settle() ("the bot is done") waits out busy gaps up to BUSY_QUIET
# (a certificate's PDF takes a while to draw on a loaded machine).
QUIET = 0.05
BUSY_QUIET = 2.0

# ptb form-encodes non-string values as JSON; these are turned back into objects.
# fmt: off
JSON_KEYS = {
    "reply_markup", "commands", "scope", "allowed_updates", "entities", "caption_entities",
    "link_preview_options", "reply_parameters", "media", "message_ids", "menu_button",
}
INT_KEYS = {
    "chat_id", "message_id", "offset", "limit", "timeout", "user_id", "from_chat_id",
    "message_thread_id", "reply_to_message_id", "cache_time",
}
BOOL_KEYS = {
    "disable_notification", "protect_content", "show_alert", "drop_pending_updates",
    "disable_web_page_preview", "allow_sending_without_reply", "disable_content_type_detection",
}
# fmt: on


def normalise(raw: dict[str, Any]) -> JsonDict:
    """Turn form strings back into the JSON values Telegram would see."""
    params: JsonDict = {}
    for key, value in raw.items():
        if isinstance(value, str) and value.startswith("attach://"):
            value = raw.get(value[len("attach://") :], value)
        if isinstance(value, str) and key in JSON_KEYS:
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {key} JSON object") from None
        elif key in INT_KEYS and isinstance(value, str | float):
            try:
                value = int(float(value))
            except ValueError:
                if key != "chat_id":  # "@channelname" stays a string
                    raise bad_request(f"invalid {key} specified") from None
        elif key in BOOL_KEYS and isinstance(value, str):
            value = value.strip().lower() in ("true", "1")
        params[key] = value
    return params


def error_response(
    code: int, description: str, parameters: JsonDict | None = None
) -> web.Response:
    body: JsonDict = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


class BotAPIEmulator(BotMethods):
    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "sske_test_bot",
        bot_first_name: str = "Test Bot",
    ) -> None:
        super().__init__(token, bot_username, bot_first_name)
        self.users: dict[int, FakeUser] = {}
        self.port = 0
        self._methods = self.method_table()
        self._runner: web.AppRunner | None = None
        self.rate_limits: RateLimits | None = None
        self.faults: list[Fault] = []
        self.flood_errors = 0  # 429 answers given
        self.deliveries: list[tuple[float, int]] = []  # (monotonic time, chat id) of sends
        # (monotonic time, method, chat id) of every call answered ok but getUpdates, so
        # benchmarks can time answers (answerCallbackQuery's chat is the presser's).
        self.timeline: list[tuple[float, str, object]] = []
        self._pusher: asyncio.Task[None] | None = None  # webhook mode: POSTs the updates

    # --- limits and faults -------------------------------------------------------
    def set_rate_limits(
        self,
        per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        group_per_minute: int = 20,
        *,
        burst: float | None = None,
        chat_burst: float = 5.0,
    ) -> RateLimits:
        """Enforce Telegram's flood limits from now on (429 with retry_after when exceeded)."""
        self.rate_limits = RateLimits(
            per_second, per_chat_per_second, group_per_minute, burst=burst, chat_burst=chat_burst
        )
        return self.rate_limits

    def fail_next(
        self,
        method: str,
        times: int = 1,
        *,
        code: int = 502,
        description: str = "Bad Gateway",
        chat_id: int | None = None,
    ) -> None:
        """The next `times` calls of `method` (to `chat_id`, or any) answer a server error."""
        self.faults.append(Fault(method, times, code, description, chat_id=chat_id))

    def hang_next(
        self,
        method: str,
        times: int = 1,
        *,
        seconds: float = 10.0,
        deliver: bool = True,
        chat_id: int | None = None,
    ) -> None:
        """The next calls are held `seconds` before any answer, so the client times out.

        deliver=True: the message is delivered first and only the answer is lost (the case
        where a retry would duplicate it); False: nothing is delivered.
        """
        self.faults.append(
            Fault(method, times, None, "Gateway Timeout", hold=seconds, deliver=deliver,
                  chat_id=chat_id)
        )

    def _take_fault(self, method: str, chat_id: object) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, chat_id):
                fault.times -= 1
                return fault
        return None

    # --- lifecycle -----------------------------------------------------------
    @property
    def base_url(self) -> str:
        """What to pass to ApplicationBuilder.base_url (ptb appends the token)."""
        return f"http://127.0.0.1:{self._started_port()}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self._started_port()}/file/bot"

    def _started_port(self) -> int:
        if not self.port:
            raise RuntimeError("BotAPIEmulator is not started; await emu.start() first")
        return self.port

    async def start(self) -> None:
        if self._runner is not None:
            return
        self.closing = False
        app = web.Application(client_max_size=50 * 1024 * 1024)  # Bot API upload limit
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Short shutdown_timeout: a stuck handler must not hang a test run.
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._pusher = asyncio.create_task(self._push_updates(), name="emulator webhook")

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.closing = True
        self.notify()  # pending long polls answer [] right away
        if self._pusher is not None:
            self._pusher.cancel()
            await asyncio.gather(self._pusher, return_exceptions=True)
            self._pusher = None
        await asyncio.sleep(0)
        await self._runner.cleanup()
        self._runner = None
        self.port = 0

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- webhook mode -------------------------------------------------------------
    async def _push_updates(self) -> None:
        """While a webhook is set: POST the queued updates one by one, in order, with the
        secret token header; an answer other than 200 is kept as last_error and retried."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            while not self.closing:
                hook = self.webhook
                if hook is None or not self.updates:
                    await self.wait_change(1.0)
                    continue
                update = self.updates[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret} if hook.secret else {}
                try:
                    async with session.post(hook.url, json=update, headers=headers) as resp:
                        error = "" if resp.status == 200 else (
                            f"Wrong response from the webhook: {resp.status} {resp.reason}")
                except (aiohttp.ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {type(exc).__name__}"
                if error:
                    hook.last_error, hook.last_error_date = error, now()
                    await asyncio.sleep(0.2)
                    continue
                if self.updates and self.updates[0] is update:
                    self.updates.pop(0)
                self.delivered_update_id = max(self.delivered_update_id, update["update_id"])
                self.notify()

    # --- HTTP --------------------------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return error_response(401, "Unauthorized")
        name = request.match_info["method"]
        entry = self._methods.get(name.lower())
        if entry is None:
            log.warning("Bot API method %r is not emulated; answering 404", name)
        try:
            params = await self._read_params(request)
        except ApiError as exc:
            return error_response(exc.code, exc.description)
        name = entry[0] if entry else name
        if name == "getUpdates":
            return await self._answer(name, entry, params)
        self.in_flight += 1
        try:
            return await self._answer(name, entry, params)
        finally:
            self.in_flight -= 1
            self.notify()

    async def _answer(
        self, name: str, entry: tuple[str, Any] | None, params: JsonDict
    ) -> web.Response:
        self.calls.append((name, params))
        if entry is None:
            return error_response(404, "Not Found")
        chat_id = params.get("chat_id")
        if name == "answerCallbackQuery":
            chat_id = self.open_queries.get(str(params.get("callback_query_id", "")))
        fault = self._take_fault(name, chat_id)
        if fault is not None and not fault.deliver:
            await asyncio.sleep(fault.hold)
            return error_response(fault.code or 504, fault.description)
        if self.rate_limits is not None and name in SEND_METHODS:
            retry_after = self.rate_limits.admit(chat_id)
            if retry_after is not None:
                self.flood_errors += 1
                return error_response(
                    429, f"Too Many Requests: retry after {retry_after}",
                    {"retry_after": retry_after},
                )
        try:
            result = await entry[1](params)
        except ApiError as exc:
            chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
            if chat is not None:
                chat.errors.append(f"{name}: {exc.description}")
            return error_response(exc.code, exc.description, exc.parameters)
        finally:
            if name != "getUpdates":
                self.touch(chat_id)
        stamp = time.monotonic()
        if name in SEND_METHODS and isinstance(chat_id, int):
            self.deliveries.append((stamp, chat_id))
        if name != "getUpdates":
            self.timeline.append((stamp, name, chat_id))
        if fault is not None:  # delivered, but the answer is held past the client's timeout
            await asyncio.sleep(fault.hold)
        return web.json_response({"ok": True, "result": result})

    async def _read_params(self, request: web.Request) -> JsonDict:
        raw: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise bad_request("JSON request body must be an object")
                raw.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        raw[key] = Upload(value.filename, value.file.read(), value.content_type)
                    else:
                        raw[key] = value if isinstance(value, str) else bytes(value).decode()
        return normalise(raw)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return error_response(401, "Unauthorized")
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.path == path:
                return web.Response(body=stored.content, content_type=stored.mime_type)
        return error_response(404, "Not Found")

    # --- user side -----------------------------------------------------------------
    def user(
        self,
        user_id: int,
        language_code: str | None = "en",
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
    ) -> FakeUser:
        """The fake user with this id; the same object on repeated calls."""
        if user_id not in self.users:
            self.users[user_id] = FakeUser(
                self, user_id, language_code, first_name, last_name, username
            )
        return self.users[user_id]

    def messages_to(self, chat_id: int, *, include_deleted: bool = False) -> list[BotMessage]:
        """Everything the bot sent to that chat, edits applied, in sending order."""
        chat = self.chats.get(chat_id)
        if chat is None:
            return []
        return [m for m in chat.messages.values() if include_deleted or not m.deleted]

    def commands(
        self, language_code: str = "", scope: str | JsonDict = "default"
    ) -> list[JsonDict]:
        """Commands as set by setMyCommands; scope is a type ("default") or a scope dict."""
        key = scope if isinstance(scope, str) else scope_key(scope)
        return list(self.my_commands.get((key, language_code), []))

    def block(self, user_id: int) -> None:
        """From now on send* to this user's chat answers 403 'bot was blocked by the user'."""
        self.blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        self.blocked.discard(user_id)

    def add_chat(self, chat_id: int, chat_type: str = "group", title: str = "Test group") -> None:
        """Register a group chat so the bot may send to it."""
        self.chats.setdefault(
            chat_id, ChatState({"id": chat_id, "type": chat_type, "title": title})
        )

    def chat_member_update(self, user_id: int, old_status: str, new_status: str) -> int:
        """Queue a my_chat_member update in the user's private chat; returns its update_id.

        Use ``await emu.settle(update_id)`` to wait until the bot has handled it.
        """
        user = self.user(user_id)
        chat = self.private_chat(user.json)
        payload = {
            "chat": chat.info,
            "from": user.json,
            "date": now(),
            "old_chat_member": self._member(old_status),
            "new_chat_member": self._member(new_status),
        }
        return self.queue_update("my_chat_member", payload)

    async def add_bot_to_group(
        self, chat_id: int, title: str, by_user_id: int, *, timeout: float = 5.0
    ) -> None:
        """Someone adds the bot to a group: the chat exists and my_chat_member arrives."""
        self.add_chat(chat_id, "group", title)
        payload = {
            "chat": self.chats[chat_id].info,
            "from": self.user(by_user_id).json,
            "date": now(),
            "old_chat_member": self._member("left"),
            "new_chat_member": self._member("member"),
        }
        await self.settle(self.queue_update("my_chat_member", payload), timeout)

    async def migrate_group(self, chat_id: int, new_chat_id: int, by_user_id: int, *,
                            timeout: float = 5.0) -> None:
        """The group becomes a supergroup with a new id, as Telegram does it: the old id
        answers 400 with migrate_to_chat_id from now on, and both service messages arrive."""
        old = self.chats[chat_id]
        self.add_chat(new_chat_id, "supergroup", old.info.get("title", "Test group"))
        self.migrated[chat_id] = new_chat_id
        user = self.user(by_user_id).json
        for chat, key, value in ((old, "migrate_to_chat_id", new_chat_id),
                                 (self.chats[new_chat_id], "migrate_from_chat_id", chat_id)):
            payload = {"message_id": chat.new_message_id(), "from": user, "chat": chat.info,
                       "date": now(), key: value}
            await self.settle(self.queue_update("message", payload), timeout)

    def _member(self, status: str) -> JsonDict:
        member: JsonDict = {"status": status, "user": self.bot_user}
        if status == "kicked":
            member["until_date"] = 0  # forever, as Telegram sends it
        return member

    async def settle(self, update_id: int | None = None, timeout: float = 5.0) -> None:
        """Wait until the update (default: all queued) was fetched and the bot is done with it
        (see idle())."""
        target = update_id if update_id is not None else self.next_update_id - 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.delivered_update_id < target:
            if not await self.wait_change(deadline - loop.time()):
                raise AssertionError(f"update {target} was not fetched by the bot in {timeout}s")
        await self.wait_idle(target, lambda: self.activity, deadline,
                             quiet=QUIET if self.busy is None else BUSY_QUIET)

    def taken(self, update_id: int) -> bool:
        """The bot has taken over every update up to this one: confirmed by the offset of its
        next getUpdates (ptb queues a batch before asking again), or answered 200 by its
        webhook. Updates that allowed_updates dropped were never queued."""
        return not any(u["update_id"] <= update_id for u in self.updates)

    def idle(self, update_id: int) -> bool | None:
        """Nothing more will come in answer to the updates up to this one: the bot took them
        over, no call of it is being answered, and it says it is not busy (no update in
        hand, no background work). None when the bot cannot tell (no busy hook)."""
        if self.busy is None:
            return None
        return self.taken(update_id) and not self.in_flight and not self.busy()

    async def wait_idle(
        self, update_id: int, counter: Callable[[], int], deadline: float,
        quiet: float = QUIET,
    ) -> None:
        """Return as soon as the bot is idle() after this update; failing that, once
        ``counter`` has not changed for ``quiet`` seconds (math.inf: only at the deadline)."""
        loop = asyncio.get_running_loop()
        seen = counter()
        quiet_until = loop.time() + quiet
        while not self.idle(update_id):
            end = min(quiet_until, deadline)
            if end <= loop.time():
                return
            # The busy hook sends no wake-up: while it is set, look again every BUSY_POLL.
            step = end - loop.time() if self.busy is None else min(BUSY_POLL, end - loop.time())
            await self.wait_change(step)
            if counter() != seen:
                seen = counter()
                quiet_until = loop.time() + quiet

    async def wait_quiet(
        self, counter: Callable[[], int], deadline: float, quiet: float = QUIET
    ) -> None:
        """Return once ``counter`` has not changed for ``quiet`` seconds (or at deadline)."""
        loop = asyncio.get_running_loop()
        seen = counter()
        quiet_until = loop.time() + quiet
        while (end := min(quiet_until, deadline)) > loop.time():
            await self.wait_change(end - loop.time())
            if counter() != seen:
                seen = counter()
                quiet_until = loop.time() + quiet
