"""/forget across features: out of reminder fan-outs and exports; attendance stays as counts."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.exports import EXPORTERS
from bot.jobs import fire_due
from bot.services import Services
from tests.goal_helpers import member

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)


async def test_forget_removes_the_person_from_fan_outs_and_exports(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path
) -> None:
    gone = await member(bot, emulator, 7_001, "en", "Ghana", first_name="Ama")
    stays = await member(bot, emulator, 7_002, "en", "Ghana", first_name="Kojo")
    goal = await bot.repo.goals.add_goal("GH", "Shade trees", None, None, 7_001, clock.now())
    clock.set(S3 - timedelta(minutes=5))
    await gone.send("/checkin")
    await stays.send("/checkin")
    assert await bot.repo.attendance.count(3) == 2

    await gone.send("/forget")
    await gone.press("🗑 Yes, delete my data")
    mark = len(gone.messages)
    clock.set(S3)
    await fire_due(bot.app, clock)  # the "starting now" reminder
    assert gone.messages[mark:] == []  # nothing reaches a forgotten person
    assert stays.messages[-1].text.startswith("🔔 Starting now!")

    assert await bot.repo.attendance.count(3) == 2  # kept, as an anonymous count
    out = tmp_path / "attendance.csv"
    await EXPORTERS["attendance"](bot.repo, bot.schedule, "csv", out)
    text = out.read_text(encoding="utf-8-sig")
    assert "Ama" not in text and "7001" not in text and "Kojo" in text
    rows = list(csv.reader(text.splitlines()))
    assert sum("Kojo" in " ".join(r) for r in rows) == 1

    (shown,) = await stays.send("/goals")
    assert "Shade trees" in shown.text
    history = await bot.repo.goals.history(goal)
    assert {h.actor_id for h in history} == {0}
