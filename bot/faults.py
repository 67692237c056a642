"""Storage faults as the rest of the bot sees them, and how work waits them out.

The database raises StorageUnavailable when it cannot take a statement right now: disk full,
an I/O error, a lock held by another writer past the busy timeout, the file deleted or
replaced (bot/storage/db.py). Nothing was written, and the work that failed is still to do:

- fan-outs pause and retry the recipient with backoff (bot/sender.py `Sender.fan_out`);
- an outcome already known (a message sent) is written with `persist()`, retried until it
  sticks, so a sent message is never recorded as pending and sent again;
- a person's update gets "temporarily unable to save, please try again"
  (handlers/errors.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class StorageUnavailable(Exception):
    """The storage cannot take this statement right now; nothing was changed. Try later."""


class NotRecorded(Exception):
    """persist() gave up (the bot is stopping, or the work's deadline passed)."""


@dataclass
class Backoff:
    """Waits that double from `first` up to `cap` seconds (real time: storage, not program)."""

    first: float = 0.2
    cap: float = 5.0
    failures: int = 0

    def next(self) -> float:
        self.failures += 1
        return min(self.cap, self.first * 2 ** (self.failures - 1))

    def reset(self) -> None:
        self.failures = 0


async def persist(write: Callable[[], Awaitable[T]], *, keep_trying: Callable[[], bool],
                  what: str, backoff: Backoff | None = None) -> T:
    """Run a write that must not be lost, again and again while storage is unavailable.

    Raises NotRecorded once keep_trying() says stop (never StorageUnavailable: callers use
    that to mean "nothing happened yet, retry the whole item").
    """
    backoff = backoff or Backoff()
    while True:
        try:
            return await write()
        except StorageUnavailable as exc:
            if not keep_trying():
                log.error("gave up writing %s: %s", what, exc)
                raise NotRecorded(what) from exc
            pause = backoff.next()
            if backoff.failures == 1:
                log.warning("storage unavailable while writing %s (%s); retrying", what, exc)
            await asyncio.sleep(pause)
