"""Reminders end to end: real JobQueue jobs fired on a fake clock, emulator over HTTP, SQLite."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.ext import Application

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import BotAPIEmulator, FakeUser
from bot.i18n import I18n
from bot.jobs import fire_due
from bot.schedule import Schedule
from bot.services import Services, get_services
from bot.storage.reminders import DeliveryKey
from tests.helpers import ORGANIZER_ID, ROOT, BotRunner, onboard

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)  # session 3, core only, 3 hours
S4 = datetime(2021, 4, 14, 14, 0, tzinfo=UTC)  # session 4, core only, 2 hours


async def fire(svc: Services, clock: FakeClock, when: datetime) -> list[str]:
    """Move the clock and run what is due; returns the reminder jobs that ran."""
    clock.set(when)
    return [n for n in await fire_due(svc.app, clock) if n.startswith(("reminder:", "moved:"))]


async def core_member(svc: Services, user: FakeUser, lang: str, country: str,
                      zone: str | None = None, group: str = "core") -> None:
    await onboard(user, lang, country, zone)
    await svc.repo.participants.update(user.id, svc.clock.now(), grp=group)


def texts(user: FakeUser, since: int) -> list[str]:
    """Reminders and notices only (other features, e.g. goal nudges, also write)."""
    return [m.text for m in user.messages[since:] if m.text.startswith(("⏰", "🔔", "📣"))]


async def test_three_default_reminders_in_each_language(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    people = [
        (emulator.user(1, "es"), "Español", "Perú", None, "09:00 (hora de Perú)",
         ["Recordatorio: la sesión comienza mañana.",
          "Recordatorio: la sesión comienza en 1 hora.", "¡Comienza ahora!"]),
        (emulator.user(2, "fr"), "Français", "Côte d'Ivoire", None,
         "14:00 (heure de la Côte d'Ivoire)",
         ["Rappel\xa0: la session commence demain.",
          "Rappel\xa0: la session commence dans 1\xa0heure.", "La session commence\xa0!"]),
        (emulator.user(3, "pt"), "Português", "Brasil", "São Paulo",
         "11:00 (horário de Brasília)",
         ["Lembrete: a sessão começa amanhã.", "Lembrete: a sessão começa em 1 hora.",
          "Começa agora!"]),
        (emulator.user(4, "en"), "English", "Ghana", None, "14:00 (Ghana time)",
         ["Reminder: the session starts tomorrow.", "Reminder: the session starts in 1 hour.",
          "Starting now!"]),
    ]
    for user, lang, country, zone, *_ in people:
        await core_member(bot, user, lang, country, zone)
    marks = {user.id: len(user.messages) for user, *_ in people}

    assert await fire(bot, clock, S3 - timedelta(days=1)) == ["reminder:3:1440"]
    assert await fire(bot, clock, S3 - timedelta(hours=1)) == ["reminder:3:60"]
    assert await fire(bot, clock, S3) == ["reminder:3:0"]

    for user, _lang, _country, _zone, local, heads in people:
        got = [m for m in user.messages[marks[user.id]:] if m.text.startswith(("⏰", "🔔"))]
        assert [m.text.splitlines()[0].split(" ", 1)[1] for m in got] == heads
        for message in got:
            assert message.text.splitlines()[1].endswith(
                ("Cocoa agroforestry design, innovative finance and PPPs",
                 "alianzas público-privadas", "PPP", "PPPs")
            )
            assert local in message.text
    rows = await bot.repo.reminders.statuses(DeliveryKey("reminder", 3, S3, 0))
    assert rows == {1: "sent", 2: "sent", 3: "sent", 4: "sent"}


async def test_wider_group_gets_only_sessions_open_to_all(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    wider = emulator.user(10, "es")
    await core_member(bot, wider, "Español", "Colombia", group="wider")
    mark = len(wider.messages)
    await fire(bot, clock, S3)
    await fire(bot, clock, S4)
    assert texts(wider, mark) == []
    s6 = datetime(2021, 6, 17, 14, 0, tzinfo=UTC)
    await fire(bot, clock, s6 - timedelta(hours=1))
    assert [t.splitlines()[0] for t in texts(wider, mark)] == [
        "⏰ Recordatorio: la sesión comienza en 1 hora."
    ]


async def test_toggles_and_all_off(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    user = emulator.user(20, "en")
    await core_member(bot, user, "English", "Ghana")
    (view,) = await user.send("/reminders")
    assert "✅ 1 hour before" in view.text
    (toggled,) = await user.press("1 hour before")
    assert "🚫 1 hour before" in toggled.text and "✅ 1 day before" in toggled.text
    mark = len(user.messages)
    await fire(bot, clock, S3 - timedelta(days=1))
    await fire(bot, clock, S3 - timedelta(hours=1))
    await fire(bot, clock, S3)
    heads = [t.splitlines()[0] for t in texts(user, mark)]
    assert heads == ["⏰ Reminder: the session starts tomorrow.", "🔔 Starting now!"]

    (all_off,) = await user.press("Turn all reminders off")
    assert "All reminders are off." in all_off.text
    mark = len(user.messages)
    await fire(bot, clock, S4 - timedelta(days=1))
    assert texts(user, mark) == []
    await user.press("Turn all reminders on")
    await fire(bot, clock, S4)
    assert [t.splitlines()[0] for t in texts(user, mark)] == ["🔔 Starting now!"]


async def test_late_joiner_gets_the_starting_now_reminder(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await fire(bot, clock, S3 - timedelta(hours=1))  # nobody there yet
    clock.set(S3 - timedelta(minutes=30))
    late = emulator.user(30, "pt")
    await core_member(bot, late, "Português", "Brasil", "Manaus")
    mark = len(late.messages)
    await fire(bot, clock, S3)
    (reminder,) = texts(late, mark)
    assert reminder.startswith("🔔 Começa agora!")
    assert "10:00 (horário de Manaus)" in reminder


async def test_dst_zone_shows_the_right_hour_on_both_sides_of_the_change(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    user = emulator.user(40, "en")
    await user.send("/start")
    await user.press("English")
    await user.press("Another country or time zone")
    await user.send("Europe/Amsterdam")
    await user.press("None of these")
    await bot.repo.participants.update(40, clock.now(), grp="core")
    mark = len(user.messages)
    await fire(bot, clock, S3 - timedelta(days=1))  # Amsterdam on CET (UTC+1)
    await fire(bot, clock, S4 - timedelta(days=1))  # Amsterdam on CEST (UTC+2)
    march, april = texts(user, mark)
    assert "15:00 (Amsterdam time)" in march
    assert "16:00 (Amsterdam time)" in april


async def test_blocked_users_are_skipped_and_marked_inactive(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    blocker, silent, fine = emulator.user(50, "en"), emulator.user(51, "en"), emulator.user(52)
    for user in (blocker, silent, fine):
        await core_member(bot, user, "English", "Ghana")
    await blocker.block_bot()  # my_chat_member "kicked" arrives
    person = await bot.repo.participants.get(50)
    assert person is not None and not person.active
    await fire(bot, clock, S3 - timedelta(days=2))  # other features' messages go out first
    emulator.block(51)  # blocked, but the bot only learns it from the 403
    await fire(bot, clock, S3 - timedelta(days=1))
    statuses = await bot.repo.reminders.statuses(DeliveryKey("reminder", 3, S3, 1440))
    assert statuses == {51: "blocked", 52: "sent"}
    person = await bot.repo.participants.get(51)
    assert person is not None and not person.active
    await fire(bot, clock, S3 - timedelta(hours=1))
    statuses = await bot.repo.reminders.statuses(DeliveryKey("reminder", 3, S3, 60))
    assert statuses == {52: "sent"}  # inactive people are not even queued
    await blocker.unblock_bot()
    await fire(bot, clock, S3)
    statuses = await bot.repo.reminders.statuses(DeliveryKey("reminder", 3, S3, 0))
    assert statuses == {50: "sent", 52: "sent"}


async def _many_core_members(svc: Services, count: int, first_id: int = 1000) -> list[int]:
    ids = list(range(first_id, first_id + count))
    now = svc.clock.now()
    for uid in ids:
        await svc.repo.participants.ensure(uid, first_name=f"P{uid}", last_name=None,
                                          username=None, now=now)
        await svc.repo.participants.update(uid, now, language="es", country="PE",
                                          zone="America/Lima", grp="core", onboarded=1)
    return ids


def _received(emulator: BotAPIEmulator, uid: int) -> int:
    return sum("Recordatorio" in m.text for m in emulator.messages_to(uid))


async def test_restart_after_a_half_finished_fan_out_sends_the_rest_once(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot() as svc:
        for uid in range(1000, 1060):  # they have written to the bot: their chats exist
            emulator.private_chat(emulator.user(uid, "es").json)
        ids = await _many_core_members(svc, 60)
        clock.set(S3 - timedelta(hours=1))
        task = asyncio.create_task(fire_due(svc.app, clock))
        async with asyncio.timeout(20):
            while sum(_received(emulator, uid) for uid in ids) < 20:
                await asyncio.sleep(0.01)
        task.cancel()  # the crash: mid fan-out
        await asyncio.gather(task, return_exceptions=True)
    first = {uid: _received(emulator, uid) for uid in ids}
    assert 20 <= sum(first.values()) < 60

    clock.advance(timedelta(minutes=5))  # back up within the grace period
    async with run_bot() as svc:
        await fire_due(svc.app, clock)
        statuses = await svc.repo.reminders.statuses(DeliveryKey("reminder", 3, S3, 60))
    counts = {uid: _received(emulator, uid) for uid in ids}
    assert max(counts.values()) == 1  # nobody twice
    unknown = [uid for uid, status in statuses.items() if status == "unknown"]
    assert len(unknown) <= 1  # at most the one request in flight at the crash
    assert sum(counts.values()) >= 60 - len(unknown)
    assert all(statuses[uid] in ("sent", "unknown") for uid in ids)

    async with run_bot() as svc:  # a third start sends nothing more
        await fire_due(svc.app, clock)
    assert {uid: _received(emulator, uid) for uid in ids} == counts


async def test_catch_up_within_grace_and_drop_after(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    user = emulator.user(60, "en")
    async with run_bot() as svc:
        await core_member(svc, user, "English", "Ghana")
    mark = len(user.messages)
    # Down from before the 24 h reminder until 40 minutes before the start:
    clock.set(S3 - timedelta(minutes=40))
    async with run_bot() as svc:
        await fire_due(svc.app, clock)
    assert [t.splitlines()[0] for t in texts(user, mark)] == [
        "⏰ Reminder: the session starts in 40 minutes."  # 1 h reminder, 20 min late: sent
    ]  # the 24 h one, 23 h late: dropped
    mark = len(user.messages)
    # Session 4: down until 31 minutes after the 1 h reminder was due.
    clock.set(S4 - timedelta(minutes=29))
    async with run_bot() as svc:
        await fire_due(svc.app, clock)
        assert await svc.repo.reminders.statuses(DeliveryKey("reminder", 4, S4, 60)) == {}
    assert texts(user, mark) == []


async def test_moved_session_notifies_its_audience_once(
    settings: Settings, emulator: BotAPIEmulator, clock: FakeClock, i18n: I18n,
    tmp_path: Path,
) -> None:
    schedule_file = tmp_path / "schedule.json"
    data = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    schedule_file.write_text(json.dumps(data), encoding="utf-8")
    moved_settings = settings.model_copy(update={"schedule_path": schedule_file})

    def make() -> Application:
        return setup_application(moved_settings, clock=clock, i18n=i18n)

    core, wider = emulator.user(70, "es"), emulator.user(71, "fr")
    organizer = emulator.user(ORGANIZER_ID, "en")
    app = make()
    async with running(app):
        svc = get_services(app)
        await core_member(svc, core, "Español", "Perú")
        await core_member(svc, wider, "Français", "Côte d'Ivoire", group="wider")
        await organizer.send("/start")
        data["sessions"][4]["start"] = "2021-04-21T15:00:00Z"  # session 4: a week later, 15:00
        schedule_file.write_text(json.dumps(data), encoding="utf-8")
        mark = len(core.messages)
        (reply,) = await organizer.send("/reload")
        assert reply.text.splitlines() == [
            "Schedule reloaded: 11 sessions. Reminders were rebuilt.",
            "📅 Session 4 moved: Apr 14, 2021, 14:00 → Apr 21, 2021, 15:00 (UTC)",
            "1 person will be told."]  # the core member; session 4 is not the wider group's
        await fire_due(app, clock)
        (notice,) = texts(core, mark)
        assert notice.splitlines()[0] == "📣 Sesión reprogramada"
        assert "10:00 (hora de Perú)" in notice  # 15:00 UTC
        assert "Nueva fecha y hora: miércoles 21 de abril de 2021 a las 10:00 (hora de Perú)." \
            in notice
        assert "Estaba prevista para el miércoles 14 de abril de 2021 a las 09:00." in notice
        assert wider.messages[-1].text.startswith("C'est fait")  # core-only: not told
        jobs = {j.name for j in app.job_queue.jobs()}  # type: ignore[union-attr]
        assert "reminder:4:1440" in jobs
    app = make()
    async with running(app):  # restart: the move is not announced again
        await fire_due(app, clock)
    assert len(texts(core, mark)) == 1
    # the rebuilt 24 h reminder follows the new time
    app = make()
    async with running(app):
        clock.set(datetime(2021, 4, 20, 15, 0, tzinfo=UTC))
        await fire_due(app, clock)
    assert "10:00 (hora de Perú)" in core.messages[-1].text
    assert core.messages[-1].text.startswith("⏰ Recordatorio")


async def test_bad_reload_keeps_the_old_schedule(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    broken = tmp_path / "schedule.json"
    broken.write_text("{", encoding="utf-8")
    bot.settings.schedule_path = broken
    organizer = emulator.user(ORGANIZER_ID, "en")
    (reply,) = await organizer.send("/reload")
    assert reply.text.startswith(f"The schedule was not reloaded: {broken}: line 1")
    assert len(bot.schedule.sessions) == 11
    participant = emulator.user(80, "en")
    (refused,) = await participant.send("/reload")
    assert refused.text == "Sorry, only organizers can do that."


async def test_group_chat_linked_to_a_country_gets_reminders_in_its_language(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, schedule: Schedule
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    member = emulator.user(90, "es")
    await organizer.send("/start")
    group = -100123
    await emulator.add_bot_to_group(group, "Core Perú", ORGANIZER_ID)
    (hello,) = emulator.messages_to(group)
    assert "/link PE core" in hello.text
    (refused,) = await member.send_in_group(group, "/link PE core")
    assert refused.text == "Disculpe, solo los organizadores pueden hacer eso."
    (linked,) = await organizer.send_in_group(group, "/link Perú core")
    assert linked.text == (
        "This chat is linked to Peru (core group). Session reminders will be posted here."
    )
    await fire(bot, clock, S3 - timedelta(hours=1))
    reminder = emulator.messages_to(group)[-1]
    assert reminder.text.startswith("⏰ Recordatorio: la sesión comienza en 1 hora.")
    assert "09:00 (hora de Perú)" in reminder.text
    (unlinked,) = await organizer.send_in_group(group, "/unlink")
    assert unlinked.text == "This chat will no longer receive reminders."
    count = len(emulator.messages_to(group))
    await fire(bot, clock, S3)
    assert len(emulator.messages_to(group)) == count


async def test_starting_now_reminder_carries_the_check_in_button(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    user = emulator.user(95, "es")
    await core_member(bot, user, "Español", "Perú")
    await fire(bot, clock, S3 - timedelta(hours=1))
    assert user.messages[-1].reply_markup is None  # only "starting now" has the button
    await fire(bot, clock, S3)
    reminder = user.messages[-1]
    assert reminder.buttons() == [[("✅ Estoy aquí", "ci:3:95")]]
    await user.press("Estoy aquí", message=reminder)
    record = await bot.repo.attendance.get(95, 3)
    assert record is not None and record.status == "present"
