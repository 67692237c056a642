"""Coaching end to end: the poll in each member's zone and language, the live tally with changed
answers, booking with one message per member, reminders on the FakeClock, check-in, the
export read back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.exports import EXPORTERS
from bot.jobs import fire_due
from bot.schedule import Schedule, load_schedule
from bot.storage.reminders import DeliveryKey
from tests.coaching_helpers import LINK, coach, ghana_group, send_poll, with_link
from tests.goal_helpers import wait_for
from tests.helpers import ROOT, BotRunner

SLOT_1 = datetime(2021, 3, 23, 14, tzinfo=UTC)


@pytest.fixture
def schedule() -> Schedule:
    return with_link(load_schedule(ROOT / "schedule.json"))


async def test_poll_tally_booking_reminders_checkin_export(
    run_bot: BotRunner, clock: FakeClock, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    async with run_bot() as svc:
        app = svc.app
        g = await ghana_group(svc, emulator)
        kofi, rosa, joao, awa, luis = g["kofi"], g["rosa"], g["joao"], g["awa"], g["luis"]
        facilitator = await coach(svc, emulator)
        tally = await send_poll(svc, emulator, facilitator, [kofi, rosa, joao, awa])

        # The same instant, in each member's own zone and language.
        assert "1. Tuesday, 23 March 2021 from 14:00 to 15:00" in kofi.last.text  # Accra
        assert "(Ghana time)" in kofi.last.text
        assert "1. martes 23 de marzo de 2021 de 09:00 a 10:00" in rosa.last.text  # Lima
        assert "hora de Perú" in rosa.last.text
        assert "1. terça-feira, 23 de março de 2021, das 10:00 às 11:00" in joao.last.text  # Manaus
        assert "Manaus" in joao.last.text
        assert "1. mardi 23 mars 2021 de 14:00 à 15:00" in awa.last.text  # Abidjan
        assert rosa.last.button_texts()[:2] == ["1 ✅ Puedo", "1 ❌ No puedo"]
        assert not any("Ghana" in m.text for m in luis.messages[-1:])  # Peru's group: nothing
        # Amsterdam, for the coach (from Ghana: en_GH dates)
        assert "1. Tuesday, 23 March 2021 from 15:00 to 16:00" in tally.text

        # Answers, one changed: the tally keeps each member's latest answer per time.
        (poll,) = await kofi.press("1 ✅ I can")
        assert poll.edited
        assert "1. Tuesday, 23 March 2021 from 14:00 to 15:00 · ✅ you can" in poll.text
        assert poll.button_texts()[0] == "● 1 ✅ I can"
        await kofi.press("2 ❌ I can't")
        await kofi.press("1 ❌ I can't")
        await rosa.press("1 ✅ Puedo")
        await svc.join()
        live = facilitator.messages[-1]
        assert live.message_id == tally.message_id and live.edited
        assert "✅ 1 (Rosa) · ❌ 1 (Kofi)" in live.text
        assert "✅ 0 · ❌ 1 (Kofi)" in live.text
        assert "Not answered yet (2): Awa, Joao" in live.text
        assert "Poll under way: 2 of 4 members answered." in live.text
        (overview,) = await facilitator.send("/coaching")
        assert "🇬🇭 Ghana — polling: 2 of 4 members answered · hours used: 0 of 1" in overview.text
        assert "🇵🇪 Peru — not started · hours used: 0 of 1" in overview.text

        # Booking: one confirmation message per member, with the link and the calendar.
        (question,) = await facilitator.press("📌 Book 1")
        assert question.text.startswith("Book Tuesday, 23 March 2021 from 15:00 to 16:00")
        before = {u: len(u.messages) for u in (kofi, rosa, joao, awa)}
        await facilitator.press("Yes, book it")
        await svc.join()
        await wait_for(emulator, lambda: all(len(u.messages) == n + 1 for u, n in before.items()))
        assert rosa.last.text.splitlines()[:3] == [
            "✅ Hora de coaching reservada · 🇬🇭 Ghana",
            "martes 23 de marzo de 2021 de 09:00 a 10:00 (hora de Perú)",
            f"Enlace para unirse: {LINK}"]
        assert kofi.last.button_texts() == ["📅 Add to calendar"]
        c = (await svc.repo.coaching.all("GH"))[0]
        key = DeliveryKey("coaching_booked", c.id, SLOT_1, 1)
        assert await svc.repo.reminders.statuses(key) == {71: "sent", 72: "sent", 73: "sent",
                                                          74: "sent"}
        (ics,) = await joao.press("📅 Adicionar ao calendário")
        assert ics.document is not None and ics.document[0] == f"coaching-{c.id}.ics"
        event = Calendar.from_ical(ics.document[1]).walk("VEVENT")[0]
        assert str(event["uid"]) == f"coaching-{c.id}@sske-cocoa-2021"
        assert event["sequence"] == 0 and event.decoded("dtstart") == SLOT_1
        assert str(event["url"]) == LINK

        # Reminders as for sessions: 24 h, 1 h, and at the start with the check-in button.
        assert app.job_queue is not None
        names = {j.name for j in app.job_queue.jobs()}
        assert {f"coaching:{c.id}:1440", f"coaching:{c.id}:60", f"coaching:{c.id}:0"} <= names
        clock.set(datetime(2021, 3, 22, 14, tzinfo=UTC))
        assert f"coaching:{c.id}:1440" in await fire_due(app, clock)
        await svc.join()
        assert rosa.last.text.startswith("⏰ Hora de coaching · 🇬🇭 Ghana: mañana")
        assert facilitator.last.text.startswith("⏰ Coaching hour · 🇬🇭 Ghana: tomorrow")
        clock.set(datetime(2021, 3, 23, 13, 59, 30, tzinfo=UTC))
        await kofi.send("/coaching")  # check-in opens 15 minutes before
        assert kofi.last.button_texts() == ["✅ Check in", "📅 Add to calendar"]
        clock.set(SLOT_1)
        fired = await fire_due(app, clock)
        assert {f"coaching:{c.id}:60", f"coaching:{c.id}:0"} <= set(fired)
        await svc.join()
        await wait_for(emulator, lambda: awa.last.text.startswith("🔔"))
        assert awa.last.text.startswith("🔔 L'heure de coaching commence · 🇬🇭 Ghana")
        # The coach gets no check-in button, so is not told to use one (issue 26).
        await wait_for(emulator, lambda: any(m.text.startswith("🔔")
                                             for m in facilitator.messages))
        coach_start = next(m for m in facilitator.messages if m.text.startswith("🔔"))
        assert "button below" not in coach_start.text and not coach_start.button_texts()
        (checked,) = await awa.press("✅ Je suis là")
        assert checked.text == ("✅ Votre présence à l'heure de coaching est enregistrée. "
                                "Bienvenue\u00a0!")
        assert not any(b.startswith("✅") for b in facilitator.last.button_texts())
        clock.set(datetime(2021, 3, 23, 14, 20, tzinfo=UTC))
        (late,) = await kofi.press("✅ Check in")
        assert late.text == "⏰ You are checked in to the coaching hour, recorded as late."
        assert await rosa.press_data(f"co:ci:{c.id}:{kofi.id}", expect=0) == []
        assert rosa.callback_answers[-1]["show_alert"]
        records = {r.user_id: r.status for r in await svc.repo.coaching.checkins(c.id)}
        assert records == {74: "present", 71: "late"}
        # Session attendance is another record: nothing there.
        assert await svc.repo.attendance.all_records() == []

        clock.set(datetime(2021, 3, 23, 16, tzinfo=UTC))
        (screen,) = await facilitator.send("/coaching GH")
        assert "Checked in" not in screen.text and "Hours used: 1 of 1" in screen.text
        assert "All its coaching hours are used." in screen.text
        (mine,) = await rosa.send("/coaching")
        assert "No registró su asistencia." in mine.text

    # The export, read back.
    out = tmp_path / "coaching.xlsx"
    async with run_bot() as svc:
        await EXPORTERS["coaching"](svc.repo, svc.schedule, "xlsx", out)
    book = load_workbook(out)
    rows = [[cell.value for cell in row] for row in book["coaching"].iter_rows()]
    assert rows[1][:8] == [c.id, "GH", "done", "2021-03-23 14:00", "2021-03-23 15:00", 60, 1, 1]
    assert rows[1][10:13] == [4, 2, 1]
    attendance = {row[4]: row[5]
                  for row in book["attendance"].iter_rows(min_row=2, values_only=True)}
    assert attendance == {"Awa": "present", "Joao": "absent", "Kofi": "late", "Rosa": "absent"}
