"""Coaching end to end: the poll in each member's zone and language, the live tally, booking,
reminders, check-in, rescheduling and cancelling, restarts, rights, the export."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.schedule import Schedule, load_schedule
from tests.coaching_helpers import coach, ghana_group, send_poll, with_link
from tests.helpers import ROOT, BotRunner


@pytest.fixture
def schedule() -> Schedule:
    return with_link(load_schedule(ROOT / "schedule.json"))


async def test_explore(run_bot: BotRunner, clock: FakeClock, emulator: BotAPIEmulator) -> None:
    async with run_bot() as svc:
        group = await ghana_group(svc, emulator)
        facilitator = await coach(svc, emulator)
        (prompt,) = await facilitator.send("/coaching GH")
        print(prompt.text)
        (preview,) = await facilitator.send("2021-03-23 15:00\n25/03/2021 16:30\n2021-03-28 02:30\nfoo\n2021-03-24 15:30")
        print(preview.text)
        tally = await send_poll(svc, emulator, facilitator, list(group.values())[:4])
        print(tally.text)
        for name, u in group.items():
            print(name, u.last.text, u.last.button_texts())
