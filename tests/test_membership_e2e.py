"""One program, one truth: groups, roles and country scopes agree in every feature (issue 11).

The table below walks privileged actions aimed at Côte d'Ivoire as a facilitator limited to
Ghana and as a Ghana co-facilitator: each is refused (or shows Ghana only) and the database is
unchanged. Plain participants are walked over every privileged handler in
tests/test_privileged_walk.py.
"""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, FakeUser
from bot.jobs import fire_due
from bot.services import Services
from tests.helpers import ORGANIZER_ID, BotRunner, as_core, dump, onboard

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)  # core only
S6 = datetime(2021, 6, 17, 14, 0, tzinfo=UTC)  # the wider group's first session
FAC, COFAC, IVO, KOFI = 601, 602, 603, 604


async def _people(bot: Services, emulator: BotAPIEmulator) -> dict[int, FakeUser]:
    organizer = emulator.user(ORGANIZER_ID, "en")
    users = {
        FAC: emulator.user(FAC, "en", "Gifty"),
        COFAC: emulator.user(COFAC, "en", "Kwesi"),
        IVO: emulator.user(IVO, "fr", "Ivo"),
        KOFI: emulator.user(KOFI, "en", "Kofi"),
    }
    await onboard(users[FAC], "English", "Ghana")
    await bot.repo.participants.update(FAC, bot.clock.now(), grp=None)  # staff only
    for uid, country in ((COFAC, "Ghana"), (KOFI, "Ghana")):
        await onboard(users[uid], "English", country)
    await onboard(users[IVO], "Français", "Côte d'Ivoire")
    await as_core(bot, COFAC, KOFI, IVO)
    (granted,) = await organizer.send(f"/grant facilitator {FAC} GH", expect=1)
    assert granted.text == "Gifty is now a facilitator for 🇬🇭 Ghana."
    (co,) = await organizer.send(f"/grant cofacilitator {COFAC}")
    assert co.text == "Kwesi is now a co-facilitator for 🇬🇭 Ghana."
    await bot.join()  # the grant notices
    return users


@dataclass(frozen=True)
class Attempt:
    name: str
    command: str | None = None  # sent as a message
    data: str | None = None  # or pressed as a button (forged callback data)


WHOLE = ("Sorry, only organizers and facilitators for every country can do that: it affects "
         "the whole program.")
GOALS = "Sorry, you can change goals only for Ghana."  # one refusal: the action, the countries
ATTEMPTS = [
    (Attempt("correct an Ivorian's attendance", command=f"/correct 3 {IVO} absent test"),
     "Sorry, you can record attendance only for Ghana."),
    (Attempt("set a check-in code", command="/code 3 new"), WHOLE),
    (Attempt("add a goal for CI", command="/addgoal CI"), GOALS),
    (Attempt("change a CI goal's status", data="g:st:{goal}:x"), GOALS),
    (Attempt("tick a CI step", data="g:t:{goal}:{step}"), GOALS),
    (Attempt("edit a CI goal", data="g:e:{goal}"), GOALS),
    (Attempt("open the review for everyone", data="g:ro"), WHOLE),
    (Attempt("follow the CI review", data="g:rv:CI"),
     "Sorry, you can follow and close the closing review only for Ghana."),
    (Attempt("close the CI review", data="g:rc:CI:y"),
     "Sorry, you can follow and close the closing review only for Ghana."),
    (Attempt("cancel the organizer's broadcast", data="bcl:{broadcast}:x"),
     "There is no such broadcast."),
    (Attempt("list CI people", command="/people CI"),
     "Sorry, you can see the people only of Ghana."),
    (Attempt("coaching of CI", command="/coaching CI"),
     "Sorry, you can arrange coaching only for Ghana."),
    (Attempt("feedback of CI", command="/feedback 0 CI"),
     "Sorry, you can read session feedback only from Ghana."),
]


