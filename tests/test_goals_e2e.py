"""End to end: adding goals and steps, updates with history, progress bars, HTML, limits."""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.goal_helpers import add_goal, member
from tests.helpers import BotRunner


async def test_add_goal_with_steps_in_english(bot: Services, emulator: BotAPIEmulator) -> None:
    ana = await member(bot, emulator, 21, "en", "Peru", first_name="Ana")
    (empty,) = await ana.send("/goals")
    assert "Goals of the 🇵🇪 Peru core group" in empty.text and "No goals yet." in empty.text
    (ask_title,) = await ana.press("Add a goal")
    assert ask_title.text.startswith("New goal for 🇵🇪 Peru. Send the title (up to 200")
    (ask_description,) = await ana.send("Cocoa agroforestry plan approved")
    assert "description" in ask_description.text
    (ask_target,) = await ana.send("Get the regional plan signed by the ministry.")
    assert "2021-05-30 or 30/05/2021" in ask_target.text
    (preview,) = await ana.send("2021-05-30")
    assert preview.text.splitlines() == [
        "Preview · 🇵🇪 Peru",
        "Title: Cocoa agroforestry plan approved",
        "Description: Get the regional plan signed by the ministry.",
        "Target date: May 30, 2021",
        "",
        "Save this goal?",
    ]
    saved, screen = await ana.press("Save", expect=2)
    assert saved.text == "✅ Goal saved."
    assert screen.text.splitlines()[:5] == [
        "🇵🇪 Peru",
        "Cocoa agroforestry plan approved",
        "Status: ⚪ Not started",
        "Target date: May 30, 2021",
        "Progress: no action steps yet",
    ]

    (ask_step,) = await ana.press("Add a step", message=screen)
    assert "What needs to be done?" in ask_step.text
    (ask_who,) = await ana.send("Draft the plan with the ministry")
    assert ask_who.button_texts()[0] == "👤 Ana"
    (ask_due,) = await ana.press("👤 Ana")
    (step_preview,) = await ana.send("31/05/2021")
    assert "Responsible: Ana" in step_preview.text
    assert "Due date: May 31, 2021" in step_preview.text
    _, screen = await ana.press("Save", expect=2)
    assert "⬜ 1. Draft the plan with the ministry — 👤 Ana · due May 31, 2021" in screen.text

    await ana.press("Add a step", message=screen)
    await ana.send("Train 20 farmers")
    await ana.send("Cooperativa Norte")  # a free name, not a member
    await ana.press("Skip")
    _, screen = await ana.press("Save", expect=2)
    assert "⬜ 2. Train 20 farmers — 👤 Cooperativa Norte" in screen.text

    (goal,) = await bot.repo.goals.goals("PE")
    assert (goal.title, goal.description, goal.target_date, goal.created_by) == (
        "Cocoa agroforestry plan approved", "Get the regional plan signed by the ministry.",
        date(2021, 5, 30), 21)
    steps = (await bot.repo.goals.steps([goal.id]))[goal.id]
    assert [(s.text, s.responsible, s.responsible_id, s.due_date) for s in steps] == [
        ("Draft the plan with the ministry", "Ana", 21, date(2021, 5, 31)),
        ("Train 20 farmers", "Cooperativa Norte", None, None),
    ]


async def test_add_goal_with_steps_in_spanish(bot: Services, emulator: BotAPIEmulator) -> None:
    carlos = await member(bot, emulator, 22, "es", "Colombia", first_name="Carlos")
    await add_goal(carlos, "Cacao sin deforestación", None, "30/06/2021", skip="Omitir",
                   save="Guardar")
    screen = carlos.last
    assert screen.text.splitlines()[:5] == [
        "🇨🇴 Colombia",
        "Cacao sin deforestación",
        "Estado: ⚪ Sin iniciar",
        "Fecha meta: 30/06/2021",  # Colombia (es_CO) writes the short date in figures
        "Avance: todavía no hay pasos de acción",
    ]
    (ask_step,) = await carlos.press("Agregar un paso", message=screen)
    assert ask_step.text.startswith("Nuevo paso de acción para: Cacao sin deforestación")
    (ask_who,) = await carlos.send("Mapear las fincas")
    assert ask_who.text.startswith("¿Quién es responsable?")
    (ask_due,) = await carlos.send("María Pérez")
    (bad,) = await carlos.send("mañana")
    assert bad.text == ("No pude leer esa fecha. Escríbala como 2021-05-30 o 30/05/2021.")
    (preview,) = await carlos.send("2021-07-15")
    assert "Responsable: María Pérez" in preview.text
    assert "Fecha límite: 15/07/2021" in preview.text
    saved, screen = await carlos.press("Guardar", expect=2)
    assert saved.text == "✅ Paso guardado."
    assert "⬜ 1. Mapear las fincas — 👤 María Pérez · vence el 15/07/2021" in screen.text
    (goal,) = await bot.repo.goals.goals("CO")
    assert goal.title == "Cacao sin deforestación" and goal.target_date == date(2021, 6, 30)


