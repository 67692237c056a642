"""The fan-out loop under the delivery engine (bot/delivery/engine.py): a bounded number of
deliveries at a time, paused with backoff while storage fails. Only the engine calls it."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from bot.faults import Backoff, StorageUnavailable
from bot.sender import Sender

log = logging.getLogger(__name__)


async def fan_out(
    sender: Sender,
    items: list[int],
    deliver: Callable[[int], Awaitable[None]],
    *,
    keep_trying: Callable[[], bool] | None = None,
    on_wait: Callable[[bool], None] | None = None,
) -> list[int]:
    """Run deliver(item) for every item, a bounded number at a time.

    deliver() does its own sending through send() and records the outcome; an
    exception in one never stops the others. Once stopping() is true no new item is
    taken (a graceful stop leaves the rest for the next start). StorageUnavailable out of
    deliver() means nothing was sent for that item (its claim could not be written): the
    item goes back in the queue and every worker pauses with backoff, on_wait(True) is
    called, and on_wait(False) once an item went through again. Waiting ends when
    keep_trying() (default: always) says stop, or the bot stops; returns the items left.
    """
    queue: deque[int] = deque(items)
    pause = _Pause(Backoff(*sender.storage_backoff), on_wait)

    def going() -> bool:
        return sender.alive() and (keep_trying is None or keep_trying())

    async def worker() -> None:
        while (turn := await pause.turn(going)) is not None:
            if not queue or sender.stopping():
                pause.passed(turn)  # nothing left to probe with, or stopping
                return
            item = queue.popleft()
            try:
                await deliver(item)
            except StorageUnavailable as exc:
                queue.appendleft(item)
                pause.failed(exc)
                continue
            except Exception:
                log.exception("delivery to %s failed", item)
            pause.passed(turn)

    workers = min(sender.concurrency, len(items))
    await asyncio.gather(*(worker() for _ in range(workers)))
    if queue and pause.waiting:
        log.error("%d deliveries left pending: storage unavailable (%s)", len(queue),
                  pause.last)
    return list(queue)



class _Pause:
    """One fan-out's shared pause while storage fails. After each pause a single worker
    probes with one item; the others wait for its result, so a failing database is not
    hammered by every worker at once (each try may wait for a lock)."""

    def __init__(self, backoff: Backoff, on_wait: Callable[[bool], None] | None) -> None:
        self.backoff = backoff
        self.on_wait = on_wait
        self.until = 0.0
        self.waiting = False
        self.probing = False
        self.last = ""
        self._changed = asyncio.Event()

    def _wake(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def turn(self, going: Callable[[], bool]) -> bool | None:
        """Wait until this worker may take an item: False (go on), True (go, as the one
        probing whether storage is back), None (stop)."""
        loop = asyncio.get_running_loop()
        while True:
            if (left := self.until - loop.time()) > 0:
                await asyncio.sleep(left)
                continue
            if not self.waiting:
                return False
            if not going():
                self._wake()
                return None
            if not self.probing:
                self.probing = True
                return True
            await self._changed.wait()

    def failed(self, exc: StorageUnavailable) -> None:
        self.last = str(exc)
        self.probing = False
        loop = asyncio.get_running_loop()
        if loop.time() >= self.until:
            self.until = loop.time() + self.backoff.next()
        if not self.waiting:
            self.waiting = True
            log.warning("fan-out paused: storage unavailable (%s); retrying with backoff", exc)
            if self.on_wait is not None:
                self.on_wait(True)
        self._wake()

    def passed(self, probe: bool) -> None:
        """An item went through (or at least not for want of storage)."""
        if not probe:
            return  # begun before the pause: says nothing about storage now
        self.probing = False
        if self.waiting:
            self.waiting = False
            self.backoff.reset()
            log.info("fan-out resumed: storage is writable again")
            if self.on_wait is not None:
                self.on_wait(False)
        self._wake()
