"""Telegram's flood limits and injected faults, for the emulator's HTTP layer.

Limits are off unless a test or benchmark turns them on (``emu.set_rate_limits(...)``). Only
methods that send a new message count, as Telegram's documented limits are about messages:
about 30 per second overall, 1 per second per chat (short bursts tolerated), 20 per minute
per group chat. An excess answers 429 ``Too Many Requests: retry after N`` with
``parameters.retry_after`` (whole seconds, at least 1), and nothing is delivered.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field

SEND_METHODS = frozenset(
    {
        "sendMessage", "sendPhoto", "sendVideo", "sendVoice", "sendAudio", "sendAnimation",
        "sendDocument", "copyMessage", "forwardMessage",
    }
)  # fmt: skip


class _Bucket:
    """Token bucket: `capacity` sends at once, refilled at `rate` per second."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(capacity, 1.0)
        self.tokens = self.capacity
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until one token is there (0: available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1.0


@dataclass
class RateLimits:
    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    group_per_minute: int = 20
    burst: float | None = None  # overall bucket size; default: one second's worth
    chat_burst: float = 5.0  # Telegram tolerates short bursts in one chat
    _overall: _Bucket | None = field(default=None, init=False, repr=False)
    _chats: dict[int, _Bucket] = field(default_factory=dict, init=False, repr=False)
    _groups: dict[int, deque[float]] = field(default_factory=dict, init=False, repr=False)

    def admit(self, chat_id: int | None) -> int | None:
        """None: the send may go ahead (and is counted); else retry_after in seconds."""
        now = time.monotonic()
        if self._overall is None:
            self._overall = _Bucket(self.per_second, self.burst or self.per_second, now)
        waits = [self._overall.wait(now)]
        chat: _Bucket | None = None
        window: deque[float] | None = None
        if isinstance(chat_id, int) and chat_id < 0:
            window = self._groups.setdefault(chat_id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.group_per_minute:
                waits.append(window[0] + 60.0 - now)
        elif isinstance(chat_id, int):
            chat = self._chats.get(chat_id)
            if chat is None:
                chat = self._chats[chat_id] = _Bucket(
                    self.per_chat_per_second, self.chat_burst, now
                )
            waits.append(chat.wait(now))
        longest = max(waits)
        if longest > 0:
            return max(1, math.ceil(longest))
        self._overall.take()
        if chat is not None:
            chat.take()
        if window is not None:
            window.append(now)
        return None


@dataclass
class Fault:
    """The next `times` calls of `method` (optionally only to one chat) misbehave."""

    method: str
    times: int
    code: int | None = None  # answer this HTTP error code
    description: str = ""
    hold: float = 0.0  # seconds to keep the client waiting before answering
    deliver: bool = False  # with hold: perform the call first (it arrived, the answer did not)
    chat_id: int | None = None

    def matches(self, method: str, chat_id: object) -> bool:
        return (
            self.times > 0
            and self.method.lower() == method.lower()
            and (self.chat_id is None or self.chat_id == chat_id)
        )
