"""Outcomes of Bot API sends: the one place they are classified, and the one call every send
(replies, and the delivery engine's fan-outs, bot/delivery/) claims through.

Pacing is not done here: every Bot API call passes the outbound limiter (bot/limiter.py),
which also waits out 429 RetryAfter answers. send() builds the call's rate_limit_args (class,
claim, timeout) and classifies what came back:
- sent: Telegram answered with the message.
- blocked: 403 Forbidden (blocked, deactivated, kicked). Never retried.
- failed: 400 Bad Request (chat not found, ...), retries used up, or flood control that
  never ended (the limiter gave up). Not retried further.
- unknown: the request timed out after it may have reached Telegram. Not retried, because
  Telegram has no idempotency key and a retry could deliver twice; counted and logged instead.
- skipped: the claim said no (someone else took it, cancelled, stopping); nothing was sent.
Retried here: 5xx and connection errors with exponential backoff (up to max_attempts), i.e.
answers that prove the message did not arrive.

Claim after the limiter: send(call, claim=...) hands the claim ("mark this recipient
sending") to the limiter, which runs it once, when it releases the first try and right before
the request. So a crash can only leave the requests truly in flight uncertain, never the
ones still queued.

Storage faults (bot/faults.py): a claim the database cannot write raises StorageUnavailable
out of send() with nothing sent. The delivery engine (bot/delivery/) then puts that recipient
back, pauses with backoff and tries again, and writes outcomes with bot.faults.persist().
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import httpx
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bot.outbound import NotClaimed, Outbound, Priority

log = logging.getLogger(__name__)

Status = Literal["sent", "blocked", "failed", "unknown", "skipped"]


class HasMessageId(Protocol):
    """Message (send*, edit*) or MessageId (copyMessage)."""

    @property
    def message_id(self) -> int: ...


# One Bot API call, given the rate_limit_args to pass on: lambda rl: bot.send_message(...,
# rate_limit_args=rl).
Call = Callable[[Outbound], Awaitable[HasMessageId]]
Claim = Callable[[], Awaitable[bool]]


@dataclass(frozen=True)
class Outcome:
    status: Status
    message_id: int | None = None
    error: str | None = None
    attempts: int = 1
    migrated_to: int | None = None  # the group became this supergroup: send there instead
    file_id: str | None = None  # a document sent: Telegram's id for it, to send it again


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
        max_attempts: int = 5,
        backoff: float = 0.5,
        concurrency: int = 16,
        timeout: float | None = None,
        stopping: Callable[[], bool] | None = None,
    ) -> None:
        # True once the bot is stopping (bot/app.py sets it): fan-outs take no new recipient
        # and claims say no, so the rest stays pending for the next start.
        self.stopping: Callable[[], bool] = stopping or (lambda: False)
        self.max_attempts = max_attempts  # tries on 5xx / connection errors
        self.backoff = backoff
        self.concurrency = concurrency  # sends of one fan-out under way (queued) at once
        # Seconds to wait for one answer once the request left (None: the HTTP client's read
        # timeout decides). Time queued in the limiter does not count.
        self.timeout = timeout
        self.storage_backoff = (0.2, 5.0)  # first and longest pause while storage fails

    def alive(self) -> bool:
        """Not stopping: work waiting for storage (bot/faults.py persist) keeps trying."""
        return not self.stopping()

    async def send(self, call: Call, claim: Claim | None = None, *,
                   priority: Priority = "bulk") -> Outcome:  # fmt: skip
        """Make one Bot API call answering a Message or MessageId, and classify the outcome.

        claim() runs at most once, when the limiter has released the call, right before the
        request: callers record "sending" there. If it returns False: skipped, nothing sent.
        """
        if claim is not None and self.stopping():
            return Outcome("skipped", attempts=0)  # left pending for the next start
        claimed: bool | None = None if claim is not None else True
        tries = 0  # requests made (each 429 retry by the limiter is one more)

        async def before_send() -> bool:
            nonlocal claimed, tries
            if claimed is None:
                assert claim is not None
                claimed = not self.stopping() and await claim()
            if claimed:
                tries += 1
            return claimed

        args = Outbound(priority, before_send, self.timeout)
        error = ""
        failures = 0
        while True:
            try:
                message = await call(args)
            except NotClaimed:
                return Outcome("skipped", attempts=0)
            except RetryAfter as exc:  # the limiter waited out many; flood control never ended
                return Outcome("failed", error=str(exc), attempts=tries)
            except Forbidden as exc:
                return Outcome("blocked", error=exc.message, attempts=tries)
            except ChatMigrated as exc:  # 400 with migrate_to_chat_id: nothing was delivered
                return Outcome("failed", error=exc.message, attempts=tries,
                               migrated_to=exc.new_chat_id)
            except BadRequest as exc:
                return Outcome("failed", error=exc.message, attempts=tries)
            except TimedOut as exc:
                if not _surely_not_delivered(exc):
                    return Outcome("unknown", error=str(exc) or "timed out", attempts=tries)
                error = str(exc)
            except NetworkError as exc:  # 5xx and connection errors
                error = exc.message
            except TelegramError as exc:  # InvalidToken, ...: not retryable
                return Outcome("failed", error=exc.message, attempts=tries)
            except Exception as exc:  # not a Telegram answer
                if not tries:
                    raise  # no request was made, so nothing can have gone out
                log.exception("send failed without an answer from Telegram")
                return Outcome("unknown", error=type(exc).__name__, attempts=tries)
            else:
                if not tries:
                    raise RuntimeError("the call did not pass rate_limit_args to the limiter")
                document = getattr(message, "document", None)
                return Outcome("sent", message_id=message.message_id, attempts=tries,
                               file_id=getattr(document, "file_id", None))
            failures += 1
            if failures >= self.max_attempts:
                return Outcome("failed", error=error or "gave up", attempts=tries)
            await asyncio.sleep(self.backoff * 2 ** (failures - 1))
