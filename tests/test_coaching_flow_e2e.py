"""Coaching through restarts, rights, and changes: nothing lost between poll and booking, the
one answer reminder, who may open coaching for which country, a new time or a cancellation
told to everyone once."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, FakeUser
from bot.exports import EXPORTERS
from bot.jobs import fire_due
from bot.schedule import Schedule, load_schedule
from bot.services import Services
from bot.storage.reminders import DeliveryKey
from tests.coaching_helpers import COACH, coach, ghana_group, send_poll, with_link
from tests.goal_helpers import member, wait_for
from tests.helpers import ORGANIZER_ID, ROOT, BotRunner

PARTICIPANT_REFUSAL = "Sorry, only facilitators and organizers can do that."
SCOPE_REFUSAL = "Sorry, you can arrange coaching only for Ghana."


@pytest.fixture
def schedule() -> Schedule:
    return with_link(load_schedule(ROOT / "schedule.json"))


def count(user: FakeUser, start: str) -> int:
    return sum(1 for m in user.messages if m.text.startswith(start))


async def test_a_restart_between_poll_and_booking_loses_nothing(
    run_bot: BotRunner, clock: FakeClock, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    async with run_bot() as svc:
        g = await ghana_group(svc, emulator)
        members = [g["kofi"], g["rosa"], g["joao"], g["awa"]]
        facilitator = await coach(svc, emulator)
        await send_poll(svc, emulator, facilitator, members)
        await g["kofi"].press("1 ✅ I can")
        c = (await svc.repo.coaching.all("GH"))[0]
        # As if the bot stopped before João's poll went out: his row is still pending.
        await svc.repo.db.write("UPDATE deliveries SET status = 'pending' WHERE chat_id = 73")
    polls = {u.id: count(u, "🗓") for u in members}

    async with run_bot() as svc:
        app = svc.app
        await fire_due(app, clock)
        await svc.join()
        await wait_for(emulator, lambda: count(g["joao"], "🗓") == 2)
        assert {u.id: count(u, "🗓") for u in members} == {**polls, 73: 2}
        # Buttons sent before the restart still work, and the answers are all there.
        await g["rosa"].press("1 ✅ Puedo", message=g["rosa"].messages[-1])
        (screen,) = await facilitator.send("/coaching GH")
        assert "✅ 2 (Kofi, Rosa) · ❌ 0" in screen.text
        assert "Not answered yet (2): Awa, Joao" in screen.text

        # 48 hours later: one reminder, only to those who answered nothing.
        clock.set(datetime(2021, 3, 22, 12, 0, 1, tzinfo=UTC))
        assert f"coaching:{c.id}:nudge:1" in await fire_due(app, clock)
        await svc.join()
        await wait_for(emulator, lambda: g["awa"].last.text.startswith("⏰"))
        assert g["awa"].last.text.startswith(
            "⏰ Rappel\u00a0: le facilitateur attend vos réponses.")
        assert g["joao"].last.text.startswith("⏰ Lembrete: o facilitador está esperando")
        assert count(g["kofi"], "⏰") == 0 and count(g["rosa"], "⏰") == 0

    async with run_bot() as svc:
        app = svc.app
        await fire_due(app, clock)  # nothing again after a restart
        await svc.join()
        assert [count(u, "⏰") for u in members] == [0, 0, 1, 1]
        (screen,) = await facilitator.send("/coaching GH")
        await facilitator.press("📌 Book 1")
        await facilitator.press("Yes, book it")
        await svc.join()
        await wait_for(emulator, lambda: all(count(u, "✅ ") == 1 for u in members))
        key = DeliveryKey("coaching_booked", c.id, datetime(2021, 3, 23, 14, tzinfo=UTC), 1)
        assert set((await svc.repo.reminders.statuses(key)).values()) == {"sent"}
        out = tmp_path / "coaching.csv"  # read as the shell would: on the real clock, long after
        await EXPORTERS["coaching"](svc.repo, svc.schedule, "csv", out)
    with out.open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["coaching"] and rows[2][:4] == [str(c.id), "GH", "done",
                                                      "2021-03-23 14:00"]
    start = rows.index(["attendance"])
    assert [r[4:6] for r in rows[start + 2:start + 6]] == [
        ["Awa", "absent"], ["Joao", "absent"], ["Kofi", "absent"], ["Rosa", "absent"]]


async def _people(svc: Services, emulator: BotAPIEmulator) -> dict[str, FakeUser]:
    participant = await member(svc, emulator, 81, "en", "Ghana", first_name="Kofi")
    limited = await coach(svc, emulator, "GH")
    organizer = emulator.user(ORGANIZER_ID, "en")
    return {"participant": participant, "gh_facilitator": limited, "organizer": organizer}


@pytest.mark.parametrize(("who", "command", "answer"), [
    ("participant", "/coaching GH", PARTICIPANT_REFUSAL),
    ("participant", "/coaching CI", PARTICIPANT_REFUSAL),
    ("gh_facilitator", "/coaching CI", SCOPE_REFUSAL),
    ("gh_facilitator", "/coaching GH", "🗓 Coaching hour of the core group · 🇬🇭 Ghana"),
    ("organizer", "/coaching CI", "🗓 Coaching hour of the core group · 🇨🇮 Côte d'Ivoire"),
])
async def test_who_may_open_coaching_for_which_country(
    bot: Services, emulator: BotAPIEmulator, who: str, command: str, answer: str
) -> None:
    people = await _people(bot, emulator)
    (reply,) = await people[who].send(command)
    assert reply.text.startswith(answer)
    waiting = await bot.repo.pending.get(people[who].id, people[who].id)
    assert (waiting is not None) == (answer.startswith("🗓"))


async def test_forged_buttons_beyond_the_scope_change_nothing(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    people = await _people(bot, emulator)
    c = await bot.repo.coaching.create("CI", [datetime(2021, 3, 23, 14, tzinfo=UTC),
                                              datetime(2021, 3, 25, 14, tzinfo=UTC)],
                                       60, ORGANIZER_ID, bot.clock.now())
    slot = (await bot.repo.coaching.slots(c.id, 1))[0]
    limited = people["gh_facilitator"]
    (overview,) = await limited.send("/coaching")
    assert "🇬🇭 Ghana" in overview.text and "Côte d'Ivoire" not in overview.text
    for data in ("co:s:CI", f"co:b:{slot.id}:y", f"co:x:{c.id}:y", f"co:n:{c.id}"):
        assert await limited.press_data(data, expect=0) == []
        assert limited.callback_answers[-1]["text"] == SCOPE_REFUSAL
    for data in (f"co:b:{slot.id}:y", f"co:a:{slot.id}:y"):  # a participant of Ghana
        await people["participant"].press_data(data, expect=0)
        assert people["participant"].callback_answers[-1]["show_alert"]
    after = await bot.repo.coaching.get(c.id)
    assert after == c and await bot.repo.coaching.answers(c.id, 1) == {}


async def test_a_new_time_a_new_poll_and_a_cancellation_are_each_told_once(
    bot: Services, clock: FakeClock, emulator: BotAPIEmulator
) -> None:
    app = bot.app
    g = await ghana_group(bot, emulator)
    members = [g["kofi"], g["rosa"], g["joao"], g["awa"]]
    facilitator = await coach(bot, emulator)
    await send_poll(bot, emulator, facilitator, members)
    await facilitator.press("📌 Book 2")
    await facilitator.press("Yes, book it")
    await bot.join()
    await wait_for(emulator, lambda: all(count(u, "✅ ") == 1 for u in members))
    c = (await bot.repo.coaching.all("GH"))[0]

    # One new time: booked directly, one "new time" message each, the event's SEQUENCE grows.
    (screen,) = await facilitator.send("/coaching GH")
    assert screen.button_texts()[:2] == ["🔄 Refresh", "📅 Add to calendar"]
    await facilitator.press("🔁 Another time")
    (preview,) = await facilitator.send("2021-03-30 15:00")  # Amsterdam, summer time: 13:00 UTC
    assert preview.text.startswith(
        "Book the coaching hour of 🇬🇭 Ghana on Tuesday, 30 March 2021 from 15:00 to 16:00")
    await facilitator.press("✅ Book it", expect=2)
    await bot.join()
    await wait_for(emulator, lambda: all(count(u, "🔁 ") == 1 for u in members))
    assert g["rosa"].last.text.splitlines()[:2] == [
        "🔁 Nuevo horario para la hora de coaching · 🇬🇭 Ghana",
        "martes 30 de marzo de 2021 de 08:00 a 09:00 (hora de Perú)"]
    (ics,) = await g["kofi"].press("📅 Add to calendar")
    assert ics.document is not None
    event = Calendar.from_ical(ics.document[1]).walk("VEVENT")[0]
    assert event["sequence"] == 1
    assert event.decoded("dtstart") == datetime(2021, 3, 30, 13, tzinfo=UTC)
    assert app.job_queue is not None
    jobs = {j.name: j.data["due"] for j in app.job_queue.jobs()
            if j.name and j.name.startswith(f"coaching:{c.id}:")}
    assert jobs[f"coaching:{c.id}:0"] == datetime(2021, 3, 30, 13, tzinfo=UTC)

    # Two times: a new poll; the booked time is given up and its reminders go.
    await facilitator.send("/coaching GH")
    await facilitator.press("🔁 Another time")
    await facilitator.send("2021-04-06 15:00\n2021-04-07 15:00")
    await facilitator.press("📤 Send the poll", expect=2)
    await bot.join()
    await wait_for(emulator, lambda: all(
        count(u, "🗓") == 2 for u in members))
    assert "The coaching hour needs a new time." in g["kofi"].last.text
    assert not [j for j in app.job_queue.jobs() if j.name == f"coaching:{c.id}:0"]

    # Cancelled: told once; its nudge is gone; the group's hour is free again.
    await facilitator.send("/coaching GH")
    (question,) = await facilitator.press("✖️ Cancel the coaching")
    assert question.text == ("Cancel the coaching hour of 🇬🇭 Ghana? Everyone in the group is "
                             "told.")
    await facilitator.press("Yes, cancel it")
    await bot.join()
    await wait_for(emulator, lambda: all(count(u, "✖️") == 1 for u in members))
    assert g["joao"].last.text.startswith(
        "✖️ A hora de coaching do grupo central · 🇬🇭 Gana foi cancelada.")
    assert not [j for j in app.job_queue.jobs()
                if j.name and j.name.startswith(f"coaching:{c.id}:")]
    assert count(facilitator, "✖️ The coaching") == 0  # the coach did it: no notice
    (overview,) = await facilitator.send("/coaching")
    assert "🇬🇭 Ghana — not started · hours used: 0 of 1" in overview.text
    assert await bot.repo.participants.audit_entries()
    actions = [e["action"] for e in await bot.repo.participants.audit_entries()
               if e["actor_id"] == COACH]
    assert actions == ["coaching_poll", "coaching_book", "coaching_book", "coaching_poll",
                       "coaching_cancel"]


async def test_staff_screens_speak_the_facilitators_language(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    g = await ghana_group(bot, emulator)
    awa = await member(bot, emulator, 701, "fr", "Côte d'Ivoire", group=None, first_name="Awa")
    await emulator.user(ORGANIZER_ID, "en").send("/grant facilitator 701")
    (prompt,) = await awa.send("/coaching GH")
    assert prompt.text.startswith("🗓 Heure de coaching du groupe central · 🇬🇭 Ghana · 4 membres")
    (refused,) = await awa.send("2021-03-23 14:00\n2021-03-24 14:30")
    assert refused.text.splitlines()[:2] == [
        "Vérifiez ces lignes\u00a0:",
        "Ligne 2 «\u00a02021-03-24 14:30\u00a0»\u00a0: cela chevauche la session 3."]
    (preview,) = await awa.send("2021-03-23 14:00\n2021-03-26 14:00")
    assert preview.button_texts() == ["📤 Envoyer le sondage", "✖️ Annuler"]
    await awa.press("Envoyer le sondage", expect=2)
    await bot.join()
    await g["joao"].press("2 ❌ Não posso")
    await bot.join()
    assert "Pas encore de réponse (3)\u00a0: Awa, Kofi, Rosa" in awa.last.text
    joao = await member(bot, emulator, 702, "pt", "Brasil", group=None, zone_button="Manaus")
    await emulator.user(ORGANIZER_ID, "en").send("/grant facilitator 702 BR")
    (overview,) = await joao.send("/coaching")
    assert overview.text.splitlines()[3] == (
        "🇧🇷 Brasil — não iniciado · horas usadas: 0 de 1")


async def test_forget_deletes_answers_and_keeps_check_ins_as_counts(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    ama = await member(bot, emulator, 7_101, "en", "Ghana", first_name="Ama")
    now = bot.clock.now()
    store = bot.repo.coaching
    c = await store.create("GH", [datetime(2021, 3, 23, 14, tzinfo=UTC),
                                  datetime(2021, 3, 25, 14, tzinfo=UTC)], 60, 7_101, now)
    slot = (await store.slots(c.id, 1))[0]
    await store.answer(slot.id, 7_101, "yes", now)
    assert await store.book(c, slot.start, 7_101, now)
    await store.check_in(c.id, 7_101, "present", "button", now)
    await ama.send("/forget")
    await ama.press("🗑 Yes, delete my data")
    assert await store.answers(c.id, 1) == {}
    assert [(r.user_id, r.status) for r in await store.checkins(c.id)] == [(None, "present")]
    after = await store.get(c.id)
    assert after is not None and (after.coach_id, after.booked_by) == (0, 0)
    out = tmp_path / "coaching.csv"
    await EXPORTERS["coaching"](bot.repo, bot.schedule, "csv", out)
    text = out.read_text(encoding="utf-8-sig")
    assert "Ama" not in text and "7101" not in text
