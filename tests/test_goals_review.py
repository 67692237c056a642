"""Closing review end to end: every member rates each goal, a goal is the mean of its members'
answers, a group's review closes (and its result goes out once) when every member has answered
every goal or when a facilitator closes it; results per country and overall."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.goals.export import goal_tables
from bot.jobs import fire_due
from bot.services import Services
from bot.storage import Repository
from bot.storage.db import Database
from bot.storage.migrations import MIGRATIONS
from tests.goal_helpers import member, wait_for
from tests.helpers import ORGANIZER_ID, BotRunner, fresh_database

CLOSING = datetime(2021, 10, 6, 14, tzinfo=UTC)


async def _goals(svc: Services, country: str, titles: list[str]) -> list[int]:
    return [await svc.repo.goals.add_goal(country, t, None, None, 1, svc.clock.now())
            for t in titles]


async def _answers(svc: Services, goal_id: int) -> dict[int, str]:
    return {r.rated_by: r.rating for r in (await svc.repo.goals.ratings()).get(goal_id, [])}


async def test_closing_review_worked_example(
    run_bot: BotRunner, clock: FakeClock,
    emulator: BotAPIEmulator,
) -> None:
    """Ghana, three members: G1 ✅✅✅ = 1; G2 ✅🌓❌ = (1 + 0.5 + 0) / 3 = 0.5;
    G3 🌓🌓🌓 = 0.5; G4 ❌❌❌ = 0 (Kofi first said ✅, then changed his answer)
    -> (1 + 0.5 + 0.5 + 0) / 4 = 50 %.
    Peru, one member: P1 🌓, P2 ❌, P3 dropped (not rated) -> 0.5 / 2 = 25 %.
    Overall, each rated goal weighs the same: (1 + 0.5 + 0.5 + 0 + 0.5 + 0) / 6 = 41.7 %."""
    clock.set(datetime(2021, 10, 1, 12, tzinfo=UTC))
    async with run_bot() as svc:
        app = svc.app
        kofi = await member(svc, emulator, 91, "en", "Ghana", first_name="Kofi")
        ama = await member(svc, emulator, 92, "en", "Ghana", first_name="Ama")
        rosa = await member(svc, emulator, 93, "es", "Perú", first_name="Rosa")
        facilitator = await member(svc, emulator, 94, "fr", "Côte d'Ivoire", group=None)
        kwame = await member(svc, emulator, 95, "en", "Ghana", first_name="Kwame")
        await svc.repo.participants.set_role(facilitator.id, "facilitator", clock.now())
        gh = await _goals(svc, "GH", ["G1", "G2", "G3", "G4"])
        pe = await _goals(svc, "PE", ["P1", "P2", "P3"])
        await svc.repo.goals.set_status(pe[2], "dropped", 1, clock.now())

        # Before the closing session: not open, even with forged data.
        (early,) = await kofi.send("/review")
        assert early.text == "The closing review opens at the start of session 10 (6 Oct 2021)."
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
                                                             93: "sent", 95: "sent"}

        # Peru has one member: her last answer closes Peru's review and the results go out.
        (screen,) = await rosa.press("Evaluar nuestros objetivos")
        assert screen.button_texts() == ["1 ✅", "1 🌓", "1 ❌", "2 ✅", "2 🌓", "2 ❌",
                                         "📊 Todos los resultados", "« Objetivos"]
        assert "Respuestas hasta ahora: 0 de 1 miembro" in screen.text
        (screen,) = await rosa.press("1 🌓", message=screen)
        assert "1. P1\n   Su respuesta: 🌓 Logrado en parte" in screen.text
        assert "Resultado:" not in screen.text  # members see figures once the review closes
        # Her answer would close the review: she is asked first, and nothing is stored yet.
        (confirm,) = await rosa.press("2 ❌", message=screen)
        assert confirm.text.splitlines() == [
            "Su respuesta completa la evaluación", "P2: ❌ No logrado", "",
            "Esto cierra la evaluación (🇵🇪 Perú) y publica el resultado: después ya no se "
            "aceptan respuestas, tampoco las suyas."]
        assert await _answers(svc, pe[1]) == {}
        screen, peru_results = await rosa.press("🔒 Sí, cerrar y publicar", message=confirm,
                                                expect=2)
        assert "Esta evaluación está cerrada: ya no se aceptan respuestas." in screen.text
        # Peru (es_PE) writes the percent sign without a space.
        assert "Resultado: 25% logrado (2 de 2 objetivos evaluados; respuestas: " \
               "✅ 0 · 🌓 1 · ❌ 1)" in screen.text
        assert screen.button_texts() == ["📊 Todos los resultados", "« Objetivos"]
        assert peru_results.text.startswith("Evaluación final: cuánto logró cada grupo")
        assert "🇬🇭 Ghana: sin cerrar todavía (respuestas: 0 de 3 miembros)" \
               in peru_results.text

        # Ghana: each member answers every goal; nothing is published before the last answer.
        (screen,) = await kofi.press("Rate our goals", message=invite)
        assert "Answers so far: 0 of 3 members" in screen.text
        for button in ("1 ✅", "2 ✅", "3 🌓", "4 ✅"):
            (screen,) = await kofi.press(button, message=screen)  # only the screen changes
        assert "Answers so far: 1 of 3 members" in screen.text
        (screen,) = await kofi.press("4 ❌", message=screen)  # Kofi changes his mind
        assert "4. G4\n   Your answer: ❌ Not achieved" in screen.text
        assert "Result:" not in screen.text and "achieved (" not in screen.text

        (ama_screen,) = await ama.send("/review")
        assert "Answers so far: 1 of 3 members" in ama_screen.text
        assert "2. G2\n   Your answer: none yet" in ama_screen.text  # not Kofi's answer
        for button in ("1 ✅", "2 🌓", "3 🌓", "4 ❌"):
            (ama_screen,) = await ama.press(button, message=ama_screen)
        assert "Answers so far: 2 of 3 members" in ama_screen.text
        assert await svc.repo.goals.nudged("result:GH", 10) == {}  # not published yet
        assert await _answers(svc, gh[3]) == {91: "not_achieved", 92: "not_achieved"}

        # Staff follow the answers as they come in; their own answer is not a member's.
        (status,) = await facilitator.send("/review")
        (staff_screen,) = await facilitator.press("GH", message=status)
        assert "% atteint (" not in staff_screen.text  # no figures until the review closes
        assert "Réponses à ce jour\u00a0: 2 sur 3 membres" in staff_screen.text
        assert staff_screen.button_texts() == [
            "🔒 Clôturer le bilan (Ghana)", "📊 Tous les résultats", "« Objectifs"]
        assert await facilitator.press_data(f"g:r:{gh[0]}:n", expect=0) == []
        assert facilitator.callback_answers[-1]["text"] == (
            "Seuls les membres du groupe central (Ghana) évaluent ses objectifs. Les "
            "facilitateurs voient combien ont répondu et peuvent clôturer le bilan.")
        assert 94 not in await _answers(svc, gh[0])

        # Kwame's last answer completes Ghana: the review closes and the results go out.
        (kwame_screen,) = await kwame.send("/review")
        for button in ("1 ✅", "2 ❌", "3 🌓"):
            (kwame_screen,) = await kwame.press(button, message=kwame_screen)
        assert await svc.repo.goals.nudged("result:GH", 10) == {}
        (confirm,) = await kwame.press("4 ❌", message=kwame_screen)
        assert confirm.text.startswith("Your answer completes the review")
        kwame_screen, results = await kwame.press("🔒 Yes, close and publish", message=confirm,
                                                  expect=2)
        assert "This review is closed: no more answers are taken." in kwame_screen.text
        assert "2. G2\n   Your answer: ❌ Not achieved\n   50% achieved (✅ 1 · 🌓 1 · ❌ 1)" \
               in kwame_screen.text  # achieved, partly, not -> (1 + 0.5 + 0) / 3
        assert ("Result: 50% achieved (4 of 4 goals rated; answers: ✅ 4 · 🌓 4 · ❌ 4)"
                in kwame_screen.text)
        assert await _answers(svc, gh[1]) == {91: "achieved", 92: "partly", 95: "not_achieved"}
        closure = (await svc.repo.goals.closed_reviews())["GH"]
        assert (closure.closed_at, closure.closed_by) == (CLOSING, None)
        assert [h.action for h in await svc.repo.goals.history(gh[3])] == [
            "created", "review", "review", "review", "review"]  # every answer, as before

        lines = results.text.splitlines()
        assert lines[0] == "Closing review: how much of their own goals each group achieved"
        assert ("🇬🇭 Ghana: 50% achieved (4 of 4 goals rated; answers: ✅ 4 · 🌓 4 · ❌ 4)"
                in lines)
        assert "🇵🇪 Peru: 25% achieved (2 of 2 goals rated; answers: ✅ 0 · 🌓 1 · ❌ 1)" in lines
        assert "🇨🇴 Colombia: not closed yet (0 of 0 members answered)" in lines
        assert lines[-1] == (
            "Overall: 41.7% achieved (6 of 6 goals rated; answers: ✅ 4 · 🌓 5 · ❌ 5)")
        for person in (kofi, ama):  # the whole group ...
            await wait_for(emulator, lambda p=person: p.last.text == results.text)
        await wait_for(emulator,
                       lambda: "objectifs évalués\u00a0: 6 sur 6" in facilitator.last.text)
        assert facilitator.last.text.splitlines()[-1] == (  # ... and the facilitators
            "Au total\u00a0: 41,7\u00a0% atteint (objectifs évalués\u00a0: 6 sur 6\u00a0; "
            "réponses\u00a0: ✅ 4 · 🌓 5 · ❌ 5)")
        assert rosa.last.text == peru_results.text  # Ghana's results go to Ghana only
        assert set(await svc.repo.goals.nudged("result:GH", 10)) == {91, 92, 94, 95}

        # Closed: no more answers (nothing changes), even from a member.
        mark = len(kofi.messages)
        assert await kofi.press_data(f"g:r:{gh[3]}:a", expect=0) == []
        assert kofi.callback_answers[-1]["text"] == (
            "Sorry, the review for Ghana is closed: no more answers are taken.")
        assert (await _answers(svc, gh[3]))[91] == "not_achieved"
        assert len(await svc.repo.goals.history(gh[3])) == 5 and len(kofi.messages) == mark

        # Dropped goals are not rated, even with forged data.
        assert await rosa.press_data(f"g:r:{pe[2]}:a", expect=0) == []
        assert rosa.callback_answers[-1]["text"] == "Este objetivo fue descartado: no se evalúa."

        # The export lists each member's answer; results use the mean.
        tables = {name: rows for name, _header, rows in await goal_tables(svc.repo,
                                                                          svc.schedule)}
        g2 = [r for r in tables["reviews"] if r[0] == gh[1]]
        assert [(r[3], r[4], r[6]) for r in g2] == [
            ("achieved", 1.0, 91), ("partly", 0.5, 92), ("not_achieved", 0.0, 95)]
        results_rows = {r[0]: r for r in tables["results"]}
        assert results_rows["GH"] == ["GH", 4, 4, 4, 4, 4, 50.0, 3, 3, "yes"]
        assert results_rows["ALL"][6] == 41.7


async def test_a_facilitator_closes_a_review(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    """Not everyone answered: a facilitator closes the review (after a confirmation); it is
    audited, the result goes out once, and later answers are refused. A participant cannot."""
    kofi = await member(bot, emulator, 81, "en", "Ghana", first_name="Kofi")
    ama = await member(bot, emulator, 82, "en", "Ghana", first_name="Ama")
    g1, g2 = await _goals(bot, "GH", ["G1", "G2"])
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/review")
    await organizer.press("Open the review now")
    for person in (kofi, ama):
        await wait_for(emulator, lambda p=person: p.last.text.startswith(
            "The closing review is open."))
    (screen,) = await kofi.send("/review")
    await kofi.press("1 ✅", message=screen)
    (screen,) = await kofi.press("2 🌓", message=screen)
    assert "Answers so far: 1 of 2 members" in screen.text

    # A participant cannot close a review, even with forged data: nothing changes.
    for forged in ("g:rc:GH", "g:rc:GH:y"):
        assert await kofi.press_data(forged, expect=0) == []
        assert kofi.callback_answers[-1]["text"] == (
            "Sorry, only facilitators and organizers can do that.")
    assert await bot.repo.goals.closed_reviews() == {}
    assert await bot.repo.goals.nudged("result:GH", 10) == {}
    assert "goal_review_close" not in [
        e["action"] for e in await bot.repo.participants.audit_entries()]
    (screen,) = await ama.send("/review")
    (screen,) = await ama.press("1 ❌", message=screen)  # still open for Ama
    assert "1. G1\n   Your answer: ❌ Not achieved" in screen.text

    (status,) = await organizer.send("/review")
    assert "🇬🇭 Ghana: not closed yet (1 of 2 members answered)" in status.text
    (staff_screen,) = await organizer.press("GH", message=status)
    assert "achieved (" not in staff_screen.text  # staff see how many answered, no figures
    assert "Answers so far: 1 of 2 members" in staff_screen.text
    (confirm,) = await organizer.press("🔒 Close the review for Ghana", message=staff_screen)
    assert confirm.text.splitlines() == [
        "Close the review for 🇬🇭 Ghana?", "Answers so far: 1 of 2 members", "",
        "After closing, no more answers are taken, and the group's result goes to its core "
        "members and to the facilitators."]
    assert confirm.button_texts() == ["🔒 Yes, close the review", "« Back"]
    assert await bot.repo.goals.closed_reviews() == {}  # asking changes nothing
    (closed,) = await organizer.press("Yes, close the review", message=confirm)
    assert organizer.callback_answers[-1]["text"] == "The review for Ghana is closed."
    assert "This review is closed: no more answers are taken." in closed.text
    # G1: (1 + 0) / 2 = 0.5; G2: Kofi's answer only, 0.5 -> (0.5 + 0.5) / 2 = 50 %
    assert "Result: 50% achieved (2 of 2 goals rated; answers: ✅ 1 · 🌓 1 · ❌ 1)" \
           in closed.text
    closure = (await bot.repo.goals.closed_reviews())["GH"]
    assert closure.closed_by == ORGANIZER_ID
    assert ("goal_review_close", "GH", ORGANIZER_ID) in [
        (e["action"], e["target"], e["actor_id"])
        for e in await bot.repo.participants.audit_entries()]

    for person in (kofi, ama):
        await wait_for(emulator, lambda p=person: "🇬🇭 Ghana: " in p.last.text
                       and p.last.text.startswith("Closing review: how much"))
    assert "🇬🇭 Ghana: 50% achieved" in ama.last.text
    mark = len(ama.messages)
    assert await ama.press_data(f"g:r:{g2}:a", expect=0) == []
    assert ama.callback_answers[-1]["text"] == (
        "Sorry, the review for Ghana is closed: no more answers are taken.")
    assert await _answers(bot, g2) == {81: "partly"} and len(ama.messages) == mark
    assert await _answers(bot, g1) == {81: "achieved", 82: "not_achieved"}

    # Closing again (an old confirmation) is refused; the result went out once.
    assert await organizer.press_data("g:rc:GH:y", message_id=confirm.message_id,
                                      expect=0) == []
    assert organizer.callback_answers[-1]["text"] == "The review for Ghana is already closed."
    assert set(await bot.repo.goals.nudged("result:GH", 10)) == {81, 82, ORGANIZER_ID}


async def test_answers_of_forgotten_members_still_count(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    """Two members answer, then both use /forget: their answers stay (each under its own
    anonymous id) and count; the last remaining member's answer completes the group."""
    gone = [await member(bot, emulator, 71 + i, "en", "Ghana") for i in range(2)]
    stays = await member(bot, emulator, 73, "en", "Ghana", first_name="Efua")
    (goal,) = await _goals(bot, "GH", ["G1"])
    await bot.repo.goals.open_review(ORGANIZER_ID, bot.clock.now())
    for person, button in zip(gone, ("1 ✅", "1 ❌"), strict=True):
        (screen,) = await person.send("/review")
        await person.press(button, message=screen)
        await person.send("/forget")
        await person.press("🗑 Yes, delete my data")
    answers = await _answers(bot, goal)
    assert sorted(answers.values()) == ["achieved", "not_achieved"]
    assert all(user_id < 0 for user_id in answers)  # two distinct anonymous ids
    (screen,) = await stays.send("/review")
    assert "Answers so far: 0 of 1 member" in screen.text
    (confirm,) = await stays.press("1 🌓", message=screen)
    screen, results = await stays.press("Yes, close and publish", message=confirm, expect=2)
    assert "Result: 50% achieved (1 of 1 goal rated; answers: ✅ 1 · 🌓 1 · ❌ 1)" in screen.text
    assert "🇬🇭 Ghana: 50% achieved" in results.text


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


async def test_the_migration_carries_old_answers_over(tmp_path: Path) -> None:
    """A database from before per-member answers: each goal's one answer becomes the answer
    of the person who gave it; the old table stays."""
    db = await Database.open(await fresh_database(tmp_path, "old.sqlite3"))
    repo = Repository(db)
    try:
        await db.write("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        async with db.transaction():
            for version, statements in enumerate(MIGRATIONS[:8], start=1):
                await db.script(statements)
                await db.write("INSERT INTO schema_version (version) VALUES (?)", (version,))
        goal = await repo.goals.add_goal("GH", "G1", None, None, 7, CLOSING)
        await db.write("INSERT INTO goal_reviews (goal_id, rating, rated_by, rated_at) "
                       "VALUES (?, 'partly', 7, ?)", (goal, CLOSING.isoformat()))
        await repo.migrate()
        assert await repo.schema_version() == len(MIGRATIONS)
        (answer,) = (await repo.goals.ratings())[goal]
        assert (answer.rating, answer.rated_by, answer.rated_at) == ("partly", 7, CLOSING)
        assert await db.fetchval("SELECT COUNT(*) FROM goal_reviews") == 1
        assert await repo.goals.closed_reviews() == {}
    finally:
        await repo.close()
