"""The pre-session networking nudge: suggestions to people with a profile on, an invitation to
those without one, nothing to those who turned theirs off; once, across a restart."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.jobs import fire_due
from tests.goal_helpers import member
from tests.helpers import BotRunner
from tests.networking_helpers import networker

ROSA, AWA, KOFI, AMA, GUEST = 7_770_101, 7_770_202, 7_770_303, 7_770_404, 7_770_505
NUDGE = datetime(2021, 8, 29, 14, 0, tzinfo=UTC)  # 3 days before session 9


async def test_nudge_before_session_nine_is_sent_once_across_a_restart(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot() as bot:
        rosa = await networker(bot, emulator, ROSA, "en", "Peru", offers=("agroforestry",),
                               seeks=("finance",), first_name="Rosa")
        awa = await networker(bot, emulator, AWA, "en", "Ghana", offers=("finance",),
                              group="core", first_name="Awa")
        kofi = await member(bot, emulator, KOFI, "en", "Ghana", group="wider")
        ama = await networker(bot, emulator, AMA, "en", "Ghana", offers=("finance",),
                              turn_on=False)
        guest = await member(bot, emulator, GUEST, "en", "Peru", group=None)
        before = {u.id: len(u.messages) for u in (rosa, awa, kofi, ama, guest)}
        clock.set(NUDGE.replace(hour=13))
        assert "networking:nudge:9" not in await fire_due(bot.app, clock)
        clock.set(NUDGE)
        assert "networking:nudge:9" in await fire_due(bot.app, clock)
        await bot.join()
        to_rosa = rosa.last
        assert to_rosa.text.startswith("Session 9: Networking and matchmaking is in 3 days.")
        assert "offers Finance & funding, which you seek · 🇬🇭 Ghana · another continent" in (
            to_rosa.text)
        assert [b for b in to_rosa.button_texts() if b.startswith("🤝")] == ["🤝 Meet 1"]
        assert "Awa" not in to_rosa.text and str(AWA) not in str(to_rosa.reply_markup)
        # Core members are in its audience (they also get their goals nudge at this time).
        assert any(m.text.startswith("Session 9: Networking and matchmaking is in 3 days.\n")
                   for m in awa.messages)
        invitation = kofi.last
        assert "Make your networking profile now (/network)" in invitation.text
        (screen,) = await kofi.press("🤝 Make my profile")
        assert "Your profile is off" in screen.text
        assert len(ama.messages) == before[AMA]  # turned it off: her choice stands
        assert len(guest.messages) == before[GUEST]  # not in the program
        after = {u.id: len(u.messages) for u in (rosa, awa, kofi, ama, guest)}
        rows = await bot.repo.db.fetch(
            "SELECT user_id, kind, outcome FROM network_nudges WHERE session = 9 ORDER BY 1")
        assert [tuple(r) for r in rows] == [(ROSA, "suggestions", "sent"),
                                            (AWA, "suggestions", "sent"),
                                            (KOFI, "invitation", "sent")]
    async with run_bot() as bot:  # restarted: the job is rebuilt and runs again at once
        await emulator.settle()
        await fire_due(bot.app, clock)
        await bot.join()
        assert {u.id: len(u.messages) for u in (rosa, awa, kofi, ama, guest)} == after
    clock.set(datetime(2021, 9, 1, 14, 0, tzinfo=UTC))
    async with run_bot() as bot:  # once the session started, no job at all
        assert not [j for j in bot.app.job_queue.jobs()  # type: ignore[union-attr]
                    if (j.name or "").startswith("networking:")]
