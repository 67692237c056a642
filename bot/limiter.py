"""The one outbound path: every Bot API call of the bot passes this limiter.

Installed with ``ApplicationBuilder.rate_limiter(OutboundLimiter(...))`` (ptb's hook), so a
handler's ``reply_text``, an edit, a callback answer, a document and every fan-out send go
through the same queue; nobody paces or retries by hand.

Two classes:
- interactive: a reply to something a person just did. The default for every call that does
  not say otherwise; always served first.
- bulk: reminders, broadcasts, nudges, notices, relays. Such calls pass
  ``rate_limit_args=Outbound("bulk", ...)`` (bot/sender.py builds them). Bulk uses what
  interactive traffic leaves, and while people are interacting (a reply waiting, or one sent in
  the last second) it keeps ``reserve`` (INTERACTIVE_SHARE, default 20 %) of the overall rate
  free for them.

What is counted: calls that put a message in a chat (send*, copy*, forward*) or change one
(editMessage*), against Telegram's limits: ``per_second`` overall, one per ``chat_interval``
per chat (short bursts of ``chat_burst`` tolerated), 20 per minute per group chat; for both
classes. Other calls (answerCallbackQuery, getMe, setMyCommands, deleteMessage, getFile...)
are not counted and go at once: Telegram's Bot API team says callback queries can be answered
"without any limits" (tdlib/telegram-bot-api#648, #636); only message sends and edits are
subject to the flood limits.

A 429 RetryAfter proves nothing was delivered: every counted call waits the time Telegram asks
and the call is made again, at the head of its class. An interactive call still not sent
``reply_bound`` seconds (30) after it was first made is given up and logged with the kind of
update it answered; a bulk call gives up after ``max_floods`` 429s (the Sender reports it
failed). Handlers need no retry code.

Claim after the limiter: ``Outbound.before_send`` runs only when the limiter has released the
call, right before each request; the Sender runs a fan-out's claim ("mark this recipient
sending") there, once, so a crash leaves at most the requests truly in flight in that state.
If it returns False nothing is sent and ``NotClaimed`` is raised.

On the wire at once: at most ``max_in_flight`` (4) counted calls, the queue letting the next
one go only when one of them is answered (so paced sends never bunch up behind a slow
connection, and a crash leaves at most these uncertain), and ``max_unpaced_in_flight`` (16)
others. Both keep the HTTP connection pool small: httpcore's bookkeeping per request grows
with it (bench/overhead.py).

Rate limiting uses the real monotonic clock: it is about the wire, not about program time.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter

from bot import updates
from bot.outbound import (
    INTERACTIVE,
    NotClaimed,
    Outbound,
    Priority,
    TokenBucket,
    counted,
    retry_seconds,
)

log = logging.getLogger(__name__)

class _Waiter:
    __slots__ = ("chat", "future", "priority")

    def __init__(self, priority: Priority, chat: object, future: asyncio.Future[None]) -> None:
        self.priority = priority
        self.chat = chat
        self.future = future


class OutboundLimiter(BaseRateLimiter[Outbound]):
    def __init__(
        self,
        per_second: float = 30.0,
        chat_interval: float = 1.0,
        *,
        reserve: float = 0.2,
        chat_burst: int = 3,
        group_per_minute: int = 20,
        reply_bound: float = 30.0,
        max_floods: int = 20,
        busy_window: float = 1.0,
        max_in_flight: int = 4,
        max_unpaced_in_flight: int = 16,
    ) -> None:
        self.chat_interval = chat_interval
        self.chat_burst = chat_burst
        self.group_per_minute = group_per_minute
        self.reply_bound = reply_bound  # seconds an interactive call may take through 429s
        self.max_floods = max_floods  # 429s a bulk call tolerates before it is given up
        self.busy_window = busy_window  # interactive "in progress" this long after one went
        # Requests on the wire at once, at most, for counted calls (the queue releases one
        # only when one of these is free, so paced sends never bunch up behind a slow wire)
        # and for the others apart: a crash leaves at most these uncertain, and the HTTP
        # connection pool stays small (httpcore's bookkeeping per request grows with it).
        self.max_in_flight = max_in_flight
        self._counted_in_flight = 0  # released by the queue, answer not back yet
        # Callback answers come in bursts (a check-in rush): more of them at once.
        self._wire = asyncio.Semaphore(max_unpaced_in_flight)
        self.flood_waits = 0  # 429s seen, for logs, tests and benchmarks
        self.released: dict[Priority, int] = {"interactive": 0, "bulk": 0}
        self.dropped = 0  # interactive calls given up after reply_bound
        self._queues: dict[Priority, deque[_Waiter]] = {"interactive": deque(), "bulk": deque()}
        self._chats: dict[object, TokenBucket] = {}
        self._groups: dict[object, deque[float]] = {}
        self._paused_until = 0.0
        self._last_interactive = -math.inf
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = math.inf
        self._reserve = reserve
        self.per_second = per_second  # builds the overall and the bulk buckets

    # --- configuration --------------------------------------------------------
    @property
    def per_second(self) -> float:
        return self._per_second

    @per_second.setter
    def per_second(self, value: float) -> None:
        """The overall limit; bulk gets (1 - reserve) of it while people interact."""
        self._per_second = value
        # Two tokens: a wake-up a little late does not cost a slot (the sustained rate holds).
        self._overall = TokenBucket(value, 2.0)
        self._bulk = TokenBucket(value * (1.0 - self._reserve), 2.0)

    @property
    def reserve(self) -> float:
        return self._reserve

    # --- BaseRateLimiter ------------------------------------------------------
    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for queue in self._queues.values():
            while queue:
                waiter = queue.popleft()
                if not waiter.future.done():
                    waiter.future.set_exception(RuntimeError("the bot is shutting down"))

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Outbound | None,
    ) -> bool | JSONDict | list[JSONDict]:
        opts = rate_limit_args if isinstance(rate_limit_args, Outbound) else INTERACTIVE
        limited = counted(endpoint)
        chat = data.get("chat_id")
        started = time.monotonic()
        floods = 0
        slot = updates.current_slot()
        try:
            while True:
                if limited:
                    await self._turn(opts.priority, chat, retry=floods > 0, slot=slot)
                else:
                    if self._wire.locked() and slot is not None:
                        slot.release()
                    await self._wire.acquire()
                try:
                    if opts.before_send is not None and not await opts.before_send():
                        raise NotClaimed
                    return await self._call(callback, args, kwargs, opts.timeout)
                except RetryAfter as exc:
                    floods += 1
                    pause = self._flood(exc, opts, endpoint, chat, limited=limited,
                                        floods=floods, started=started, slot=slot)
                finally:
                    if limited:
                        self._landed()
                    else:
                        self._wire.release()
                if not limited:  # counted calls wait in the queue, behind the pause
                    await asyncio.sleep(pause)
        finally:
            if slot is not None:
                await slot.reacquire()

    def _flood(self, exc: RetryAfter, opts: Outbound, endpoint: str, chat: object, *,
               limited: bool, floods: int, started: float, slot: updates.Slot | None) -> float:
        """A 429: pause, and return the seconds to wait; re-raise it when giving up."""
        pause = retry_seconds(exc)
        self.flood_waits += 1
        log.warning("flood control on %s: pausing for %.1f s", endpoint, pause)
        if limited:
            self._pause(pause)
        if opts.priority == "interactive":
            if time.monotonic() + pause - started > self.reply_bound:
                self.dropped += 1
                log.error(
                    "reply not sent within %.0f s (flood control): %s to chat %s, answering %s",
                    self.reply_bound, endpoint, chat, updates.describe(slot),
                )
                raise exc
        elif floods >= self.max_floods:
            raise exc
        return pause

    # --- queueing -------------------------------------------------------------
    async def _call(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        timeout: float | None,
    ) -> bool | JSONDict | list[JSONDict]:
        if timeout is None:
            return await callback(*args, **kwargs)
        try:
            return await asyncio.wait_for(callback(*args, **kwargs), timeout)
        except TimeoutError:
            raise TimedOut(f"no answer within {timeout:g} s") from None

    async def _turn(self, priority: Priority, chat: object, *, retry: bool,
                    slot: updates.Slot | None) -> None:
        """Wait until this call may go (a retry after a 429 goes first in its class)."""
        now = time.monotonic()
        if not retry and self._free(priority, chat, now):  # nobody queued: no need to queue
            self._take(priority, chat, now)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(priority, chat, future)
        queue = self._queues[priority]
        if retry:
            queue.appendleft(waiter)
        else:
            queue.append(waiter)
        if priority == "interactive":
            self._last_interactive = time.monotonic()
        self._dispatch()
        if future.done():
            return
        if slot is not None:
            slot.release()  # waiting for the wire does not hold up other people's updates
        try:
            await future
        except asyncio.CancelledError:
            if waiter in queue:
                queue.remove(waiter)
            elif future.done() and not future.cancelled():
                self._landed()  # released, but it will not go after all
            raise

    def _landed(self) -> None:
        """A counted call's answer is back (or it will not go): let the next one go."""
        self._counted_in_flight -= 1
        if self._queues["interactive"] or self._queues["bulk"]:
            self._dispatch()

    def _pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _interactive_busy(self, now: float) -> bool:
        return bool(self._queues["interactive"]) or (
            now - self._last_interactive < self.busy_window
        )

    def _chat_ready_at(self, chat: object, now: float) -> float:
        at = now
        if self.chat_interval > 0:
            bucket = self._chats.get(chat)
            if bucket is not None:
                at = bucket.ready_at(now)
        if isinstance(chat, int) and chat < 0:
            window = self._groups.get(chat)
            if window:
                while window and window[0] <= now - 60.0:
                    window.popleft()
                if len(window) >= self.group_per_minute:
                    at = max(at, window[0] + 60.0)
        return at

    def _pick(self, priority: Priority, now: float) -> tuple[_Waiter | None, float]:
        """The first waiter of the class whose chat may get a message now; else when one may."""
        queue = self._queues[priority]
        soonest = math.inf
        for waiter in list(queue):
            if waiter.future.done():  # cancelled
                queue.remove(waiter)
                continue
            at = self._chat_ready_at(waiter.chat, now)
            if at <= now:
                queue.remove(waiter)
                return waiter, now
            soonest = min(soonest, at)
        return None, soonest

    def _free(self, priority: Priority, chat: object, now: float) -> bool:
        """Whether a call may go at once: nobody queued, and every limit has room."""
        if self._queues["interactive"] or self._queues["bulk"] or now < self._paused_until:
            return False
        if self._counted_in_flight >= self.max_in_flight:
            return False
        if self._overall.ready_at(now) > now or self._chat_ready_at(chat, now) > now:
            return False
        return priority == "interactive" or not self._interactive_busy(now) or (
            self._bulk.ready_at(now) <= now)

    def _take(self, priority: Priority, chat: object, now: float) -> None:
        """Count a call that goes now against every limit."""
        self._counted_in_flight += 1
        self._overall.take()
        if priority == "bulk" and self._interactive_busy(now):
            self._bulk.take()
        if self.chat_interval > 0:
            bucket = self._chats.get(chat)
            if bucket is None:
                if len(self._chats) > 10_000:  # keep memory flat on huge audiences
                    self._chats = {c: b for c, b in self._chats.items() if not b.full(now)}
                bucket = self._chats[chat] = TokenBucket(1.0 / self.chat_interval,
                                                     float(self.chat_burst))
            bucket.take()
        if isinstance(chat, int) and chat < 0:
            self._groups.setdefault(chat, deque()).append(now)
        if priority == "interactive":
            self._last_interactive = now
        self.released[priority] += 1

    def _release(self, waiter: _Waiter, now: float) -> None:
        self._take(waiter.priority, waiter.chat, now)
        waiter.future.set_result(None)

    def _dispatch(self) -> None:
        """Release every call that may go now, then wake up when the next one may."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._timer_at = math.inf
        now = time.monotonic()
        wake = math.inf
        while self._queues["interactive"] or self._queues["bulk"]:
            if self._counted_in_flight >= self.max_in_flight:
                break  # the next answer to come back dispatches again
            if now < self._paused_until:
                wake = self._paused_until
                break
            overall = self._overall.ready_at(now)
            if overall > now:
                wake = overall
                break
            waiter, at = self._pick("interactive", now)
            if waiter is not None:
                self._release(waiter, now)
                continue
            wake = min(wake, at)
            if not self._queues["bulk"]:
                break
            busy = self._interactive_busy(now)
            if busy:
                gate = self._bulk.ready_at(now)
                if gate > now:
                    wake = min(wake, gate)
                    if not self._queues["interactive"]:  # the reserve ends with the quiet
                        wake = min(wake, self._last_interactive + self.busy_window)
                    break
            waiter, at = self._pick("bulk", now)
            if waiter is not None:
                self._release(waiter, now)
                continue
            wake = min(wake, at)
            break
        if wake < math.inf and (self._queues["interactive"] or self._queues["bulk"]):
            self._schedule(wake)

    def _schedule(self, at: float) -> None:
        if self._timer is not None:
            if self._timer_at <= at:
                return
            self._timer.cancel()
        loop = asyncio.get_running_loop()
        delay = max(at - time.monotonic(), 0.0)
        self._timer = loop.call_later(delay, self._dispatch)
        self._timer_at = at
