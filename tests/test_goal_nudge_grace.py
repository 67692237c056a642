"""A goal nudge missed while the bot was down (or the clock was elsewhere) is dropped and
logged after its grace period, like a reminder: never sent days late."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.goals.rules import nudge_plan
from bot.jobs import fire_due
from bot.schedule import Schedule
from tests.goal_helpers import member
from tests.helpers import BotRunner

S4 = datetime(2021, 4, 14, 14, 0, tzinfo=UTC)  # session 4
NUDGE = "Session 4 is in"


def test_plan_gives_kickoff_and_session_nudges_a_grace_period(schedule: Schedule) -> None:
    plans = {p.job_name: p for p in nudge_plan(schedule)}
    checkin = plans["goals:checkin:4"]
    assert checkin.due == S4 - timedelta(days=3)
    assert checkin.deadline == checkin.due + timedelta(hours=12)
    kickoff = plans["goals:kickoff:0"]
    assert kickoff.deadline - kickoff.due == timedelta(hours=12)
    review = plans["goals:review:10"]
    assert review.deadline - review.due > timedelta(days=7)  # the review stays open


async def test_nudge_within_grace_goes_out_and_older_is_dropped_and_logged(
    run_bot: BotRunner, clock: FakeClock, emulator: BotAPIEmulator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with run_bot() as svc:
        kofi = await member(svc, emulator, 401, "en", "Ghana", first_name="Kofi")
        # Running, but the clock is 13 hours past the nudge when its job runs.
        clock.set(S4 - timedelta(days=3) + timedelta(hours=13))
        with caplog.at_level(logging.INFO, logger="bot.goals.jobs"):
            assert "goals:checkin:4" in await fire_due(svc.app, clock)
        assert not any(NUDGE in m.text for m in kofi.messages)
        assert any("dropped goal nudge checkin 4" in r.getMessage() for r in caplog.records)
        clock.set(S4 - timedelta(days=1))  # the 24-hour reminder comes alone
        await fire_due(svc.app, clock)
        assert not any(NUDGE in m.text for m in kofi.messages)

    # Down when session 5's nudge was due; back 2 hours later: it still goes out.
    s5 = svc.schedule.session(5)
    assert s5 is not None
    clock.set(s5.start - timedelta(days=3) + timedelta(hours=2))
    async with run_bot() as svc:
        await fire_due(svc.app, clock)
        # 2 days and 22 hours ahead, on 2 May: by the calendar, "in 3 days".
        assert kofi.last.text.startswith("Session 5 is in 3 days (5 May 2021)")

    # Down for a day when session 6's nudge was due: dropped at start, and logged.
    s6 = svc.schedule.session(6)
    assert s6 is not None
    clock.set(s6.start - timedelta(days=2))
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="bot.goals.jobs"):
        async with run_bot() as svc:
            assert svc.app.job_queue is not None
            assert "goals:checkin:6" not in {j.name for j in svc.app.job_queue.jobs()}
            await fire_due(svc.app, clock)
    assert any("dropped missed goal nudge goals:checkin:6" in r.getMessage()
               for r in caplog.records)
    assert not any("Session 6 is" in m.text for m in kofi.messages)
