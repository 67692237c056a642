"""What a Bot API call says about itself to the outbound limiter (bot/limiter.py), and the
small parts the limiter is made of: which calls Telegram's flood limits count, how long a
429 asks to wait, a token bucket.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from telegram.error import RetryAfter

Priority = Literal["interactive", "bulk"]


@dataclass(frozen=True)
class Outbound:
    """rate_limit_args of a call: its class, the claim to run once released, a timeout."""

    priority: Priority = "bulk"
    # Runs right before each request made for the call (released by the limiter; again
    # before a retry after a 429). False: nothing is sent, NotClaimed is raised.
    before_send: Callable[[], Awaitable[bool]] | None = None
    timeout: float | None = None  # seconds to wait for Telegram's answer once the call left


BULK = Outbound("bulk")
INTERACTIVE = Outbound("interactive")


class NotClaimed(Exception):
    """before_send() said no (taken by another run, cancelled, stopping): nothing was sent."""


def counted(endpoint: str) -> bool:
    """Calls that put a message in a chat or change one: Telegram's flood limits apply."""
    name = endpoint.lower()
    if name == "sendchataction":
        return False
    return name.startswith(("send", "copymessage", "forwardmessage", "editmessage"))


def retry_seconds(exc: RetryAfter) -> float:
    # The private field avoids ptb's deprecation warning on the int form of retry_after.
    value = getattr(exc, "_retry_after", None)
    if value is None:
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TokenBucket:
    """Token bucket: `capacity` at once, refilled at `rate` per second."""

    __slots__ = ("capacity", "rate", "stamp", "tokens")

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = time.monotonic()

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def ready_at(self, now: float) -> float:
        """When one token is there (now, or later)."""
        self._refill(now)
        return now if self.tokens >= 1.0 else now + (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0

    def full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.capacity