@pytest.mark.parametrize("actor", [FAC, COFAC], ids=["facilitator of GH", "co-facilitator of GH"])
async def test_staff_limited_to_ghana_cannot_act_on_cote_divoire(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, actor: int
) -> None:
    users = await _people(bot, emulator)
    now = clock.now()
    goal = await bot.repo.goals.add_goal("CI", "Objectif ivoirien", None, None, IVO, now)
    step = await bot.repo.goals.add_step(goal, "Étape", None, None, None, IVO, now)
    draft = await bot.repo.broadcasts.create_draft(ORGANIZER_ID, now)
    await bot.repo.broadcasts.add_version(draft, None, ORGANIZER_ID, 1)
    assert await bot.repo.broadcasts.schedule(draft, now + timedelta(days=2))
    clock.set(S3 + timedelta(minutes=30))
    await users[IVO].send("/checkin")
    await users[KOFI].send("/checkin")
    values = {"goal": goal, "step": step, "broadcast": draft}
    user = users[actor]
    for attempt, refusal in ATTEMPTS:
        before = await dump(bot.repo.db, skip=("deliveries",))
        if attempt.command is not None:
            replies = await user.send(attempt.command)
            assert [r.text for r in replies] == [refusal], attempt.name
        else:
            assert attempt.data is not None
            assert await user.press_data(attempt.data.format(**values), expect=0) == []
            answer = user.callback_answers[-1]
            assert (answer.get("text"), answer.get("show_alert")) == (refusal, True), attempt.name
        assert await dump(bot.repo.db, skip=("deliveries",)) == before, attempt.name

    # What they may see is Ghana only: the roll of session 3 ...
    (roll,) = await user.send("/attendance 3")
    assert "Kofi" in roll.text and "Ivo" not in roll.text and "Côte d'Ivoire" not in roll.text
    # ... and "Everyone" in a broadcast means everyone in Ghana.
    (screen,) = await user.send("/broadcast")
    assert "Côte d'Ivoire" not in str(screen.button_texts())
    # Kofi and the other Ghana staff member; Ivo would make it 3.
    assert "Active people matching: 2" in screen.text