async def test_status_step_and_note_updates_keep_history(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    kofi = await member(bot, emulator, 31, "en", "Ghana", first_name="Kofi")
    ama = await member(bot, emulator, 32, "en", "Ghana", first_name="Ama")
    await add_goal(kofi, "Zero deforestation cocoa", "All districts", None)
    await kofi.press("Add a step")
    await kofi.send("Map farms")
    await kofi.press("👤 Ama")
    await kofi.press("Skip")
    await kofi.press("Save", expect=2)
    (goal,) = await bot.repo.goals.goals("GH")

    clock.advance(timedelta(days=2))
    (listing,) = await ama.send("/goals")
    (screen,) = await ama.press("Zero deforestation cocoa")
    assert screen.edited
    (ticked,) = await ama.press("⬜ 1", message=screen)
    assert "✅ 1. Map farms — 👤 Ama" in ticked.text
    assert "Progress: ▰▰▰▰▰▰▰▰▰▰ 100% · 1 of 1 step done" in ticked.text
    assert ama.callback_answers[-1]["text"] == "Step done ✅"
    (picker,) = await ama.press("Status", message=ticked)
    assert picker.button_texts()[:4] == ["⚪ Not started ←", "🔵 In progress", "✅ Done",
                                         "✖️ Dropped"]
    (changed,) = await ama.press("🔵 In progress", message=picker)
    assert "Status: 🔵 In progress" in changed.text

    clock.advance(timedelta(hours=3))
    (ask_note,) = await ama.press("Progress note", message=changed)
    assert "What happened?" in ask_note.text
    (note_preview,) = await ama.send("Met the district officers")
    assert "Progress note: Met the district officers" in note_preview.text
    saved, screen = await ama.press("Save", expect=2)
    assert saved.text == "✅ Note saved."
    assert "Latest progress notes" in screen.text
    assert "🗒 22 Mar 2021 · Ama: Met the district officers" in screen.text

    (history,) = await ama.press("History", message=screen)
    assert history.text.splitlines() == [
        "History of: Zero deforestation cocoa",
        "",
        "• 22 Mar 2021 at 15:00 · Ama added a note: Met the district officers",
        "• 22 Mar 2021 at 12:00 · Ama changed the status: Not started → In progress",
        "• 22 Mar 2021 at 12:00 · Ama ticked a step as done: Map farms",
        "• 20 Mar 2021 at 12:00 · Kofi added a step: Map farms",
        "• 20 Mar 2021 at 12:00 · Kofi created the goal",
    ]
    rows = await bot.repo.goals.history(goal.id)
    assert [(h.actor_id, h.action, h.detail) for h in rows] == [
        (31, "created", "Zero deforestation cocoa"),
        (31, "step_added", "Map farms"),
        (32, "step_done", "Map farms"),
        (32, "status", "not_started>in_progress"),
        (32, "note", "Met the district officers"),
    ]

    # Editing: keep the title, change the description, remove the target date.
    (back,) = await ama.press("Back", message=history)
    await ama.press("Edit goal", message=back)
    (ask_description,) = await ama.press("Keep")
    assert "Current description:\nAll districts" in ask_description.text
    await ama.send("All districts of the Western region")
    (preview,) = await ama.press("Keep")
    assert "Description: All districts of the Western region" in preview.text
    saved, _screen = await ama.press("Save", expect=2)
    assert saved.text == "✅ Goal updated."
    rows = await bot.repo.goals.history(goal.id)
    assert (rows[-1].action, rows[-1].detail) == ("edited", "description")
    fresh = await bot.repo.goals.get_goal(goal.id)
    assert fresh is not None and fresh.description == "All districts of the Western region"


async def test_progress_bars_per_goal_and_for_the_group(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = await member(bot, emulator, 41, "en", "Brazil", zone_button="São Paulo")
    store, now = bot.repo.goals, bot.clock.now()
    first = await store.add_goal("BR", "First", None, None, 41, now)
    second = await store.add_goal("BR", "Second", None, date(2021, 9, 1), 41, now)
    dropped = await store.add_goal("BR", "Dropped one", None, None, 41, now)
    await store.add_goal("BR", "No steps", None, None, 41, now)
    for goal_id, done, total in ((first, 1, 4), (second, 2, 2), (dropped, 0, 3)):
        for i in range(total):
            step = await store.add_step(goal_id, f"step {i}", None, None, None, 41, now)
            if i < done:
                await store.toggle_step(goal_id, step, 41, now)
    await store.set_status(second, "done", 41, now)
    await store.set_status(dropped, "dropped", 41, now)

    (listing,) = await user.send("/goals")
    lines = listing.text.splitlines()
    assert lines[1] == "Group progress: ▰▰▰▰▰▱▱▱▱▱ 50% · 3 of 6 steps done"
    assert lines[2:] == [
        "",
        "1. ⚪ First",
        "   Not started",
        "   ▰▰▱▱▱▱▱▱▱▱ 25% · 1 of 4 steps done",
        "",
        "2. ✅ Second",
        "   Done · 🎯 Sep 1, 2021",
        "   ▰▰▰▰▰▰▰▰▰▰ 100% · 2 of 2 steps done",
        "",
        "3. ✖️ Dropped one",
        "   Dropped",
        "   ▱▱▱▱▱▱▱▱▱▱ 0% · 0 of 3 steps done",
        "",
        "4. ⚪ No steps",
        "   Not started",
        "   no action steps yet",
    ]


async def test_html_in_a_goal_title_is_shown_literally(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = await member(bot, emulator, 51, "en", "Ghana")
    await add_goal(user, "<b>x</b> & co", "<i>not italic</i> <a href='x'>", None)
    screen = user.last
    assert screen.text.splitlines()[1] == "<b>x</b> & co"
    assert "<i>not italic</i> <a href='x'>" in screen.text
    assert "<b>&lt;b&gt;x&lt;/b&gt; &amp; co</b>" in (screen.html or "")
    assert not [e for e in screen.entities if e["type"] in ("italic", "text_link")]
    (listing,) = await user.send("/goals")
    assert "1. ⚪ <b>x</b> & co" in listing.text
    assert listing.button_texts()[0] == "1. <b>x</b> & co"
    (goal,) = await bot.repo.goals.goals("GH")
    assert goal.title == "<b>x</b> & co"  # stored as written


async def test_limits_unexpected_input_and_cancel(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = await member(bot, emulator, 61, "en", "Peru")
    await user.send("/addgoal")
    (too_long,) = await user.send("x" * 201)
    assert too_long.text == ("That is 201 characters; the limit is 200. Please send a shorter "
                             "text.")
    (document,) = await user.send_document("plan.pdf", b"%PDF")
    assert document.text == "Please answer with a text message, or send /cancel to stop."
    (other_command,) = await user.send("/next")  # other commands still work mid-flow
    assert other_command.text.startswith("Next session")
    (ask_description,) = await user.send("x" * 200)
    assert "description" in ask_description.text
    (long_description,) = await user.send("y" * 2001)
    assert long_description.text.startswith("That is 2,001 characters; the limit is 2,000.")
    await user.press("Skip", message=ask_description)
    (preview,) = await user.press("Skip")
    assert preview.text.startswith("Preview")
    (stray,) = await user.send("looks good")
    assert stray.text == "Please press Save or Cancel under the preview, or send /cancel."
    assert await user.press("Skip", message=ask_description, expect=0) == []
    assert user.callback_answers[-1]["text"].startswith("That button belongs to an earlier")
    (cancelled,) = await user.send("/cancel")
    assert cancelled.text == "Cancelled: nothing was saved."
    assert await bot.repo.goals.goals() == []
    (chatter,) = await user.send("hello")  # the flow is over: normal handling again
    assert chatter.text.startswith("Sorry, I did not understand that.")
    assert await user.press("Save", message=preview, expect=0) == []
    assert user.callback_answers[-1]["text"].startswith("This form is no longer open.")


async def test_a_goal_form_survives_a_restart(run_bot: BotRunner,
                                              emulator: BotAPIEmulator) -> None:
    async with run_bot() as svc:
        ana = await member(svc, emulator, 81, "en", "Peru", first_name="Ana")
        (ask_title,) = await ana.send("/addgoal")
        assert ask_title.text.startswith("New goal for 🇵🇪 Peru.")
        (ask_description,) = await ana.send("Certified cocoa for 200 farms")
        assert ask_description.text.startswith("Now a short description")
    async with run_bot() as svc:  # a new Application on the same database
        (ask_target,) = await ana.send("With the regional cooperative.")
        assert ask_target.text.startswith("By when should the goal be reached?")
        (preview,) = await ana.send("30/09/2021")
        assert preview.text.splitlines()[1:4] == [
            "Title: Certified cocoa for 200 farms",
            "Description: With the regional cooperative.",
            "Target date: Sep 30, 2021",
        ]
        saved, screen = await ana.press("Save", expect=2)
        assert saved.text == "✅ Goal saved."
        assert screen.text.splitlines()[1] == "Certified cocoa for 200 farms"
        (goal,) = await svc.repo.goals.goals("PE")
        assert (goal.title, goal.description, goal.target_date, goal.created_by) == (
            "Certified cocoa for 200 farms", "With the regional cooperative.",
            date(2021, 9, 30), 81)
        assert await ana.press("Save", message=preview, expect=0) == []
        assert ana.callback_answers[-1]["text"].startswith("This form is no longer open.")
