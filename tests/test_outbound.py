"""The one outbound path: priorities, 429s and claims in the limiter; concurrent updates.

The limiter is driven through a real ExtBot against the emulator (every call is a real HTTP
request); the end-to-end tests run the real Application with the emulator's limits on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter
from telegram.ext import ExtBot

from bot import redact
from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, FakeUser
from bot.jobs import fire_due
from bot.limiter import OutboundLimiter
from bot.outbound import BULK
from bot.sender import Sender
from bot.services import Services
from tests.helpers import ORGANIZER_ID

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

Link = Callable[..., Awaitable[tuple[Any, OutboundLimiter]]]
S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)


@pytest.fixture
async def link(emulator: BotAPIEmulator) -> AsyncIterator[Link]:
    """link(**limits) -> (a bot whose calls all pass an OutboundLimiter, the limiter)."""
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


def sent_order(emu: BotAPIEmulator) -> list[int]:
    return [p["chat_id"] for name, p in emu.calls if name == "sendMessage"]


# --- the limiter ---------------------------------------------------------------------


async def test_interactive_calls_overtake_queued_bulk(
    emulator: BotAPIEmulator, link: Link
) -> None:
    bulk = open_chats(emulator, 1, 12)
    replies = open_chats(emulator, 101, 4)
    tg, limiter = await link(per_second=20)
    calls = [tg.send_message(c, "bulk", rate_limit_args=BULK) for c in bulk]
    calls += [tg.send_message(c, "reply") for c in replies]  # no rate_limit_args: interactive
    await asyncio.gather(*calls)
    order = sent_order(emulator)
    # The bucket lets two bulk sends go at once; every reply made while the rest of the bulk
    # sends were queued goes before all of them.
    assert sorted(order.index(c) for c in replies) == [2, 3, 4, 5]
    assert limiter.released == {"interactive": 4, "bulk": 12}


async def test_bulk_leaves_the_reserve_free_while_people_interact(
    emulator: BotAPIEmulator, link: Link
) -> None:
    chats = open_chats(emulator, 1, 41)
    tg, limiter = await link(per_second=40, reserve=0.5, busy_window=60)
    await tg.send_message(chats[0], "a reply")  # someone is interacting from now on
    began = time.monotonic()
    await asyncio.gather(*(tg.send_message(c, "bulk", rate_limit_args=BULK) for c in chats[1:]))
    # 40 bulk sends at half of 40/s (two at once from the bucket): at least 1.9 s.
    assert time.monotonic() - began >= 38 / 20 * 0.95
    assert limiter.reserve == 0.5


async def test_retry_after_is_waited_out_for_both_classes(
    emulator: BotAPIEmulator, link: Link
) -> None:
    """Telegram (the emulator) allows 10/s; the limiter is told 1000/s: 429s, never a loss."""
    emulator.set_rate_limits(per_second=10, burst=5)
    bulk = open_chats(emulator, 1, 8)
    replies = open_chats(emulator, 101, 8)
    tg, limiter = await link(per_second=1000)
    sender = Sender()
    results = await asyncio.gather(
        *(sender.send(lambda rl, c=c: tg.send_message(c, "bulk", rate_limit_args=rl))
          for c in bulk),
        *(tg.send_message(c, "reply") for c in replies),
    )
    assert emulator.flood_errors > 0 and limiter.flood_waits == emulator.flood_errors
    assert {r.status for r in results[:8]} == {"sent"}  # type: ignore[union-attr]
    assert all(r.text == "reply" for r in results[8:])  # type: ignore[union-attr]
    assert {len(emulator.messages_to(c)) for c in bulk + replies} == {1}


async def test_callback_answers_are_not_held_by_a_flood_pause(
    emulator: BotAPIEmulator, link: Link
) -> None:
    emulator.set_rate_limits(per_second=1, burst=1)
    (chat,) = open_chats(emulator, 1, 1)
    tg, limiter = await link(per_second=1000)
    await tg.send_message(chat, "first")
    done: list[str] = []

    async def reply() -> None:
        await tg.send_message(chat, "second")  # 429: waits about a second, then goes
        done.append("message")

    async def answer() -> None:
        await asyncio.sleep(0.05)  # the message is already waiting out its 429
        await tg.answer_callback_query(emulator.new_query_id(chat), text="ok")
        done.append("callback answer")

    await asyncio.gather(reply(), answer())
    assert done == ["callback answer", "message"]
    assert limiter.flood_waits >= 1 and [m.text for m in emulator.messages_to(chat)] == [
        "first", "second"]


# --- the Application -----------------------------------------------------------------


async def seed(svc: Services, emu: BotAPIEmulator, ids: list[int], *, group: str = "core"
               ) -> None:  # fmt: skip
    now = svc.clock.now().isoformat()
    async with svc.repo.db.transaction() as db:
        await db.write_many(
            "INSERT INTO participants (user_id, language, country, zone, grp, first_name, "
            "onboarded, active, created_at, updated_at) "
            "VALUES (?, 'en', 'GH', 'Africa/Accra', ?, ?, 1, 1, ?, ?)",
            [(uid, group, f"P{uid}", now, now) for uid in ids],
        )
    for uid in ids:
        emu.private_chat(emu.user(uid, "en", first_name=f"P{uid}").json)


async def broadcast(organizer: FakeUser, text: str) -> None:
    """Compose a broadcast to everyone and press Send now (returns once it is under way)."""
    await organizer.send("/broadcast")
    await organizer.press("Continue")
    await organizer.send(text, expect=3)
    await organizer.press("Send now", expect=0)


async def test_replies_are_never_lost_while_a_broadcast_runs(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    """Telegram's 30 msg/s enforced; 30 people send commands while 150 people get a
    broadcast: every command is answered, nobody gets the broadcast twice, no 429."""
    emulator.set_rate_limits(per_second=30, per_chat_per_second=1)
    recipients = list(range(10_000, 10_150))
    await seed(bot, emulator, recipients)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await broadcast(organizer, "Session 3 moved to 15:00")
    await seed(bot, emulator, [20_000 + n for n in range(30)])  # core members, not recipients
    people = [emulator.users[20_000 + n] for n in range(30)]
    answers = await asyncio.gather(*(p.send("/next", timeout=30) for p in people))
    assert all(len(a) == 1 and "Session 3" in a[0].text for a in answers)
    await bot.join()
    assert {len(emulator.messages_to(uid)) for uid in recipients} == {1}
    assert organizer.messages[-1].text.startswith("📣 Broadcast #1: finished\n✅ Delivered: 150")
    assert emulator.flood_errors == 0 and bot.limiter.dropped == 0


async def test_thirty_replies_by_one_person_do_not_hold_up_another(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    # Per-chat pacing on (faster than Telegram's 1/s, to keep the test short): the 30
    # thank-yous to the participant and the 60 copies to each staff chat take seconds.
    bot.limiter.chat_interval = 0.15
    await seed(bot, emulator, [201])
    organizer = emulator.user(ORGANIZER_ID, "en")
    facilitator = emulator.user(120, "en")
    await facilitator.send("/start")
    await organizer.send(f"/grant facilitator {facilitator.id}")
    await broadcast(organizer, "Any questions?")
    await bot.join()
    participant = emulator.users[201]
    await seed(bot, emulator, [301])  # a core member who only asks /next
    (announcement,) = participant.messages
    loop = asyncio.get_running_loop()
    questions = [f"Question {n}" for n in range(30)]
    sending = [loop.create_task(participant.send(q, reply_to=announcement, timeout=60))
               for q in questions]
    await asyncio.sleep(0)  # all 30 are queued at the emulator, in this order
    began = loop.time()
    (answer,) = await emulator.user(301, "en").send("/next")
    assert loop.time() - began < 2.0 and "Session 3" in answer.text
    await asyncio.gather(*sending)
    await bot.join()
    await emulator.settle()
    for staff in (organizer, facilitator):
        copies = [m.text for m in staff.messages if m.text.startswith("Question")]
        assert copies == questions  # each once, in the order they were written
    thanks = [m.text for m in participant.messages[1:]]
    assert len(thanks) == 30 and all(t.startswith("✓ Thank you!") for t in thanks)


async def test_one_persons_updates_are_handled_in_order(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(401, "en")
    await user.send("/start")
    loop = asyncio.get_running_loop()
    sending = [loop.create_task(user.send(f"/session {n}", timeout=30)) for n in range(1, 9)]
    await asyncio.gather(*sending)
    await emulator.settle()
    titles = [m.text.split("\n")[0] for m in user.messages[-8:]]
    assert [t.split(":")[0] for t in titles] == [f"Session {n}" for n in range(1, 9)]


async def test_a_reply_given_up_after_the_bound_is_logged_with_its_update(
    bot: Services, emulator: BotAPIEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    bot.limiter.reply_bound = 0.3
    emulator.set_rate_limits(per_second=0.2, burst=1)  # one message, then 429 for 5 s
    await emulator.user(501, "en").send("/next")
    with caplog.at_level(logging.ERROR, logger="bot.limiter"):
        await emulator.user(502, "en").send("/next", expect=0)
        async with asyncio.timeout(5):
            while not bot.limiter.dropped:
                await emulator.wait_change(0.1)
    (record,) = [r for r in caplog.records if r.name == "bot.limiter"]
    assert "sendMessage to chat 502" in record.getMessage()
    assert "(message /next)" in record.getMessage()
    assert not emulator.messages_to(502)


async def _max_in_state(svc: Services, sql: str, until: Callable[[], bool]) -> int:
    """The largest count `sql` gives while the fan-out runs (polled every 5 ms)."""
    most = 0
    async with asyncio.timeout(60):
        while not until():
            row = await svc.repo.db.fetchone(sql)
            most = max(most, row[0] if row else 0)
            await asyncio.sleep(0.005)
    return most


async def test_broadcast_rows_are_claimed_only_when_the_limiter_lets_them_go(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    """A crash can leave 'sending' (outcome unknown) only the requests truly in flight: the
    16 sends the fan-out has queued in the limiter are not claimed yet."""
    recipients = list(range(10_000, 10_060))
    await seed(bot, emulator, recipients)
    bot.limiter.per_second = 20
    await broadcast(emulator.user(ORGANIZER_ID, "en"), "Hello")
    most = await _max_in_state(
        bot, "SELECT COUNT(*) FROM broadcast_recipients WHERE status = 'sending'",
        lambda: all(emulator.messages_to(uid) for uid in recipients),
    )
    await bot.join()
    assert most <= 3  # 16 before the claim moved behind the limiter
    assert (await bot.repo.broadcasts.report(1))["sent"] == 60


async def test_reminder_rows_are_claimed_only_when_the_limiter_lets_them_go(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    recipients = list(range(10_000, 10_060))
    await seed(bot, emulator, recipients)
    bot.limiter.per_second = 20
    clock.set(S3 - timedelta(hours=1))
    firing = asyncio.create_task(fire_due(bot.app, clock))
    most = await _max_in_state(
        bot, "SELECT COUNT(*) FROM deliveries WHERE status = 'sending'", firing.done
    )
    await firing
    assert most <= 3
    reminders = [[m for m in emulator.messages_to(uid) if m.text.startswith("⏰")]
                 for uid in recipients]  # goal nudges fire on the same clock
    assert {len(got) for got in reminders} == {1}


async def test_the_reply_bound_raises_only_for_interactive_calls(
    emulator: BotAPIEmulator, link: Link
) -> None:
    emulator.set_rate_limits(per_second=0.2, burst=1)
    (chat, other) = open_chats(emulator, 1, 2)
    tg, limiter = await link(per_second=1000, reply_bound=0.5)
    await tg.send_message(chat, "first")
    with pytest.raises(RetryAfter):
        await tg.send_message(other, "a reply")  # 429 for 5 s > the bound
    assert limiter.dropped == 1 and emulator.messages_to(other) == []
