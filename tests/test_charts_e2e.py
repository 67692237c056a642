"""/stats through the emulator: charts as photos with their key numbers in the caption, in
four languages; a facilitator limited to Ghana sees only Ghana; participants are refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.schedule import Schedule
from bot.services import Services
from tests.chart_helpers import picture, staff
from tests.helpers import ORGANIZER_ID, core_members, schedule_with_min_answers


@pytest.fixture
def schedule() -> Schedule:
    """Figures of one or two answers are read here: the anonymity minimum is 1
    (tests/test_fair_private.py checks the minimum of 3)."""
    return schedule_with_min_answers(1)


S = {n: datetime(2021, m, d, 14, tzinfo=UTC)
     for n, (m, d) in enumerate([(1, 20), (2, 3), (2, 17), (3, 24)])}
AFTER_S3 = S[3] + timedelta(hours=4)  # session 3 (3 hours) has ended
GH, PE = [101, 102, 103], [201, 202]
CHECKINS = {  # session -> (user, status)
    0: [(101, "present"), (102, "late"), (201, "present")],
    1: [(101, "present"), (201, "late"), (202, "present")],
    2: [(202, "present")],
    3: [(101, "present"), (102, "present"), (103, "late"), (201, "present"), (202, "present")],
}
BUTTONS = {"en": ["📊 Attendance by country", "📈 The program so far",
                  "🎯 Goals of the core groups", "⭐ Session feedback"],
           "es": ["📊 Asistencia por país", "📈 El programa hasta ahora",
                  "🎯 Objetivos de los grupos núcleo", "⭐ Opiniones sobre las sesiones"],
           "fr": ["📊 Présence par pays", "📈 Le programme à ce jour",
                  "🎯 Objectifs des groupes centraux", "⭐ Avis sur les sessions"],
           "pt": ["📊 Presença por país", "📈 O programa até agora",
                  "🎯 Objetivos dos grupos centrais", "⭐ Avaliações das sessões"]}


async def seed(bot: Services) -> None:
    """Ghana (3) and Peru (2) core members, their check-ins, goals with a closed review, and
    three ratings of session 3."""
    await core_members(bot, GH + PE)
    for uid in GH:
        await bot.repo.participants.update(uid, bot.clock.now(), country="GH")
    for uid in PE:
        await bot.repo.participants.update(uid, bot.clock.now(), country="PE")
    for n, rows in CHECKINS.items():
        for uid, status in rows:
            await bot.repo.attendance.check_in(uid, n, status, "button", S[n])
    goals = bot.repo.goals
    farms = await goals.add_goal("GH", "Map farms", None, None, 101, S[0])
    first = await goals.add_step(farms, "Visit", None, None, None, 101, S[0])
    await goals.add_step(farms, "Draw the map", None, None, None, 101, S[0])
    await goals.toggle_step(farms, first, 101, S[1])
    await goals.set_status(farms, "in_progress", 101, S[1])
    dropped = await goals.add_goal("PE", "Old plan", None, None, 201, S[0])
    await goals.set_status(dropped, "dropped", 201, S[1])
    for uid, rating in zip(GH, ("achieved", "partly", "not_achieved"), strict=True):
        await goals.rate(farms, rating, uid, S[3])  # type: ignore[arg-type]
    await goals.close_review("GH", None, S[3])
    for uid, country, rating in ((101, "GH", 5), (102, "GH", 4), (201, "PE", 3)):
        await bot.repo.feedback.rate(uid, 3, rating, country=country, group="core",
                                     language="en", now=AFTER_S3)


async def test_charts_in_four_languages(bot: Services, emulator: BotAPIEmulator,
                                        clock: FakeClock) -> None:
    clock.set(AFTER_S3)
    await seed(bot)
    organizer = emulator.user(ORGANIZER_ID, "en")
    (menu,) = await organizer.send("/stats")
    assert menu.text.splitlines() == [
        "Charts", "The whole program.",
        "Pick a chart: it comes as a picture, with its key numbers written under it."]
    assert menu.button_texts() == BUTTONS["en"]

    attendance = await picture(emulator, organizer, BUTTONS["en"][0])
    assert attendance.html is not None and attendance.html.startswith(
        "<b>Attendance by country</b>\n")
    assert attendance.text.splitlines()[3:] == [
        "Session 3 (Mar 24):",
        "Ghana: 3 of 3 checked in (100%), 1 late; all sessions so far: 50%",
        "Peru: 2 of 2 checked in (100%); all sessions so far: 75%",
        "",
        "Lowest so far: Ghana (50%).",
    ]
    program = await picture(emulator, organizer, BUTTONS["en"][1])
    assert program.text.splitlines()[3:] == [
        "Core group: 100% at session 3; 60% over 4 sessions.",
        "Highest: session 3 (100%); lowest: session 2 (20%).",
        "Wider group: no session yet.",
    ]
    goals = await picture(emulator, organizer, BUTTONS["en"][2])
    assert goals.text.splitlines()[3:] == [
        "Ghana: 1 goal (In progress: 1); action steps done: 50% (1 of 2); closing review: "
        "50% achieved.",
        "Côte d'Ivoire: no goals yet.",
        "Colombia: no goals yet.",
        "Peru: 1 goal (Dropped: 1); no action steps yet.",
        "Brazil: no goals yet.",
        "Dominican Republic: no goals yet.",
    ]
    feedback = await picture(emulator, organizer, BUTTONS["en"][3])
    assert feedback.text.splitlines()[3:] == [
        "Overall: 4.0 of 5 from 3 answers; 67% rated 4 or 5."]

    titles = {lang: [b.split(" ", 1)[1] for b in buttons] for lang, buttons in BUTTONS.items()}
    for uid, lang in ((301, "es"), (302, "fr"), (303, "pt")):
        user = await staff(bot, emulator, uid, lang)
        (menu,) = await user.send("/stats")
        assert menu.button_texts() == BUTTONS[lang]
        for button, title in zip(BUTTONS[lang], titles[lang], strict=True):
            photo = await picture(emulator, user, button)
            assert photo.text.splitlines()[0] == title
            assert len(photo.text) <= 1024
    es = emulator.user(301).messages[-4].text.splitlines()
    assert es[3:5] == ["Sesión 3 (24 mar):",
                       "Ghana: 3 de 3 con asistencia registrada (100\xa0%), 1 con retraso; todas "
                       "las sesiones hasta ahora: 50\xa0%"]  # Babel's no-break space


async def test_facilitator_limited_to_ghana_sees_only_ghana(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    clock.set(AFTER_S3)
    await seed(bot)
    gifty = await staff(bot, emulator, 401, "en", "GH")
    (menu,) = await gifty.send("/stats")
    assert menu.text.splitlines()[1] == "Your countries: Ghana."
    attendance = await picture(emulator, gifty, BUTTONS["en"][0])
    assert attendance.text.splitlines()[3:] == [
        "Session 3 (Mar 24):",
        "Ghana: 3 of 3 checked in (100%), 1 late; all sessions so far: 50%",
    ]
    program = await picture(emulator, gifty, BUTTONS["en"][1])
    assert program.text.splitlines()[3:5] == [
        "Core group: 100% at session 3; 50% over 4 sessions.",  # Ghana's 6 of 12
        "Highest: session 3 (100%); lowest: session 2 (0%).",
    ]
    # Goals are read by everyone in the program (README, Roles): every country, as /goals all.
    goals = await picture(emulator, gifty, BUTTONS["en"][2])
    assert goals.text.splitlines()[3] == (
        "Ghana: 1 goal (In progress: 1); action steps done: 50% (1 of 2); closing review: "
        "50% achieved.")
    assert "Côte d'Ivoire: no goals yet." in goals.text
    feedback = await picture(emulator, gifty, BUTTONS["en"][3])
    assert feedback.text.splitlines()[3:] == [
        "Overall: 4.5 of 5 from 2 answers; 100% rated 4 or 5."]  # Ghana's two
    assert not any("Peru" in m.text for m in gifty.messages if m is not goals)


async def test_participants_refused_group_chats_and_nothing_to_draw(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await seed(bot)
    participant = emulator.user(101, "es")
    (refused,) = await participant.send("/stats")
    assert refused.text == "Disculpe, solo los facilitadores y organizadores pueden hacer eso."
    await participant.press_data("st:attendance", expect=0)
    assert participant.callback_answers[-1]["text"] == refused.text
    assert [m.media for m in participant.messages] == [None]  # no photo

    organizer = emulator.user(ORGANIZER_ID, "en")
    await emulator.add_bot_to_group(-100500, "Ghana core", ORGANIZER_ID)
    (private,) = await organizer.send_in_group(-100500, "/stats")
    assert private.text.startswith("This is personal, so I only answer it in our private chat")

    clock.set(S[0] - timedelta(days=3))  # before the kick-off
    await organizer.send("/stats")
    (nothing,) = await organizer.press(BUTTONS["en"][0])
    assert nothing.text == ("There is no attendance to draw yet: no session has started, or "
                            "nobody was expected.")
    assert await organizer.press_data("st:nosuch", expect=0) == []  # no such chart
    assert organizer.callback_answers[-1]["text"] == (
        "This button no longer works. Please start again.")
