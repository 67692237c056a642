"""Nudges after the kickoff and before later sessions: once per person and session."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.jobs import fire_due
from tests.goal_helpers import member
from tests.helpers import BotRunner

KICKOFF_NUDGE = "Your core group has no goals in the bot yet."


def goal_jobs(names: list[str]) -> list[str]:
    """The goal jobs among those that ran (other features' jobs run at the same times)."""
    return [n for n in names if n.startswith("goals:")]


async def test_nudges_after_kickoff_and_before_a_session_never_repeat(
    run_bot: BotRunner, clock: FakeClock,
    emulator: BotAPIEmulator,
) -> None:
    clock.set(datetime(2021, 1, 20, 15, tzinfo=UTC))  # during the kickoff
    async with run_bot() as svc:
        app = svc.app
        assert app.job_queue is not None
        app_jobs = {j.name for j in app.job_queue.jobs()}
        assert {"goals:kickoff:0", "goals:checkin:1", "goals:review:10"} <= app_jobs
        kofi = await member(svc, emulator, 81, "en", "Ghana", first_name="Kofi")
        rosa = await member(svc, emulator, 82, "es", "Perú", first_name="Rosa")
        wider = await member(svc, emulator, 83, "en", "Peru", group="wider")
        gone = await member(svc, emulator, 84, "pt", "Brasil", zone_button="São Paulo")
        await svc.repo.goals.add_goal("PE", "Peru already has a goal", None, None, 82,
                                      clock.now())
        emulator.block(gone.id)  # the bot learns it from the 403

        clock.set(datetime(2021, 1, 20, 16, 0, 1, tzinfo=UTC))  # the kickoff has ended
        assert goal_jobs(await fire_due(app, clock)) == ["goals:kickoff:0"]
        assert kofi.last.text.startswith(KICKOFF_NUDGE)
        assert kofi.last.button_texts() == ["➕ Add a goal", "📋 Open our goals"]
        nudge = kofi.last
        assert not any(m.text.startswith("Su grupo núcleo") for m in rosa.messages)
        assert not any(KICKOFF_NUDGE in m.text for m in wider.messages)
        person = await svc.repo.participants.get(gone.id)
        assert person is not None and not person.active  # blocked: marked inactive
        assert await svc.repo.goals.nudged("kickoff", 0) == {81: "sent", 84: "blocked"}
        (prompt,) = await kofi.press("Add a goal", message=nudge)
        assert prompt.text.startswith("New goal for 🇬🇭 Ghana.")
        await kofi.send("/cancel")

    # Restart: the jobs are rebuilt; nothing is sent again.
    async with run_bot() as svc:
        app = svc.app
        count = len(kofi.messages)
        await fire_due(app, clock)
        assert len(kofi.messages) == count

        clock.set(datetime(2021, 1, 31, 14, tzinfo=UTC))  # 3 days before session 1
        assert goal_jobs(await fire_due(app, clock)) == ["goals:checkin:1"]
        assert kofi.last.text == ("Session 1 is in 3 days (3 Feb 2021). Anything to update "
                                  "on your group's goals?")
        assert rosa.last.text == ("La sesión 1 es en 3 días (3 feb. 2021). ¿Hay algo que "
                                  "actualizar en los objetivos de su grupo?")
        (listing,) = await rosa.press("Ver nuestros objetivos")
        assert "Peru already has a goal" in listing.text
        assert not any("Session 1 is" in m.text for m in wider.messages)

    async with run_bot() as svc:

        app = svc.app
        counts = (len(kofi.messages), len(rosa.messages))
        await fire_due(app, clock)
        assert (len(kofi.messages), len(rosa.messages)) == counts
        assert await svc.repo.goals.nudged("checkin", 1) == {81: "sent", 82: "sent"}


async def test_jobs_past_their_deadline_are_not_scheduled(
    run_bot: BotRunner, clock: FakeClock
) -> None:
    # The default clock is 20 March 2021: the kickoff nudge and early check-ins are over.
    async with run_bot() as svc:
        app = svc.app
        assert app.job_queue is not None
        names = {j.name for j in app.job_queue.jobs()}
        assert "goals:kickoff:0" not in names and "goals:checkin:2" not in names
        assert {"goals:checkin:3", "goals:checkin:10", "goals:review:10"} <= names

