"""Who may read and change which goals; forged callback data is refused on the server."""

from __future__ import annotations

from bot.emulator import BotAPIEmulator, FakeUser
from bot.services import Services
from tests.goal_helpers import member
from tests.helpers import ORGANIZER_ID

READ_ONLY_BUTTONS = ["🕓 History", "« Goals"]


async def _ghana_goal(bot: Services) -> tuple[int, int]:
    """A Ghana goal with one step; returns (goal id, step id)."""
    now = bot.clock.now()
    goal_id = await bot.repo.goals.add_goal("GH", "Ghana goal", None, None, 1, now)
    step_id = await bot.repo.goals.add_step(goal_id, "Ghana step", None, None, None, 1, now)
    return goal_id, step_id


async def _forged_all_refused(user: FakeUser, goal_id: int, step_id: int, expected: str,
                              every: bool = True) -> None:
    forged = [f"g:st:{goal_id}:d", f"g:t:{goal_id}:{step_id}", f"g:e:{goal_id}", "g:add:GH",
              f"g:r:{goal_id}:a"]
    if every:
        forged += [f"g:s:{goal_id}", f"g:as:{goal_id}", f"g:n:{goal_id}", "g:rv:GH"]
    for data in forged:
        assert await user.press_data(data, expect=0) == [], data
        answer = user.callback_answers[-1]
        assert answer.get("show_alert") and answer["text"] == expected, (data, answer)


async def test_cross_country_edits_are_refused_even_when_forged(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    goal_id, step_id = await _ghana_goal(bot)
    before = await bot.repo.goals.history(goal_id)
    rosa = await member(bot, emulator, 71, "es", "Perú", first_name="Rosa")
    await rosa.send("/goals")
    await _forged_all_refused(
        rosa, goal_id, step_id,
        "Disculpe, solo el grupo núcleo de Ghana y los facilitadores pueden cambiar estos "
        "objetivos.")
    # A step id of Ghana's under a goal Rosa may edit does not reach Ghana's step either.
    own = await bot.repo.goals.add_goal("PE", "Peru goal", None, None, 71, bot.clock.now())
    assert await rosa.press_data(f"g:t:{own}:{step_id}", expect=0) == []
    assert rosa.callback_answers[-1]["text"] == "Este paso ya no existe."
    (refused,) = await rosa.send("/addgoal GH")
    assert refused.text.startswith("Disculpe, solo el grupo núcleo de Ghana")
    assert await bot.repo.goals.history(goal_id) == before
    goal = await bot.repo.goals.get_goal(goal_id)
    assert goal is not None and goal.status == "not_started"
    assert (await bot.repo.goals.steps([goal_id]))[goal_id][0].done is False
    assert [g.country for g in await bot.repo.goals.goals()] == ["GH", "PE"]

    # A core member may read another group's goals, without edit buttons.
    (listing,) = await rosa.send("/goals GH")
    assert "Solo lectura" in listing.text
    assert "➕ Agregar un objetivo" not in listing.button_texts()
    (screen,) = await rosa.press("Ghana goal")
    assert screen.button_texts() == ["🕓 Historial", "« Objetivos"]


async def test_wider_group_reads_every_country_but_changes_nothing(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    goal_id, step_id = await _ghana_goal(bot)
    wider = await member(bot, emulator, 72, "en", "Peru", group="wider")
    (listing,) = await wider.send("/goals")
    assert "Only core group members can change them." in listing.text
    assert listing.button_texts() == ["🌍 Other countries"]
    (picker,) = await wider.press("Other countries")
    assert picker.text == "Which country's goals?"
    (ghana,) = await wider.press("Ghana", message=picker)
    assert "1. ⚪ Ghana goal" in ghana.text
    assert "Read only: only this country's core group can change its goals." in ghana.text
    (screen,) = await wider.press("1. Ghana goal", message=ghana)
    assert screen.button_texts() == READ_ONLY_BUTTONS
    (history,) = await wider.press("History", message=screen)
    assert history.text.startswith("History of: Ghana goal")
    await _forged_all_refused(
        wider, goal_id, step_id,
        "Sorry, only the core group of Ghana and the facilitators can change these goals.",
        every=False)
    (refused,) = await wider.send("/addgoal")
    assert refused.text.startswith("Sorry, only the core group of Peru")
    (not_all,) = await wider.send("/goals all")
    assert not_all.text == "Sorry, only facilitators and organizers can do that."


async def test_no_group_reads_own_country_only(bot: Services, emulator: BotAPIEmulator) -> None:
    goal_id, _step = await _ghana_goal(bot)
    guest = await member(bot, emulator, 73, "fr", "Pérou", group=None)
    (listing,) = await guest.send("/goals")
    assert listing.text.splitlines()[0] == "Objectifs du groupe central\u00a0: 🇵🇪 Pérou"
    assert ("Vous pouvez lire les objectifs de votre pays. Seuls les membres du groupe central "
            "peuvent les modifier.") in listing.text
    assert listing.button_texts() == []
    (other,) = await guest.send("/goals GH")
    assert other.text == "Désolé, vous ne pouvez voir que les objectifs de votre pays."
    assert await guest.press_data(f"g:o:{goal_id}", expect=0) == []
    assert guest.callback_answers[-1]["text"] == other.text
    nowhere = emulator.user(74, "en")
    await nowhere.send("/start")
    await bot.repo.participants.update(74, bot.clock.now(), grp=None)
    (hint,) = await nowhere.send("/goals")
    assert hint.text.startswith("Choose your country in /settings first")


async def test_facilitators_see_all_countries_and_edit_any(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    goal_id, _step = await _ghana_goal(bot)
    now = bot.clock.now()
    pe = await bot.repo.goals.add_goal("PE", "Peru goal", None, None, 1, now)
    await bot.repo.goals.set_status(pe, "done", 1, now)
    await bot.repo.goals.add_step(pe, "done step", None, None, None, 1, now)
    facilitator = await member(bot, emulator, 75, "en", "Peru", group=None)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send(f"/grant facilitator {facilitator.id}")

    (summary,) = await facilitator.send("/goals all")
    lines = summary.text.splitlines()
    assert lines[0] == "Goals of all core groups"
    ghana = lines.index("🇬🇭 Ghana")
    assert lines[ghana + 1] == "1 goal: ⚪ 1 · 🔵 0 · ✅ 0 · ✖️ 0"
    assert lines[ghana + 2] == "▱▱▱▱▱▱▱▱▱▱ 0% · 0 of 1 step done"
    peru = lines.index("🇵🇪 Peru")
    assert lines[peru + 1] == "1 goal: ⚪ 0 · 🔵 0 · ✅ 1 · ✖️ 0"
    assert lines[lines.index("🇨🇴 Colombia") + 1] == "No goals yet."
    (plain,) = await facilitator.send("/goals")  # the same summary
    assert plain.text == summary.text

    (listing,) = await facilitator.press("Ghana", message=summary)
    (screen,) = await facilitator.press("1. Ghana goal", message=listing)
    await facilitator.press("Status", message=screen)
    (done,) = await facilitator.press("✅ Done")
    assert "Status: ✅ Done" in done.text
    goal = await bot.repo.goals.get_goal(goal_id)
    assert goal is not None and goal.status == "done"
    audit = [(e["actor_id"], e["action"], e["target"])
               for e in await bot.repo.participants.audit_entries()]
    assert (facilitator.id, "goal_status", f"goal:{goal_id}") in audit
