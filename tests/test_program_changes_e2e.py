"""Program changes from the chat (issue 25, item 3): /joinlink and /move kept in the database
over schedule.json, seen everywhere a link or a time shows, told once to the audience, still in
force after a restart on the original file, listed by /changes and undone; organizers only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from icalendar import Calendar

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.i18n import I18n
from bot.jobs import fire_due
from bot.schedule import Schedule
from bot.services import Services, get_services
from bot.storage.reminders import DeliveryKey
from tests.helpers import ORGANIZER_ID, BotRunner, as_core, dump, onboard

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)
S4 = datetime(2021, 4, 14, 14, 0, tzinfo=UTC)
MOVED = datetime(2021, 4, 21, 15, 0, tzinfo=UTC)  # 17:00 in Paris (summer time)
ZOOM = "https://zoom.us/j/555?pwd=cocoa"
OWN = "https://meet.example.org/s4"


@pytest.fixture
def run_bot(settings: Settings, clock: FakeClock, i18n: I18n) -> BotRunner:
    """Every start reads the same, original schedule.json (as after a redeploy)."""

    @asynccontextmanager
    async def _run(**overrides: object) -> AsyncIterator[Services]:
        app = setup_application(settings.model_copy(update=overrides), clock=clock, i18n=i18n)
        async with running(app):
            yield get_services(app)

    return _run


def events(message: BotMessage) -> list[Any]:
    assert message.document is not None, message
    return list(Calendar.from_ical(message.document[1]).walk("VEVENT"))


def notices(user: FakeUser, since: int) -> list[BotMessage]:
    return [m for m in user.messages[since:] if m.text.startswith("📣")]


async def organizer_in_paris(bot: Services, emulator: BotAPIEmulator) -> FakeUser:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    await bot.repo.participants.update(ORGANIZER_ID, bot.clock.now(), zone="Europe/Paris")
    return organizer


async def test_a_link_and_a_move_from_the_chat_survive_a_restart_and_undo_restores(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock, schedule: Schedule
) -> None:
    async with run_bot() as bot:
        organizer = await organizer_in_paris(bot, emulator)
        ama = emulator.user(201, "en")
        await onboard(ama, "English", "Ghana")
        rosa = emulator.user(202, "es")
        await onboard(rosa, "Español", "Perú")
        wider = emulator.user(203, "en")
        await onboard(wider, "English", "Ghana")
        await as_core(bot, ama, rosa)
        await as_core(bot, wider, group="wider")
        (before,) = await ama.send("/calendar")
        assert all("url" not in e for e in events(before))

        # The program's join link, set from the chat: 4 days ahead, nobody is told now.
        (answer,) = await organizer.send(f"/joinlink {ZOOM} Passcode 4242")
        assert answer.text.splitlines() == [
            "✅ Changed.", f"🔗 Program join link set: {ZOOM}", "Nobody needs to be told now."]
        (nxt,) = await ama.send("/next")
        assert f"🔗 Join: {ZOOM}" in nxt.text and "🔑 Passcode 4242" in nxt.text
        (card,) = await rosa.send("/session 3")
        assert f"🔗 Enlace: {ZOOM}" in card.text and "🔑 Passcode 4242" in card.text
        (cal,) = await ama.send("/calendar")
        s3 = next(e for e in events(cal) if str(e["uid"]).startswith("session-3@"))
        assert str(s3["url"]) == ZOOM and int(s3["sequence"]) == 1

        # A move typed in the organizer's zone, confirmed with the time in the six countries.
        (preview,) = await organizer.send("/move 4 2021-04-21 17:00")
        lines = preview.text.splitlines()
        assert lines[0] == "Move this session?" and lines[1].startswith("Session 4: ")
        assert "To: Apr 21, 2021, 17:00 (Paris time)" in lines
        for line in ("🇬🇭 Ghana: Apr 21, 2021, 15:00", "🇨🇴 Colombia: Apr 21, 2021, 10:00",
                     "🇵🇪 Peru: Apr 21, 2021, 10:00", "🇧🇷 Brazil: Apr 21, 2021, 12:00",
                     "🇩🇴 Dominican Republic: Apr 21, 2021, 11:00"):
            assert line in lines
        assert lines[-1] == "2 people will be told."
        assert await bot.repo.program.changes() and len(await bot.repo.program.changes()) == 1
        marks = {u.id: len(u.messages) for u in (ama, rosa, wider)}
        (done,) = await organizer.press("Move it", message=preview)
        assert done.text.splitlines() == [
            "✅ Changed.",
            "📅 Session 4 moved: Apr 14, 2021, 16:00 → Apr 21, 2021, 17:00 (Paris time)",
            "2 people will be told."]
        await fire_due(bot.app, clock)
        for user in (ama, rosa):
            (notice,) = notices(user, marks[user.id])
            assert notice.document is not None and notice.document[0] == "session-4.ics"
            (event,) = events(notice)
            assert event.decoded("dtstart") == MOVED and int(event["sequence"]) == 2
            assert str(event["url"]) == ZOOM and notice.buttons() == [[("🔗 " + (
                "Join" if user is ama else "Unirse"), ZOOM)]]
        assert wider.messages[marks[wider.id]:] == []  # session 4 is the core group's
        audit = [(e["action"], e["target"]) for e in await bot.repo.participants.audit_entries()]
        assert ("joinlink", "program") in audit and ("move", "session 4") in audit

    # A restart (a redeploy) with the original schedule.json: the changes are still in force.
    async with run_bot() as bot:
        await fire_due(bot.app, clock)
        session = bot.schedule.session(4)
        assert session is not None and session.start == MOVED
        assert bot.schedule.meeting.link == ZOOM and schedule.meeting.link is None
        for user in (ama, rosa):
            assert len(notices(user, marks[user.id])) == 1  # told once

        # The 1-hour reminder follows the move and carries the link.
        mark = len(ama.messages)
        clock.set(MOVED - timedelta(hours=1))
        await fire_due(bot.app, clock)
        (hour,) = [m for m in ama.messages[mark:] if m.text.startswith("⏰")]
        assert hour.buttons() == [[("🔗 Join", ZOOM)]] and "🔑 Passcode 4242" in hour.text

        # /changes lists both; undoing the move (confirmed) brings session 4 back.
        clock.set(datetime(2021, 4, 1, 12, tzinfo=UTC))
        (listing,) = await organizer.send("/changes")
        assert listing.text.splitlines() == [
            "Changes in force (over schedule.json)",
            f"1. 🔗 Program join link: {ZOOM} · 🔑 Passcode 4242",
            "2. 📅 Session 4 moved to Apr 21, 2021, 17:00 (Paris time)"]
        assert listing.button_texts() == ["↩️ Undo 1", "↩️ Undo 2"]
        (confirm,) = await organizer.press("Undo 2", message=listing)
        assert confirm.text.startswith("Undo this change?")
        marks = {u.id: len(u.messages) for u in (ama, rosa)}
        (undone,) = await organizer.press("Undo it", message=confirm)
        assert undone.text.splitlines() == [
            "↩️ Undone.",
            "📅 Session 4 moved: Apr 21, 2021, 17:00 → Apr 14, 2021, 16:00 (Paris time)",
            "2 people will be told."]
        await fire_due(bot.app, clock)
        session = bot.schedule.session(4)
        assert session is not None and session.start == S4
        (back,) = notices(ama, marks[ama.id])
        (event,) = events(back)
        assert event.decoded("dtstart") == S4 and int(event["sequence"]) == 3
        assert [c.kind for c in await bot.repo.program.changes()] == ["program_link"]
        audit = [e["action"] for e in await bot.repo.participants.audit_entries()]
        assert audit[-1] == "program_undo"


async def test_session_and_coaching_links_refusals_and_reload(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    organizer = await organizer_in_paris(bot, emulator)
    ama = emulator.user(211, "en")
    await onboard(ama, "English", "Ghana")
    await as_core(bot, ama)
    clock.set(S3 - timedelta(hours=5))
    # Session 3's own link within a day: announced once, to its audience.
    (answer,) = await organizer.send(f"/joinlink 3 {OWN} code 99")
    assert answer.text.splitlines() == [
        "✅ Changed.", f"🔗 Session 3: own join link set: {OWN}", "1 person will be told."]
    await fire_due(bot.app, clock)
    (notice,) = [m for m in ama.messages if m.text.startswith("🔗 New join link")]
    assert notice.buttons() == [[("🔗 Join", OWN)]] and "🔑 code 99" in notice.text
    (answer,) = await organizer.send(f"/joinlink GH {ZOOM}")
    assert answer.text.splitlines()[1] == f"🔗 Coaching link for Ghana set: {ZOOM}"
    assert bot.schedule.coaching.link("GH") == ZOOM
    (answer,) = await organizer.send("/joinlink 3 off")
    assert answer.text.splitlines()[1] == (
        "🔗 Session 3: own join link removed (the program link is used).")
    # Refused in one line, nothing stored.
    before = await dump(bot.repo.db, skip=("deliveries",))
    for command, refusal in [
        ("/move 4 2021-03-24 17:00", "⚠️ Not changed: sessions: session 4 starts before "
                                     "session 3 ends"),
        ("/move 42 2021-05-01 10:00", "There is no session 42."),
        ("/move 4 tomorrow", "Usage: /move 4 2021-04-21 15:00 (session number, then the new "
                             "date and time in your time zone, Paris time)"),
        ("/joinlink 3 zoom.us/j/1", "That is not a web link (https://…): zoom.us/j/1"),
        ("/joinlink 99 https://x.org", "There is no session 99."),
    ]:
        (reply,) = await organizer.send(command)
        assert reply.text == refusal, command
    assert await dump(bot.repo.db, skip=("deliveries",)) == before
    # /reload keeps the chat's changes on top of the file and says what changed.
    (reloaded,) = await organizer.send("/reload")
    assert reloaded.text.splitlines() == [
        "Schedule reloaded: 11 sessions. Reminders were rebuilt.",
        "Nothing changed in the schedule.", "Nobody needs to be told now."]
    assert bot.schedule.coaching.link("GH") == ZOOM
    assert await bot.repo.reminders.statuses(DeliveryKey("link", 3, S3, 1)) == {ama.id: "sent"}


async def test_reload_lists_changes_and_reports_a_change_whose_session_is_gone(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, tmp_path: Any
) -> None:
    import json

    organizer = await organizer_in_paris(bot, emulator)
    (preview,) = await organizer.send("/move 10 2021-10-07 16:00")
    await organizer.press("Move it", message=preview)
    raw = json.loads(bot.settings.schedule_path.read_text(encoding="utf-8"))
    raw["sessions"] = [s for s in raw["sessions"] if s["number"] != 10]
    raw["meeting"] = {"link": ZOOM}
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    bot.settings.schedule_path = path
    (reloaded,) = await organizer.send("/reload")
    assert reloaded.text.splitlines() == [
        "Schedule reloaded: 10 sessions. Reminders were rebuilt.",
        f"🔗 Program join link set: {ZOOM}",
        "➖ Session 10 removed.",
        "⚠️ Not applied: 📅 Session 10 moved to Oct 7, 2021, 16:00 (Paris time): "
        "session 10 is no longer in schedule.json",
        "Nobody needs to be told now."]


FACILITATOR, COFACILITATOR, PARTICIPANT = 221, 222, 223


@pytest.mark.parametrize("actor", ["participant", "facilitator of CI", "co-facilitator of GH",
                                   "organizer"])
async def test_only_organizers_change_the_program(
    bot: Services, emulator: BotAPIEmulator, actor: str
) -> None:
    organizer = await organizer_in_paris(bot, emulator)
    users = {uid: emulator.user(uid, "en") for uid in (FACILITATOR, COFACILITATOR, PARTICIPANT)}
    for user in users.values():
        await onboard(user, "English", "Ghana")
    await as_core(bot, COFACILITATOR, PARTICIPANT)
    await organizer.send(f"/grant facilitator {FACILITATOR} CI")
    await organizer.send(f"/grant cofacilitator {COFACILITATOR}")
    await bot.join()
    (preview,) = await organizer.send("/move 5 2021-05-06 16:00")
    minute = int(datetime(2021, 5, 6, 14, tzinfo=UTC).timestamp()) // 60
    await organizer.send(f"/joinlink {ZOOM}")
    (change_id,) = [c.id for c in await bot.repo.program.changes()]
    user = {"participant": users[PARTICIPANT], "facilitator of CI": users[FACILITATOR],
            "co-facilitator of GH": users[COFACILITATOR], "organizer": organizer}[actor]
    refusal = "Sorry, only organizers can do that."
    attempts = [("command", f"/joinlink 3 {OWN}"), ("command", "/move 4 2021-04-21 17:00"),
                ("command", "/changes"), ("data", f"pc:mv:5:{minute}:y"),
                ("data", f"pc:un:{change_id}:y")]
    for kind, what in attempts:
        before = await dump(bot.repo.db, skip=("deliveries",))
        if kind == "command":
            replies = await user.send(what)
            texts = [r.text for r in replies]
            assert (texts == [refusal]) == (actor != "organizer"), (actor, what, texts)
        else:
            await user.press_data(what, expect=0 if actor != "organizer" else 1)
            answer = user.callback_answers[-1]
            if actor != "organizer":
                assert (answer.get("text"), answer.get("show_alert")) == (refusal, True)
        if actor != "organizer":
            assert await dump(bot.repo.db, skip=("deliveries",)) == before, what
    if actor == "organizer":
        kinds = sorted(c.kind for c in await bot.repo.program.changes())
        assert kinds == ["move", "session_link"]  # the program link was undone
        session = bot.schedule.session(5)
        assert session is not None and session.start == datetime(2021, 5, 6, 14, tzinfo=UTC)
    assert preview.text.startswith("Move this session?")


async def test_a_move_made_again_after_undo_is_told_again(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    organizer = await organizer_in_paris(bot, emulator)
    ama = emulator.user(231, "en")
    await onboard(ama, "English", "Ghana")
    await as_core(bot, ama)
    mark = len(ama.messages)
    for _ in range(2):
        (preview,) = await organizer.send("/move 4 2021-04-21 17:00")
        await organizer.press("Move it", message=preview)
        await fire_due(bot.app, clock)
        (listing,) = await organizer.send("/changes")
        (confirm,) = await organizer.press("Undo 1", message=listing)
        await organizer.press("Undo it", message=confirm)
        await fire_due(bot.app, clock)
    starts = [events(m)[0].decoded("dtstart") for m in notices(ama, mark)]
    assert starts == [MOVED, S4, MOVED, S4]  # each change told, each once
