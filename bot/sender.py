"""The one rate-limited sender every fan-out goes through (reminders, broadcasts).

Limits are Telegram's: about 30 messages/s overall, 1/s per chat, 20/min per group chat.
Rate limiting uses the real monotonic clock: it is about the wire, not about program time.

Outcomes, and what is retried:
- sent: Telegram answered with the message.
- blocked: 403 Forbidden (blocked, deactivated, kicked). Never retried.
- failed: 400 Bad Request (chat not found, ...), or retries used up. Not retried further.
- unknown: the request timed out after it may have reached Telegram. Not retried, because
  Telegram has no idempotency key and a retry could deliver twice; counted and logged instead.
Retried with backoff: 429 RetryAfter (after the time Telegram asks, pausing every send),
5xx and connection errors, i.e. answers that prove the message did not arrive.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

import httpx
from telegram import Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

log = logging.getLogger(__name__)

Status = Literal["sent", "blocked", "failed", "unknown", "skipped"]


@dataclass(frozen=True)
class Outcome:
    status: Status
    message_id: int | None = None
    error: str | None = None
    attempts: int = 1


def _retry_seconds(exc: RetryAfter) -> float:
    value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _surely_not_delivered(exc: TimedOut) -> bool:
    """A connect timeout or a full pool means the request never left."""
    cause = exc.__cause__
    return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout) or "Pool timeout" in str(
        exc
    )


class Sender:
    def __init__(
        self,
        *,
        per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        group_per_minute: int = 20,
        max_attempts: int = 5,
        backoff: float = 0.5,
        concurrency: int = 16,
    ) -> None:
        self.per_second = per_second
        self.per_chat_interval = per_chat_interval
        self.group_per_minute = group_per_minute
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.concurrency = concurrency
        self._lock = asyncio.Lock()
        self._next_slot = 0.0  # monotonic time of the next overall send slot
        self._paused_until = 0.0  # set by RetryAfter: every send waits
        self._chat_next: dict[int, float] = {}
        self._group_sent: dict[int, deque[float]] = {}

    async def _wait_turn(self, chat_id: int) -> None:
        """Reserve a slot that respects all three limits, then sleep until it."""
        async with self._lock:
            now = time.monotonic()
            at = max(now, self._next_slot, self._paused_until, self._chat_next.get(chat_id, 0.0))
            if chat_id < 0:  # group chats: 20 per rolling minute
                window = self._group_sent.setdefault(chat_id, deque())
                while window and window[0] <= at - 60.0:
                    window.popleft()
                if len(window) >= self.group_per_minute:
                    at = max(at, window[0] + 60.0)
                window.append(at)
            self._next_slot = at + 1.0 / self.per_second
            self._chat_next[chat_id] = at + self.per_chat_interval
            if len(self._chat_next) > 50_000:  # keep memory flat on huge audiences
                self._chat_next = {c: t for c, t in self._chat_next.items() if t > now}
        delay = at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    async def send(
        self,
        chat_id: int,
        call: Callable[[], Awaitable[Message]],
        claim: Callable[[], Awaitable[bool]] | None = None,
    ) -> Outcome:
        """Send one message (any Bot API call returning a Message) within the limits.

        claim() runs once, after the rate limiter let this send through and right before the
        request: callers record "sending" there, so a crash can only leave the one request in
        flight uncertain, never the ones still queued. If it returns False: skipped.
        """
        error = ""
        for attempt in range(1, self.max_attempts + 1):
            await self._wait_turn(chat_id)
            if claim is not None and attempt == 1 and not await claim():
                return Outcome("skipped", attempts=0)
            try:
                message = await call()
            except RetryAfter as exc:
                pause = _retry_seconds(exc)
                log.warning("flood control: pausing all sends for %.1f s", pause)
                async with self._lock:
                    self._paused_until = max(self._paused_until, time.monotonic() + pause)
                error = str(exc)
                continue
            except Forbidden as exc:
                return Outcome("blocked", error=exc.message, attempts=attempt)
            except BadRequest as exc:
                return Outcome("failed", error=exc.message, attempts=attempt)
            except TimedOut as exc:
                if not _surely_not_delivered(exc):
                    return Outcome("unknown", error=str(exc) or "timed out", attempts=attempt)
                error = str(exc)
            except NetworkError as exc:  # 5xx and connection errors
                error = exc.message
            else:
                return Outcome("sent", message_id=message.message_id, attempts=attempt)
            await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        return Outcome("failed", error=error or "gave up", attempts=self.max_attempts)

    async def fan_out(
        self,
        items: list[int],
        deliver: Callable[[int], Awaitable[None]],
    ) -> None:
        """Run deliver(item) for every item, a bounded number at a time.

        deliver() does its own sending through send() and records the outcome; an
        exception in one never stops the others.
        """
        queue: asyncio.Queue[int] = asyncio.Queue()
        for item in items:
            queue.put_nowait(item)

        async def worker() -> None:
            while True:
                try:
                    item = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                try:
                    await deliver(item)
                except Exception:
                    log.exception("delivery to %s failed", item)

        workers = min(self.concurrency, len(items))
        await asyncio.gather(*(worker() for _ in range(workers)))
