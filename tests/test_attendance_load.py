"""Many taps at once, and restarts: every check-in is recorded exactly once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.services import Services
from bot.storage import Repository
from tests.helpers import ORGANIZER_ID, BotRunner, core_members, fresh_database

CONFIRMED = "✅ You are checked in for Session 3. Welcome!"
ALREADY = "You are already checked in for Session 3"


async def test_200_concurrent_checkins_and_double_taps(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    clock.set(datetime(2021, 3, 24, 14, 0, tzinfo=UTC))
    users = [emulator.user(10_000 + i, "en") for i in range(200)]
    await core_members(bot, [u.id for u in users] + [20_000 + i for i in range(20)])
    await asyncio.gather(
        *(u.press_data(f"ci:3:{u.id}", timeout=60) for u in users)
    )
    assert await bot.repo.attendance.count(3) == 200
    for u in users:
        assert [m.text for m in u.messages] == [CONFIRMED]

    # The same people tap twice at once (a double tap, and the reminder's button again).
    doubles = [emulator.user(20_000 + i, "en") for i in range(20)]
    await asyncio.gather(
        *(u.press_data(f"ci:3:{u.id}", timeout=60) for u in doubles for _ in range(2))
    )
    await emulator.settle(timeout=30)
    assert await bot.repo.attendance.count(3) == 220
    for u in doubles:
        texts = [m.text for m in u.messages]
        assert len(texts) == 2 and texts.count(CONFIRMED) == 1
        assert any(t.startswith(ALREADY) for t in texts)


async def test_store_keeps_one_row_under_truly_concurrent_writes(tmp_path: Path) -> None:
    """ptb handles updates one by one by default; the storage must not rely on that."""
    repo = await Repository.open(await fresh_database(tmp_path))
    try:
        now = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)
        store = repo.attendance
        results = await asyncio.gather(
            *(store.check_in(uid, 3, "present", "button", now)
              for uid in range(300) for _ in range(2))
        )
        assert sum(1 for created, _ in results if created) == 300
        assert await store.count(3) == 300
    finally:
        await repo.close()


async def test_checkins_codes_and_throttle_survive_a_restart(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    clock.set(datetime(2021, 3, 24, 14, 0, tzinfo=UTC))
    user = emulator.user(501, "en")
    guesser = emulator.user(502, "en")
    async with run_bot() as svc:
        await core_members(svc, [501, 502])
        await svc.repo.attendance.set_code(3, "9999", ORGANIZER_ID, clock.now())
        await user.send("/checkin 9999")
        for _ in range(5):
            await guesser.send("/checkin 0000")
    async with run_bot():
        (again,) = await user.send("/checkin")
        assert again.text.startswith(ALREADY)
        (locked,) = await guesser.send("/checkin 9999")
        assert locked.text == "Too many wrong codes. Please try again at 14:10."
