"""The shared Sender (outcomes) and the outbound limiter (pacing, 429s) against the emulator
with Telegram's limits and faults switched on."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest
from telegram.ext import ExtBot

from bot import redact
from bot.delivery.fanout import fan_out
from bot.emulator import BotAPIEmulator
from bot.limiter import OutboundLimiter
from bot.sender import Outcome, Sender

# ptb's own RetryAfter constructor warns about the int form of retry_after.
pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")


Link = Callable[..., Awaitable[tuple[Any, OutboundLimiter]]]


@pytest.fixture
async def link(emulator: BotAPIEmulator) -> AsyncIterator[Link]:
    """link(per_second=..., ...) -> a bot whose every call passes an OutboundLimiter, as the
    Application's does (the Sender's pacing moved there)."""
    async with AsyncExitStack() as stack:

        async def make(**limits: Any) -> tuple[Any, OutboundLimiter]:
            limiter = OutboundLimiter(**limits)
            redact.install(emulator.token)  # as every start of the bot does
            bot = ExtBot(emulator.token, base_url=emulator.base_url, rate_limiter=limiter)
            await stack.enter_async_context(bot)
            return bot, limiter

        yield make


def open_chats(emu: BotAPIEmulator, first: int, count: int) -> list[int]:
    ids = list(range(first, first + count))
    for uid in ids:
        emu.private_chat(emu.user(uid).json)
    return ids


async def send_all(sender: Sender, bot: Any, ids: list[int], text: str = "hi") -> list[Outcome]:
    outcomes: dict[int, Outcome] = {}

    async def deliver(uid: int) -> None:
        outcomes[uid] = await sender.send(
            lambda rl: bot.send_message(uid, text, rate_limit_args=rl)
        )

    await fan_out(sender, ids, deliver)
    return [outcomes[uid] for uid in ids]


def per_chat(emu: BotAPIEmulator, ids: list[int]) -> Counter[int]:
    return Counter({uid: len(emu.messages_to(uid)) for uid in ids})


async def test_stays_within_an_enforced_limit(emulator: BotAPIEmulator, link: Link) -> None:
    emulator.set_rate_limits(per_second=100, burst=10)
    ids = open_chats(emulator, 1, 120)
    tg, limiter = await link(per_second=100)
    sender = Sender()
    began = time.monotonic()
    outcomes = await send_all(sender, tg, ids)
    elapsed = time.monotonic() - began
    assert {o.status for o in outcomes} == {"sent"}
    assert emulator.flood_errors == 0 and limiter.flood_waits == 0
    assert elapsed >= 119 / 100 * 0.95
    assert set(per_chat(emulator, ids).values()) == {1}
    stamps = [t for t, _ in emulator.deliveries]
    # No one-second window holds more than the limit plus the tolerated burst.
    assert max(sum(1 for s in stamps if t <= s < t + 1) for t in stamps) <= 110


async def test_429_pauses_everything_and_nobody_gets_two(
    emulator: BotAPIEmulator, link: Link
) -> None:
    """A limiter configured faster than Telegram allows: 429s, waits, exactly one each."""
    emulator.set_rate_limits(per_second=50, burst=20)
    ids = open_chats(emulator, 1000, 60)
    tg, limiter = await link(per_second=100)
    sender = Sender()
    outcomes = await send_all(sender, tg, ids)
    assert {o.status for o in outcomes} == {"sent"}
    assert emulator.flood_errors > 0 and limiter.flood_waits == emulator.flood_errors
    assert set(per_chat(emulator, ids).values()) == {1}
    assert max(o.attempts for o in outcomes) > 1


async def test_per_chat_interval(emulator: BotAPIEmulator, link: Link) -> None:
    (uid,) = open_chats(emulator, 2000, 1)
    tg, _limiter = await link(per_second=1000, chat_interval=0.3, chat_burst=1)
    sender = Sender()
    for n in range(3):
        outcome = await sender.send(lambda rl, n=n: tg.send_message(uid, f"m{n}",
                                                                     rate_limit_args=rl))
        assert outcome.status == "sent"
    stamps = [t for t, c in emulator.deliveries if c == uid]
    assert all(b - a >= 0.28 for a, b in zip(stamps, stamps[1:], strict=False))


async def test_5xx_is_retried_then_given_up(emulator: BotAPIEmulator, link: Link) -> None:
    a, b = open_chats(emulator, 3000, 2)
    tg, _limiter = await link(per_second=1000, chat_interval=0)
    sender = Sender(backoff=0.01, max_attempts=3)
    emulator.fail_next("sendMessage", 2, code=502, chat_id=a)
    emulator.fail_next("sendMessage", 5, code=500, description="Internal Server Error",
                       chat_id=b)  # fmt: skip
    first = await sender.send(lambda rl: tg.send_message(a, "x", rate_limit_args=rl))
    assert first.status == "sent" and first.attempts == 3
    second = await sender.send(lambda rl: tg.send_message(b, "x", rate_limit_args=rl))
    assert second == Outcome("failed", error="Internal Server Error", attempts=3)
    assert len(emulator.messages_to(a)) == 1 and emulator.messages_to(b) == []


async def test_timeout_after_delivery_is_unknown_and_not_retried(
    emulator: BotAPIEmulator, link: Link
) -> None:
    (uid,) = open_chats(emulator, 4000, 1)
    tg, _limiter = await link(per_second=1000)
    sender = Sender(timeout=0.3)
    emulator.hang_next("sendMessage", 1, seconds=1.0, deliver=True)
    outcome = await sender.send(lambda rl: tg.send_message(uid, "once", rate_limit_args=rl))
    assert outcome.status == "unknown" and outcome.attempts == 1
    assert [m.text for m in emulator.messages_to(uid)] == ["once"]


async def test_blocked_and_bad_request_are_final(emulator: BotAPIEmulator, link: Link) -> None:
    (uid,) = open_chats(emulator, 5000, 1)
    emulator.block(uid)
    tg, _limiter = await link(per_second=1000)
    sender = Sender()
    blocked = await sender.send(lambda rl: tg.send_message(uid, "x", rate_limit_args=rl))
    assert blocked == Outcome("blocked", error="Forbidden: bot was blocked by the user")
    missing = await sender.send(lambda rl: tg.send_message(424242, "x", rate_limit_args=rl))
    assert missing == Outcome("failed", error="Chat not found")
    calls = [p["chat_id"] for name, p in emulator.calls if name == "sendMessage"]
    assert calls == [uid, 424242]  # one try each


async def test_reminders_and_broadcast_share_the_limit(
    emulator: BotAPIEmulator, link: Link
) -> None:
    """Two fan-outs at once through one limiter stay within one overall limit together."""
    emulator.set_rate_limits(per_second=80, burst=8)
    tg, _limiter = await link(per_second=80)
    sender = Sender()
    first = open_chats(emulator, 6000, 60)
    second = open_chats(emulator, 7000, 60)
    began = time.monotonic()
    results = await asyncio.gather(send_all(sender, tg, first), send_all(sender, tg, second))
    assert all(o.status == "sent" for batch in results for o in batch)
    assert emulator.flood_errors == 0
    assert time.monotonic() - began >= 119 / 80 * 0.95
