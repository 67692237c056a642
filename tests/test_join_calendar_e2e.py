"""Join links and calendars end to end: /next, /session, the reminders' Join button, /calendar
read back with icalendar, the "Add to calendar" button, a moved session's updated event, and a
new link announced once when it changes within a day of the session."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.i18n import I18n
from bot.jobs import fire_due
from bot.services import Services, get_services
from bot.storage.reminders import DeliveryKey
from tests.helpers import ORGANIZER_ID, ROOT, BotRunner, onboard

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)  # core only, 3 hours
S4 = datetime(2021, 4, 14, 14, 0, tzinfo=UTC)
ZOOM = "https://zoom.us/j/123456789?pwd=cocoa"
NEW = "https://meet.example.org/sske-3"
PASSCODE = {"en": "Passcode 2021", "es": "Código de acceso 2021",
            "fr": "Code d'accès 2021", "pt": "Senha 2021"}


def program(**changes: Any) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    raw["meeting"] = {"link": ZOOM, "info": PASSCODE}
    for key, value in changes.items():
        raw[key] = value
    return raw


@pytest.fixture
def schedule_file(tmp_path: Path) -> Path:
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(program()), encoding="utf-8")
    return path


@pytest.fixture
def settings(settings: Settings, schedule_file: Path) -> Settings:
    return settings.model_copy(update={"schedule_path": schedule_file})


@pytest.fixture
def run_bot(settings: Settings, clock: FakeClock, i18n: I18n) -> BotRunner:
    """As in production, every start reads schedule.json (tests edit it between starts)."""

    @asynccontextmanager
    async def _run(**overrides: object) -> AsyncIterator[Services]:
        app = setup_application(settings.model_copy(update=overrides), clock=clock, i18n=i18n)
        async with running(app):
            yield get_services(app)

    return _run


def edit(path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(json.dumps(raw), encoding="utf-8")


async def fire(bot: Services, clock: FakeClock, when: datetime) -> None:
    clock.set(when)
    await fire_due(bot.app, clock)


async def person(bot: Services, emulator: BotAPIEmulator, user_id: int, lang: str,
                 button: str, country: str, group: str | None = "core") -> FakeUser:
    user = emulator.user(user_id, lang)
    await onboard(user, button, country)
    await bot.repo.participants.update(user_id, bot.clock.now(), grp=group)
    return user


def events(message: BotMessage) -> list[Any]:
    assert message.document is not None, message
    return list(Calendar.from_ical(message.document[1]).walk("VEVENT"))


def reminders(user: FakeUser, since: int) -> list[BotMessage]:
    return [m for m in user.messages[since:] if m.text.startswith(("⏰", "🔔"))]


async def test_link_on_next_and_session_only_for_the_audience(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    core = await person(bot, emulator, 101, "es", "Español", "Perú")
    wider = await person(bot, emulator, 102, "en", "English", "Ghana", group="wider")
    (nxt,) = await core.send("/next")
    assert f"🔗 Enlace: {ZOOM}" in nxt.text and "🔑 Código de acceso 2021" in nxt.text
    assert nxt.buttons() == [[("🔗 Unirse", ZOOM), ("🗓 Agregar al calendario", "cal:3")]]
    (card,) = await core.send("/session 3")
    assert f"🔗 Enlace: {ZOOM}" in card.text
    assert card.buttons() == [[("🔗 Unirse", ZOOM), ("🗓 Agregar al calendario", "cal:3")]]
    # Session 3 is for the core group: the wider group sees it, without its link.
    (other,) = await wider.send("/session 3")
    assert ZOOM not in other.text and other.buttons() == [[("🗓 Add to calendar", "cal:3")]]
    (mine,) = await wider.send("/next")  # the wider group's next session is session 6
    assert "Session 6" in mine.text and f"🔗 Join: {ZOOM}" in mine.text


async def test_the_last_reminders_carry_a_join_button_next_to_check_in(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    user = await person(bot, emulator, 111, "en", "English", "Ghana")
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    group = -100777
    await emulator.add_bot_to_group(group, "Core Ghana", ORGANIZER_ID)
    await organizer.send_in_group(group, "/link GH core")
    mark = len(user.messages)
    await fire(bot, clock, S3 - timedelta(days=1))
    await fire(bot, clock, S3 - timedelta(hours=1))
    await fire(bot, clock, S3)
    day, hour, now = reminders(user, mark)
    assert f"🔗 Join: {ZOOM}" in day.text and "🔑 Passcode 2021" in day.text
    assert day.reply_markup is None
    assert "🔗 Join:" not in hour.text and "🔑 Passcode 2021" in hour.text
    assert hour.buttons() == [[("🔗 Join", ZOOM)]]
    assert now.buttons() == [[("✅ Check in", "ci:3:111"), ("🔗 Join", ZOOM)]]
    posted = emulator.messages_to(group)[-1]
    assert posted.text.startswith("🔔") and posted.buttons() == [[("🔗 Join", ZOOM)]]


async def test_calendar_file_per_group_in_the_person_language(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    core = await person(bot, emulator, 121, "es", "Español", "Perú")
    wider = await person(bot, emulator, 122, "fr", "Français", "Côte d'Ivoire", group="wider")
    (mine,) = await core.send("/calendar")
    assert mine.document is not None and mine.document[0] == "sske-cocoa-2021.ics"
    found = events(mine)
    assert len(found) == 11
    s3 = next(e for e in found if str(e["uid"]) == "session-3@sske-cocoa-2021")
    assert str(s3["summary"]).startswith("Sesión 3: ")
    assert s3["dtstart"].to_ical() == b"20210324T140000Z"  # UTC
    assert s3.decoded("dtend") == S3 + timedelta(hours=3)
    assert int(s3["sequence"]) == 0 and str(s3["url"]) == ZOOM
    assert "Código de acceso 2021" in str(s3["description"])
    (alarm,) = s3.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=-1)
    (theirs,) = await wider.send("/calendar")
    assert [str(e["uid"]).split("@")[0] for e in events(theirs)] == [
        f"session-{n}" for n in range(6, 11)]
    assert str(events(theirs)[0]["summary"]).startswith("Session 6")  # "Session" in French too

    (card,) = await core.send("/session 3")
    (one,) = await core.press("Agregar al calendario", message=card)
    assert one.document is not None and one.document[0] == "session-3.ics"
    (event,) = events(one)
    assert str(event["uid"]) == str(s3["uid"]) and event.decoded("dtstart") == S3


async def test_a_moved_session_sends_the_updated_event_once(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock, schedule_file: Path
) -> None:
    async with run_bot() as bot:
        core = await person(bot, emulator, 131, "en", "English", "Ghana")
        organizer = emulator.user(ORGANIZER_ID, "en")
        await organizer.send("/start")
        (before,) = await core.send("/calendar")
        edit(schedule_file, lambda d: d["sessions"][4].update(start="2021-04-21T15:00:00Z"))
        mark = len(core.messages)
        await organizer.send("/reload")
        await fire_due(bot.app, clock)
        (notice,) = [m for m in core.messages[mark:] if m.text.startswith("📣")]
        assert notice.text.splitlines()[0] == "📣 Session moved"
        assert notice.document is not None and notice.document[0] == "session-4.ics"
        assert notice.buttons() == [[("🔗 Join", ZOOM)]]
        (moved,) = events(notice)
        old = next(e for e in events(before) if str(e["uid"]).startswith("session-4@"))
        assert str(moved["uid"]) == str(old["uid"]) == "session-4@sske-cocoa-2021"
        assert (int(old["sequence"]), int(moved["sequence"])) == (0, 1)
        assert moved.decoded("dtstart") == datetime(2021, 4, 21, 15, 0, tzinfo=UTC)
        (after,) = await core.send("/calendar")
        sequences = {str(e["uid"]): int(e["sequence"]) for e in events(after)}
        assert sequences["session-4@sske-cocoa-2021"] == 1
        assert sequences["session-3@sske-cocoa-2021"] == 0
    async with run_bot() as bot:  # a restart announces nothing again
        await fire_due(bot.app, clock)
    assert len([m for m in core.messages[mark:] if m.text.startswith("📣")]) == 1


async def test_a_new_link_within_a_day_is_announced_once(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock, schedule_file: Path
) -> None:
    clock.set(S3 - timedelta(hours=5))
    async with run_bot() as bot:
        core = await person(bot, emulator, 141, "en", "English", "Ghana")
        wider = await person(bot, emulator, 142, "en", "English", "Ghana", group="wider")
        organizer = emulator.user(ORGANIZER_ID, "en")
        await organizer.send("/start")
        marks = {u.id: len(u.messages) for u in (core, wider)}
        edit(schedule_file, lambda d: (d["sessions"][3].update(meeting_link=NEW),
                                       d["sessions"][4].update(meeting_link=NEW)))
        await organizer.send("/reload")
        await fire_due(bot.app, clock)
        (notice,) = [m for m in core.messages[marks[core.id]:] if m.text.startswith("🔗")]
        assert notice.text.splitlines()[:2] == ["🔗 New join link",
                                                "Session 3: Cocoa agroforestry design, "
                                                "innovative finance and PPPs"]
        assert "in 5 hours" in notice.text and f"🔗 Join: {NEW}" in notice.text
        assert "Passcode" not in notice.text  # the program's passcode is for its own room
        assert notice.buttons() == [[("🔗 Join", NEW)]]
        assert wider.messages[marks[wider.id]:] == []  # session 3 is not theirs
        # Session 4 is three weeks away: no notice, its reminders will carry the new link.
        assert await bot.repo.reminders.statuses(DeliveryKey("link", 4, S4, 1)) == {}
        versions = await bot.repo.sessions.versions()
        assert (versions[3].link, versions[3].sequence) == (NEW, 1)
        assert (versions[4].link, versions[4].sequence) == (NEW, 1)
    async with run_bot() as bot:  # restart: told once only
        await fire_due(bot.app, clock)
        statuses = await bot.repo.reminders.statuses(DeliveryKey("link", 3, S3, 1))
        assert statuses[core.id] == "sent" and wider.id not in statuses
        await fire(bot, clock, S3 - timedelta(hours=1))
    assert len([m for m in core.messages if m.text.startswith("🔗 New join link")]) == 1
    assert core.messages[-1].buttons() == [[("🔗 Join", NEW)]]  # the 1-hour reminder
