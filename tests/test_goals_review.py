"""Closing review end to end: ratings (latest wins), results per country and overall."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.jobs import fire_due
from bot.services import Services
from tests.goal_helpers import member, wait_for
from tests.helpers import ORGANIZER_ID, BotRunner

CLOSING = datetime(2021, 10, 6, 14, tzinfo=UTC)


async def _goals(svc: Services, country: str, titles: list[str]) -> list[int]:
    return [await svc.repo.goals.add_goal(country, t, None, None, 1, svc.clock.now())
            for t in titles]


async def test_closing_review_worked_example(
    run_bot: BotRunner, clock: FakeClock,
    emulator: BotAPIEmulator,
) -> None:
    """Ghana: 2 achieved, 1 partly, 1 not -> (2 + 0.5) / 4 = 62.5 %.
    Peru: 1 partly, 1 not, 1 dropped (not rated) -> 0.5 / 2 = 25 %.
    Overall, each rated goal weighs the same: (2 + 0.5 + 0.5) / 6 = 50 %."""
    clock.set(datetime(2021, 10, 1, 12, tzinfo=UTC))
    async with run_bot() as svc:
        app = svc.app
        kofi = await member(svc, emulator, 91, "en", "Ghana", first_name="Kofi")
        ama = await member(svc, emulator, 92, "en", "Ghana", first_name="Ama")
        rosa = await member(svc, emulator, 93, "es", "Perú", first_name="Rosa")
        facilitator = await member(svc, emulator, 94, "fr", "Côte d'Ivoire", group=None)
        await svc.repo.participants.set_role(facilitator.id, "facilitator", clock.now())
        gh = await _goals(svc, "GH", ["G1", "G2", "G3", "G4"])
        pe = await _goals(svc, "PE", ["P1", "P2", "P3"])
        await svc.repo.goals.set_status(pe[2], "dropped", 1, clock.now())

        # Before the closing session: not open, even with forged data.
        (early,) = await kofi.send("/review")
        assert early.text == "The closing review opens at the start of session 10 (Oct 6, 2021)."
        assert await kofi.press_data(f"g:r:{gh[0]}:a", expect=0) == []
        assert kofi.callback_answers[-1]["text"] == early.text

        clock.set(CLOSING)
        fired = await fire_due(app, clock)  # session reminders fire too
        assert [n for n in fired if n.startswith("goals:")] == [
            "goals:checkin:10", "goals:review:10"]
        invite = next(m for m in reversed(kofi.messages)
                      if m.text.startswith("The closing review is open."))
        assert any(m.text.startswith("La evaluación final está abierta.") for m in rosa.messages)
        assert await svc.repo.goals.nudged("review", 10) == {91: "sent", 92: "sent",
                                                             93: "sent"}

        (screen,) = await rosa.press("Evaluar nuestros objetivos")
        assert screen.button_texts() == ["1 ✅", "1 🌓", "1 ❌", "2 ✅", "2 🌓", "2 ❌",
                                         "📊 Todos los resultados", "« Objetivos"]
        await rosa.press("1 🌓", message=screen)
        # Peru has rated all its goals: the screen updates and the results go out.
        screen, peru_results = await rosa.press("2 ❌", message=screen, expect=2)
        assert "Resultado: 25\u00a0% logrado (✅ 0 · 🌓 1 · ❌ 1; 2 de 2 objetivos " \
               "evaluados)" in screen.text
        assert peru_results.text.startswith("Evaluación final: cuánto logró cada grupo")
        assert "🇬🇭 Ghana: sin evaluar todavía" in peru_results.text

        (screen,) = await kofi.press("Rate our goals", message=invite)
        for button in ("1 ✅", "2 ✅", "4 ✅"):  # Kofi says goal 4 was achieved ...
            (screen,) = await kofi.press(button, message=screen)
        # ... Ama disagrees: the latest answer wins.
        (ama_screen,) = await ama.send("/review")
        (ama_screen,) = await ama.press("4 ❌", message=ama_screen)
        assert "4. G4\n   ❌ Not achieved (Ama, Oct 6, 2021)" in ama_screen.text
        reviews = await svc.repo.goals.reviews()
        assert (reviews[gh[3]].rating, reviews[gh[3]].rated_by) == ("not_achieved", 92)
        assert [h.action for h in await svc.repo.goals.history(gh[3])] == [
            "created", "review", "review"]
        # The last missing answer completes Ghana: the results go out.
        ama_screen, results = await ama.press("3 🌓", message=ama_screen, expect=2)
        assert "Result: 62.5% achieved" in ama_screen.text

        lines = results.text.splitlines()
        assert lines[0] == "Closing review: how much of their own goals each group achieved"
        assert "🇬🇭 Ghana: 62.5% achieved (✅ 2 · 🌓 1 · ❌ 1; 4 of 4 goals rated)" in lines
        assert "🇵🇪 Peru: 25% achieved (✅ 0 · 🌓 1 · ❌ 1; 2 of 2 goals rated)" in lines
        assert "🇨🇴 Colombia: not rated yet" in lines
        assert lines[-1] == "Overall: 50% achieved (✅ 2 · 🌓 2 · ❌ 2; 6 of 6 goals rated)"
        await wait_for(emulator, lambda: kofi.last.text == results.text)  # the group ...
        await wait_for(emulator, lambda: "6 objectifs" in facilitator.last.text)
        assert facilitator.last.text.splitlines()[-1] == (  # ... and the facilitators
            "Au total : 50\u00a0% atteint (✅ 2 · 🌓 2 · ❌ 2 ; 6 objectifs évalués sur 6)")
        assert rosa.last.text == peru_results.text  # Ghana's results go to Ghana only

        # Dropped goals are not rated, even with forged data.
        assert await rosa.press_data(f"g:r:{pe[2]}:a", expect=0) == []
        assert rosa.callback_answers[-1]["text"] == "Este objetivo fue descartado: no se evalúa."


async def test_a_facilitator_opens_the_review_early(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    kofi = await member(bot, emulator, 95, "en", "Ghana", first_name="Kofi")
    await bot.repo.goals.add_goal("GH", "G1", None, None, 95, bot.clock.now())
    participant_try = await kofi.press_data("g:ro", expect=0)
    assert participant_try == []
    assert kofi.callback_answers[-1]["text"] == (
        "Sorry, only facilitators and organizers can do that.")
    organizer = emulator.user(ORGANIZER_ID, "en")
    (status,) = await organizer.send("/review")
    assert status.text.startswith("The closing review opens at the start of session 10")
    (opened, ) = await organizer.press("Open the review now", expect=1)
    assert opened.text == ("The closing review is open. 1 core member was invited to rate "
                           "the goals.")
    assert kofi.last.text.startswith("The closing review is open.")
    (screen,) = await kofi.send("/review")
    assert screen.text.startswith("Closing review: 🇬🇭 Ghana")
    actions = [e["action"] for e in await bot.repo.participants.audit_entries()]
    assert "goal_review_open" in actions
