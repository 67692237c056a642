"""Updates handled concurrently: different people in parallel, one person's in order.

Installed with ``ApplicationBuilder.concurrent_updates(UpdateProcessor())``. Every update has
a key: the person it comes from (else its chat). An update waits until the previous update
with the same key is finished, so one person's messages, button presses and typed answers
are handled in the order they were sent, exactly as before; updates of different people run
side by side, at most ``workers`` at a time.

An update waiting for its turn, or a handler waiting for the outbound limiter (bot/limiter.py)
to let its reply go, holds none of the ``workers``: one busy person, or a queue of replies
at Telegram's rate, never holds up everyone else's updates.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from contextvars import ContextVar
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates started at once, at most, counting those waiting for their turn or a worker (ptb's
# own bound; beyond it an update waits to start): far above `workers`, so that one person's
# queued updates can never take the places of everyone else's.
BACKLOG = 10_000


class Slot:
    """One of the workers, held by the task handling one update."""

    __slots__ = ("held", "kind", "task", "update_id", "_workers")

    def __init__(self, workers: asyncio.Semaphore, update: object) -> None:
        self._workers = workers
        self.task = asyncio.current_task()
        self.held = False
        self.kind = kind_of(update)
        self.update_id = update.update_id if isinstance(update, Update) else None

    async def acquire(self) -> None:
        if not self.held:
            await self._workers.acquire()
            self.held = True

    def release(self) -> None:
        if self.held:
            self.held = False
            self._workers.release()

    async def reacquire(self) -> None:
        if not self.held and asyncio.current_task() is self.task:
            await self.acquire()


_current: ContextVar[Slot | None] = ContextVar("update_slot", default=None)


def current_slot() -> Slot | None:
    """The slot of the update the running task is handling (None in jobs and background
    work, even when a handler started it)."""
    slot = _current.get()
    if slot is None or slot.task is not asyncio.current_task():
        return None
    return slot


def kind_of(update: object) -> str:
    """'message /next', 'callback_query ci:3:41', 'my_chat_member'... for logs."""
    if not isinstance(update, Update):
        return type(update).__name__
    for name in ("message", "edited_message", "callback_query", "my_chat_member",
                 "chat_member", "inline_query"):
        value = getattr(update, name, None)
        if value is None:
            continue
        if name == "message" and update.message is not None and update.message.text:
            words = update.message.text.split(maxsplit=1)  # none: only whitespace
            first = words[0] if words else ""
            return f"message {first[:32]}" if first.startswith("/") else "message"
        if name == "callback_query" and update.callback_query is not None:
            return f"callback_query {(update.callback_query.data or '')[:32]}"
        return name
    return "update"


def describe(slot: Slot | None) -> str:
    if slot is None:
        return "no update (a job or background work)"
    return f"update {slot.update_id} ({slot.kind})"


def key_of(update: object) -> object:
    """Whose turn: the person, else the chat; None (no ordering) for anything else."""
    if isinstance(update, Update):
        if update.effective_user is not None:
            return ("user", update.effective_user.id)
        if update.effective_chat is not None:
            return ("chat", update.effective_chat.id)
    return None


class _Turn:
    """One update's place in its person's line: later ones wait until it is done."""

    __slots__ = ("done", "forward", "waiters")

    def __init__(self) -> None:
        self.done = False
        self.forward: _Turn | None = None  # cancelled before its turn: wait for this instead
        self.waiters: list[asyncio.Future[None]] = []

    def wait(self) -> asyncio.Future[None] | None:
        if self.forward is not None:
            return self.forward.wait()
        if self.done:
            return None
        future = asyncio.get_running_loop().create_future()
        self.waiters.append(future)
        return future

    def finish(self) -> None:
        self.done = True
        for future in self.waiters:
            if not future.done():
                future.set_result(None)
        self.waiters.clear()


class UpdateProcessor(BaseUpdateProcessor):
    def __init__(self, workers: int = 64) -> None:
        super().__init__(BACKLOG)
        self.workers = workers
        self._workers = asyncio.Semaphore(workers)
        self._tails: dict[object, _Turn] = {}

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = key_of(update)
        turn = _Turn()
        previous = None
        if key is not None:
            previous = self._tails.get(key)
            self._tails[key] = turn
        waiting = previous.wait() if previous is not None else None
        if waiting is not None:
            try:
                await waiting
            except asyncio.CancelledError:  # (shutting down) the next still waits its turn
                assert previous is not None
                turn.forward = previous
                previous.waiters.extend(turn.waiters)
                if asyncio.iscoroutine(coroutine):
                    coroutine.close()
                raise
        try:
            slot = Slot(self._workers, update)
            await slot.acquire()
            token = _current.set(slot)
            try:
                await coroutine
            finally:
                _current.reset(token)
                slot.release()
        finally:
            turn.finish()
            if key is not None and self._tails.get(key) is turn:
                del self._tails[key]
