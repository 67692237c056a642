"""The one rate-limited sender every fan-out goes through (reminders, broadcasts).

Limits are Telegram's: about 30 messages/s overall, 1/s per chat, 20/min per group chat.
Rate limiting uses the real monotonic clock: it is about the wire, not about program time.

Outcomes, and what is retried:
- sent: Telegram answered with the message.
- blocked: 403 Forbidden (blocked, deactivated, kicked). Never retried.
- failed: 400 Bad Request (chat not found, ...), or retries used up. Not retried further.
- unknown: the request timed out after it may have reached Telegram. Not retried, because
  Telegram has no idempotency key and a retry could deliver twice; counted and logged instead.
Retried: 429 RetryAfter (after the time Telegram asks, pausing every send; does not use up an
attempt), 5xx and connection errors with exponential backoff (up to max_attempts), i.e. answers
that prove the message did not arrive.

Limits come from settings (SEND_RATE, SEND_CHAT_INTERVAL) so tests and benchmarks can change
them; production keeps Telegram's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Literal, Protocol

import httpx
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

Status = Literal["sent", "blocked", "failed", "unknown", "skipped"]


class HasMessageId(Protocol):
    """Message (send*, edit*) or MessageId (copyMessage)."""

    @property
    def message_id(self) -> int: ...


@dataclass(frozen=True)
class Outcome:
    status: Status
    message_id: int | None = None
    error: str | None = None
    attempts: int = 1


def _retry_seconds(exc: RetryAfter) -> float:
    # The private field avoids ptb's deprecation warning on the int form of retry_after.
    value = getattr(exc, "_retry_after", None)
    if value is None:
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
        timeout: float | None = None,
        max_flood_waits: int = 20,
    ) -> None:
        self.per_second = per_second
        self.per_chat_interval = per_chat_interval
        self.group_per_minute = group_per_minute
        self.max_attempts = max_attempts  # tries on 5xx / connection errors
        self.backoff = backoff
        self.concurrency = concurrency
        # Seconds to wait for one answer (None: the HTTP client's read timeout decides).
        self.timeout = timeout
        self.max_flood_waits = max_flood_waits  # 429s tolerated for one message
        self.flood_waits = 0  # 429s seen since start, for logs and tests
        self._lock = asyncio.Lock()
        self._next_slot = 0.0  # monotonic time of the next overall send slot
        self._paused_until = 0.0  # set by RetryAfter: every send waits
        self._chat_next: dict[int, float] = {}
        self._group_sent: dict[int, deque[float]] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> Sender:
        return cls(per_second=settings.send_rate, per_chat_interval=settings.send_chat_interval)

    async def _reserve(self, chat_id: int) -> float:
        """Reserve a slot that respects all three limits; returns its monotonic time."""
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
        return at

    async def _wait_turn(self, chat_id: int) -> None:
        while True:
            delay = await self._reserve(chat_id) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            # A 429 that arrived while we slept voids the slot: queue again behind the pause.
            if time.monotonic() >= self._paused_until:
                return

    async def _call(self, call: Callable[[], Awaitable[HasMessageId]]) -> HasMessageId:
        if self.timeout is None:
            return await call()
        try:
            return await asyncio.wait_for(call(), self.timeout)
        except TimeoutError:
            raise TimedOut(f"no answer within {self.timeout:g} s") from None

    async def send(
        self,
        chat_id: int,
        call: Callable[[], Awaitable[HasMessageId]],
        claim: Callable[[], Awaitable[bool]] | None = None,
    ) -> Outcome:
        """Send one message (any Bot API call answering a Message or MessageId) within limits.

        claim() runs once, after the rate limiter let this send through and right before the
        request: callers record "sending" there, so a crash can only leave the one request in
        flight uncertain, never the ones still queued. If it returns False: skipped.
        """
        error = ""
        tries = failures = floods = 0
        while True:
            await self._wait_turn(chat_id)
            if claim is not None and tries == 0 and not await claim():
                return Outcome("skipped", attempts=0)
            tries += 1
            try:
                message = await self._call(call)
            except RetryAfter as exc:
                # Proof that nothing was delivered: retry after the pause, without using up
                # an attempt (up to max_flood_waits, so a stuck limit cannot loop forever).
                pause = _retry_seconds(exc)
                log.warning("flood control: pausing all sends for %.1f s", pause)
                self.flood_waits += 1
                async with self._lock:
                    self._paused_until = max(self._paused_until, time.monotonic() + pause)
                floods += 1
                if floods >= self.max_flood_waits:
                    return Outcome("failed", error=str(exc), attempts=tries)
                continue
            except Forbidden as exc:
                return Outcome("blocked", error=exc.message, attempts=tries)
            except BadRequest as exc:
                return Outcome("failed", error=exc.message, attempts=tries)
            except TimedOut as exc:
                if not _surely_not_delivered(exc):
                    return Outcome("unknown", error=str(exc) or "timed out", attempts=tries)
                error = str(exc)
            except NetworkError as exc:  # 5xx and connection errors
                error = exc.message
            except TelegramError as exc:  # ChatMigrated, InvalidToken, ...: not retryable
                return Outcome("failed", error=exc.message, attempts=tries)
            else:
                return Outcome("sent", message_id=message.message_id, attempts=tries)
            failures += 1
            if failures >= self.max_attempts:
                return Outcome("failed", error=error or "gave up", attempts=tries)
            await asyncio.sleep(self.backoff * 2 ** (failures - 1))

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