async def test_replies_and_correction_requests_go_to_the_staff_of_that_country(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    users = await _people(bot, emulator)
    clock.set(S3 + timedelta(hours=4))
    for uid, session_button in ((IVO, "Session 3"), (KOFI, "Session 3")):
        (me,) = await users[uid].send("/me")
        await users[uid].press(me.button_texts()[-1], message=me)
        await users[uid].press(session_button if uid == KOFI else "Session 3")
        await users[uid].send("I was there")
    await bot.join()
    fac_texts = [m.text for m in users[FAC].messages]
    assert any("Correction request from Kofi" in t for t in fac_texts)
    assert not any("Correction request from Ivo" in t for t in fac_texts)
    organizer = emulator.user(ORGANIZER_ID, "en")
    assert sum("Correction request from" in m.text for m in organizer.messages) == 2


async def test_a_role_change_keeps_the_persons_record(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Path
) -> None:
    users = await _people(bot, emulator)
    clock.set(S3 + timedelta(minutes=5))
    await users[COFAC].send("/checkin")  # a co-facilitator checks in as the member they are
    organizer = emulator.user(ORGANIZER_ID, "en")
    (roll,) = await organizer.send("/attendance 3")
    assert "✅ Kwesi" in roll.text
    csv_doc, xlsx_doc = await organizer.send("/export", expect=2)
    assert csv_doc.document is not None and xlsx_doc.document is not None
    rows = list(csv.reader(io.StringIO(csv_doc.document[1].decode("utf-8-sig"))))
    kwesi = next(r for r in rows if r[0] == str(COFAC))
    assert kwesi[4] == "core" and kwesi[7 + 3] == "present"
    book = load_workbook(io.BytesIO(xlsx_doc.document[1]))
    summary = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    assert any(row[0] == COFAC and row[10] == "present" for row in summary[1:])


async def test_open_registration_in_march_gets_session_6_reminders(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot() as svc:
        rosa = emulator.user(650, "es", "Rosa")
        await onboard(rosa, "Español", "Perú")  # 20 March: before the wider group starts
        person = await svc.repo.participants.get(650)
        assert person is not None and (person.group, person.joined_via) == ("wider", "open")
        (reminders,) = await rosa.send("/reminders")
        assert "grupo" not in reminders.text.splitlines()[0]  # no "not in a group" note
        (next_,) = await rosa.send("/next")
        assert "Sesión 6" in next_.text  # never a core-only session
        got = []
        for when in (S6 - timedelta(days=1), S6 - timedelta(hours=1), S6):
            mark = len(rosa.messages)
            clock.set(when)
            await fire_due(svc.app, clock)
            await asyncio.sleep(0)
            got += [m.text for m in rosa.messages[mark:]]
        assert [t.splitlines()[0][:1] for t in got if t.startswith(("⏰", "🔔", "🎉"))] == [
            "⏰", "⏰", "🎉"]  # welcomed into the wider group: one message at the start
        assert "\n🔔 ¡Comienza ahora!\n" in got[-1]


async def test_people_with_no_group_are_told_the_same_story(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    guest = emulator.user(660, "en", "Guest")
    await onboard(guest, "English", "Ghana")
    await bot.repo.participants.update(660, clock.now(), grp=None)  # e.g. a former member
    (reminders,) = await guest.send("/reminders")
    assert reminders.text.startswith(
        "ℹ️ You are not in a group of the program yet, so no session reminders reach you.")
    clock.set(S3 + timedelta(minutes=5))
    (checkin,) = await guest.send("/checkin")
    assert checkin.text.startswith("You are not in a group of the program yet")
    assert await bot.repo.attendance.count() == 0
    (me,) = await guest.send("/me")
    assert me.text == checkin.text
    (next_,) = await guest.send("/next")
    assert "Session 3" not in next_.text  # core-only sessions are not offered


async def test_late_joiner_sees_before_you_joined(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    user = emulator.user(670, "en", "Late")
    await onboard(user, "English", "Ghana")
    await as_core(bot, user, since=clock.now())  # invited on 20 March, after session 2
    (me,) = await user.send("/me")
    lines = me.text.splitlines()
    assert sum(line.startswith("➖") and "before you joined" in line for line in lines) == 3
    assert not any("absent" in line for line in lines)
    assert "You can no longer reach the threshold" not in me.text
    assert ("📝 To reach it, ask a facilitator to record the sessions before you joined that "
            "you attended.") in lines


async def test_a_typed_zone_keeps_a_program_country(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(680, "en", "Ann")
    await user.send("/start")
    await user.press("English")
    await user.press("Another country or time zone")
    (home,) = await user.send("America/New_York")
    assert home.text == "Which of the program's countries are you part of?"
    await user.press("Ghana")
    person = await bot.repo.participants.get(680)
    assert person is not None and (person.country, person.zone) == ("GH", "America/New_York")
    await user.press("⏭")
    await user.press("⏭")
    (goals,) = await user.send("/goals")
    assert goals.text.splitlines()[0].startswith("Goals of the 🇬🇭 Ghana core group")


async def test_an_invited_member_cannot_move_to_another_country(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    (created,) = await organizer.send("/invite core GH 5 30")
    code = created.text.split("start=")[1].split()[0]
    user = emulator.user(690, "en", "Ama")
    await user.send(f"/start {code}")
    await user.press("English")
    await user.press("⏭")
    await user.press("⏭")
    (settings,) = await user.send("/settings")
    assert settings.button_texts() == ["Change language", "Change time zone"]
    (zones,) = await user.press("Change time zone")
    assert zones.button_texts()[-1] == "🌐 Another time zone"
    assert await user.press_data("country:st:PE", expect=1)  # a forged old button
    person = await bot.repo.participants.get(690)
    assert person is not None and (person.group, person.country) == ("core", "GH")
    (addgoal,) = await user.send("/addgoal PE")
    assert addgoal.text.startswith("Sorry, only the core group of Peru")
