"""The delivery engine: every message to many people leaves through run().

A feature declares what to deliver (a Delivery: its kind, recipients, how to render one
recipient's message, where its claims live); the engine does the rest, the same way for
everyone:
- each recipient is claimed only when the outbound limiter releases its send (bot/sender.py),
  so a crash leaves at most the requests truly in flight uncertain ('unknown', never resent);
- the outcome is written with persist(): a storage fault after a message left is waited
  out, never taken for "not sent";
- a storage fault on a claim puts the recipient back and pauses the fan-out with backoff
  (bot/delivery/fanout.py) until storage is back or keep_trying() says stop;
- a 403 marks the person inactive (Services.mark_blocked), never retried;
- a group that became a supergroup gets the message at its new id (on_migrated moves the
  feature's link first);
- outcomes are counted; report() runs once the fan-out is over (not when stopping);
- once the bot is stopping no recipient is taken or claimed: the rest stays pending, and each
  feature's job builder resumes it at the next start.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from telegram import InlineKeyboardMarkup, InputFile, ReplyParameters
from telegram.ext import Application

from bot.delivery.fanout import fan_out
from bot.delivery.kinds import Kind
from bot.faults import persist
from bot.sender import Call, Outcome
from bot.services import get_services


@dataclass(frozen=True)
class Text:
    text: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Document:
    """A file with the rendered text as its caption (<= 1024)."""

    filename: str
    data: bytes
    caption: str
    markup: InlineKeyboardMarkup | None = None


@dataclass(frozen=True)
class Copy:
    """A copy of a message already in a chat (a broadcast, a participant's question)."""

    from_chat_id: int
    message_id: int
    reply_to: int | None = None


@dataclass(frozen=True)
class Undeliverable:
    """Nothing can be sent to this recipient (its document could not be made...): claimed
    and recorded 'failed' with the reason, so it is not tried again."""

    error: str


Message = Text | Document | Copy | Undeliverable

log = logging.getLogger(__name__)


class Ledger(Protocol):
    """Where a kind's claims and outcomes live (a table with one row per recipient)."""

    async def claim(self, chat_id: int) -> bool:
        """pending -> sending, committed; False: someone else took it, or it is gone."""
        ...

    async def record(self, chat_id: int, outcome: Outcome) -> None:
        """The outcome of a claimed send (or 'skipped' for one no longer a recipient)."""
        ...


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)
    left: int = 0  # recipients never tried: storage stayed unavailable, or stopping

    @property
    def sent(self) -> int:
        return self.counts["sent"]

    @property
    def not_sent(self) -> int:
        return sum(self.counts.values()) - self.sent


Render = Callable[[int], Awaitable[Message | None]]


@dataclass
class Delivery:
    kind: Kind
    name: str  # this run, for log lines ("reminder:3:60", "broadcast 7")
    recipients: Sequence[int]  # chat ids (negative: a group chat)
    render: Render  # None: no longer a recipient (recorded 'skipped')
    ledger: Ledger | None = None  # None: not recorded (kept in memory; lost in a crash)
    keep_trying: Callable[[], bool] | None = None  # wait out storage faults while true
    halted: Callable[[], bool] = lambda: False  # cancelled: take and claim no one more
    on_wait: Callable[[bool], None] | None = None  # storage fault pause began / ended
    on_migrated: Callable[[int, int], Awaitable[None]] | None = None  # (old, new) group id
    after: Callable[[int, Outcome], Awaitable[None]] | None = None  # once recorded
    report: Callable[[Report], Awaitable[None]] | None = None  # when every recipient is done


async def run(app: Application, delivery: Delivery) -> Report:
    """Deliver to every recipient once; returns what became of them."""
    svc = get_services(app)
    sender = svc.sender
    ledger = delivery.ledger
    result = Report()

    def going() -> bool:
        return sender.alive() and (delivery.keep_trying is None or delivery.keep_trying())

    async def record(chat_id: int, outcome: Outcome) -> None:
        if ledger is not None:
            await persist(lambda: ledger.record(chat_id, outcome), keep_trying=sender.alive,
                          what=f"{delivery.name} to {chat_id}")

    async def one(chat_id: int) -> None:
        if delivery.halted():
            return
        message = await delivery.render(chat_id)
        if message is None:
            await record(chat_id, Outcome("skipped", attempts=0, error="no longer a recipient"))
            return
        claim = None
        if ledger is not None:
            async def claim() -> bool:
                return not delivery.halted() and await ledger.claim(chat_id)
        if isinstance(message, Undeliverable):
            if claim is not None and not await claim():
                return
            outcome = Outcome("failed", attempts=0, error=message.error)
        else:
            outcome = await sender.send(_call(app, chat_id, message), claim=claim)
        if outcome.status == "skipped":
            return  # taken by another run, cancelled or stopping: left as it was
        await record(chat_id, outcome)
        result.counts[outcome.status] += 1
        if outcome.migrated_to is not None and delivery.on_migrated is not None:
            await delivery.on_migrated(chat_id, outcome.migrated_to)
            log.info("%s: group %s became supergroup %s", delivery.name, chat_id,
                     outcome.migrated_to)
            await one(outcome.migrated_to)  # once, to the supergroup
        elif outcome.status == "blocked" and chat_id > 0:
            await svc.mark_blocked(chat_id)
        if delivery.after is not None:
            await delivery.after(chat_id, outcome)

    left = await fan_out(sender, list(delivery.recipients), one, keep_trying=going,
                         on_wait=delivery.on_wait)
    result.left = len(left)
    if left:
        log.error("%s: %d recipients left pending (storage unavailable past its time, or "
                  "stopping)", delivery.name, len(left))
    if not app.running or sender.stopping():
        log.info("%s paused for shutdown; it resumes at the next start", delivery.name)
        return result
    if delivery.report is not None:
        await delivery.report(result)
    return result


def _call(app: Application, chat_id: int, message: Message
          ) -> Call:
    bot = app.bot
    match message:
        case Text(text, markup):
            return lambda rl: bot.send_message(chat_id, text, reply_markup=markup,
                                               rate_limit_args=rl)
        case Document(filename, data, caption, markup):
            return lambda rl: bot.send_document(chat_id, InputFile(data, filename=filename),
                                                caption=caption, reply_markup=markup,
                                                rate_limit_args=rl)
        case Copy(from_chat_id, message_id, reply_to):
            reply = (ReplyParameters(reply_to, allow_sending_without_reply=True)
                     if reply_to else None)
            return lambda rl: bot.copy_message(chat_id, from_chat_id, message_id,
                                               reply_parameters=reply, rate_limit_args=rl)
    raise TypeError(f"not a message to send: {message!r}")
