"""Broadcasts end to end: the real Application over the emulator, a real SQLite file.

Sending limits are raised through settings (SEND_RATE, SEND_CHAT_INTERVAL) so the file stays
fast; test_sender.py and bench/broadcast.py cover Telegram's real limits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram.ext import Application

from bot import jobs
from bot.app import running, setup_application
from bot.broadcasts.rules import Audience
from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.emulator import BotAPIEmulator, FakeUser
from bot.i18n import I18n
from bot.schedule import Schedule
from bot.services import Services, get_services
from tests.helpers import ORGANIZER_ID, ROOT, onboard

pytestmark = pytest.mark.filterwarnings("ignore:.*retry_after.*:DeprecationWarning")

# (user id, language, country, group, active); 212 never finished onboarding.
PEOPLE = [
    (201, "en", "GH", "core", 1),
    (202, "en", "GH", "wider", 1),
    (203, "fr", "CI", "core", 1),
    (204, "fr", "CI", "wider", 1),
    (205, "es", "CO", "core", 1),
    (206, "es", "PE", "core", 1),
    (207, "es", "PE", "wider", 1),  # registered openly: the wider group (bot.membership)
    (208, "pt", "BR", "core", 1),
    (209, "pt", "BR", "wider", 1),
    (210, "es", "DO", "wider", 1),
    (211, "fr", "CI", "core", 0),
]
ACTIVE = {p[0] for p in PEOPLE if p[4]}


@pytest.fixture
def settings(emulator: BotAPIEmulator, tmp_path: Path, database: Path | str) -> Settings:
    return load_settings(
        env_file=None,
        telegram_bot_token=emulator.token,
        bot_api_url=emulator.base_url,
        database_path=tmp_path / "data" / "bot.sqlite3",
        database_url=database if isinstance(database, str) else None,
        schedule_path=ROOT / "schedule.json",
        organizer_ids=[ORGANIZER_ID],
        send_rate=500,
        send_chat_interval=0.02,
    )


AppRunner = Callable[[], AbstractAsyncContextManager[Application]]


@pytest.fixture
def run_app(settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n) -> AppRunner:
    """The real Application; usable twice on the same database to test restarts."""

    @asynccontextmanager
    async def _run() -> AsyncIterator[Application]:
        app = setup_application(settings, clock=clock, schedule=schedule, i18n=i18n)
        get_services(app).status_interval = 0.1
        get_services(app).sender.backoff = 0.01
        async with running(app):
            yield app

    return _run


def broadcast_jobs(names: list[str]) -> list[str]:
    """Reminders and goal nudges fire on the same clock; keep the broadcast ones."""
    return [n for n in names if n.startswith("broadcast:")]


@pytest.fixture
async def app(run_app: AppRunner) -> AsyncIterator[Application]:
    async with run_app() as application:
        yield application


def svc_of(app: Application) -> Services:
    return get_services(app)


async def seed(
    app: Application, emu: BotAPIEmulator, people: list[tuple[int, str, str, str | None, int]],
    *, open_chats: bool = True,
) -> None:
    """Onboarded people straight into the database (and their chats into the emulator)."""
    svc = svc_of(app)
    now = svc.clock.now().isoformat()
    async with svc.repo.db.transaction() as db:
        await db.write_many(
            "INSERT INTO participants (user_id, language, country, zone, grp, first_name, "
            "last_name, onboarded, active, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
            [
                (uid, lang, country, svc.schedule.country(country).zone,  # type: ignore[union-attr]
                 grp, f"P{uid}", "Doe", active, now, now)
                for uid, lang, country, grp, active in people
            ],
        )  # fmt: skip
    if open_chats:
        for uid, lang, *_ in people:
            emu.private_chat(emu.user(uid, lang, first_name=f"P{uid}").json)


def received(emu: BotAPIEmulator, ids: object) -> dict[int, list[str]]:
    """What each person got from broadcasts: session reminders and goal nudges (with their
    ⏰/🔔 marks or buttons) fire on the same clock and are left out."""
    return {
        uid: [
            m.text for m in emu.messages_to(uid)
            if not m.reply_markup and not m.text.startswith(("⏰", "🔔"))
        ]
        for uid in ids  # type: ignore[attr-defined]
    }


async def compose(user: FakeUser, buttons: list[str], text: str = "Session 3 moved to 15:00"
                  ) -> None:  # fmt: skip
    await user.send("/broadcast")
    for button in buttons:
        await user.press(button)
    await user.press("Continue")
    replies = await user.send(text, expect=3)
    assert replies[0].text.startswith("👀 Preview")
    assert replies[1].text == text


async def send_now(app: Application, user: FakeUser) -> None:
    await user.press("Send now")
    await get_services(app).join()


async def test_participants_are_refused(app: Application, emulator: BotAPIEmulator) -> None:
    user = emulator.user(301, "es")
    await user.send("/start")
    refusal = "Disculpe, solo los facilitadores y organizadores pueden hacer eso."
    for command in ("/broadcast", "/broadcasts"):
        (reply,) = await user.send(command)
        assert reply.text == refusal
    await user.press_data("bcp:1:send", expect=0)
    await user.press_data("bcl:1:x", expect=0)
    assert [a["text"] for a in user.callback_answers] == [refusal, refusal]
    assert await svc_of(app).repo.broadcasts.recent() == []


@pytest.mark.parametrize(
    ("buttons", "expected"),
    [
        ([], ACTIVE),
        (["Core group"], {201, 203, 205, 206, 208}),
        (["Wider group"], {202, 204, 207, 209, 210}),
        (["Ghana"], {201, 202}),
        (["Ghana", "Côte d'Ivoire"], {201, 202, 203, 204}),
        (["Español"], {205, 206, 207, 210}),
        (["Core group", "Ghana", "Côte d'Ivoire"], {201, 203}),
        (["Wider group", "Français"], {204}),
    ],
)
async def test_each_audience_selects_the_right_people(
    app: Application, emulator: BotAPIEmulator, buttons: list[str], expected: set[int]
) -> None:
    await seed(app, emulator, PEOPLE)
    organizer = emulator.user(ORGANIZER_ID, "en")
    (screen,) = await organizer.send("/broadcast")
    assert "Active people matching: 10" in screen.text
    assert "Inactive (will be skipped): 1" in screen.text
    for button in buttons:
        (screen,) = await organizer.press(button)
    assert f"Active people matching: {len(expected)}" in screen.text
    await organizer.press("Continue")
    await organizer.send("<b>Hello</b> all", html=True, expect=3)
    await send_now(app, organizer)
    got = {uid for uid, texts in received(emulator, ACTIVE | {211}).items() if texts}
    assert got == expected
    assert all(len(emulator.messages_to(uid)) == 1 for uid in got)
    copy = emulator.messages_to(min(expected))[0]
    assert copy.text == "Hello all" and copy.entities == [{"type": "bold", "offset": 0,
                                                           "length": 5}]  # fmt: skip
    assert f"Delivered: {len(expected)}" in organizer.messages[-1].text


async def test_nobody_matching_cannot_continue(app: Application, emulator: BotAPIEmulator) -> None:
    await seed(app, emulator, PEOPLE)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/broadcast")
    await organizer.press("Ghana")
    await organizer.press("Português")
    (screen,) = await organizer.press("Continue", expect=0) or [organizer.last]
    assert "Active people matching: 0" in screen.text
    assert organizer.callback_answers[-1]["text"] == "Nobody active matches this audience yet."


async def test_one_version_per_language(app: Application, emulator: BotAPIEmulator) -> None:
    await seed(app, emulator, PEOPLE)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await compose(organizer, [], "Slides are online")
    # The buttons name each language in its own words; sentences in the reader's language.
    versions = (("Español", "Spanish", "Las diapositivas están en línea"),
                ("Français", "French", "Les diapositives sont en ligne"))
    for button, name, text in versions:
        await organizer.press("Add a version in another language")
        (prompt,) = await organizer.press(button)
        assert prompt.text.startswith(f"Send me the version in {name}. People whose language")
        preview, _copy, actions = await organizer.send(text, expect=3)
        assert preview.text == f"👀 Preview of the {name} version:"
    assert "Versions: main, Spanish, French" in actions.text
    await send_now(app, organizer)
    texts = received(emulator, ACTIVE)
    assert texts[205] == texts[210] == ["Las diapositivas están en línea"]
    assert texts[203] == texts[204] == ["Les diapositives sont en ligne"]
    assert texts[201] == texts[208] == ["Slides are online"]  # English, and Portuguese fallback


async def test_photo_with_caption_is_copied(app: Application, emulator: BotAPIEmulator) -> None:
    await seed(app, emulator, PEOPLE[:2])
    facilitator = emulator.user(120, "en")
    await facilitator.send("/start")
    await emulator.user(ORGANIZER_ID).send(f"/grant facilitator {facilitator.id}")
    await facilitator.send("/broadcast")
    await facilitator.press("Continue")
    _p, preview, _a = await facilitator.send_photo(
        b"JPEG slide", "<b>Slides</b> for session 3", html=True, expect=3
    )
    assert preview.media == "photo" and preview.text == "Slides for session 3"
    await send_now(app, facilitator)
    for uid in (201, 202):
        (copy,) = emulator.messages_to(uid)
        assert (copy.media, copy.file_id, copy.text) == ("photo", preview.file_id,
                                                         "Slides for session 3")  # fmt: skip
        assert copy.entities == [{"type": "bold", "offset": 0, "length": 6}]
    calls = [name for name, p in emulator.calls if p.get("chat_id") in (201, 202)]
    assert calls == ["copyMessage", "copyMessage"]


async def test_preview_cancel_then_confirm(app: Application, emulator: BotAPIEmulator) -> None:
    await seed(app, emulator, PEOPLE)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await compose(organizer, ["Wider group"])
    (cancelled,) = await organizer.press("Cancel")
    assert cancelled.text == "Cancelled. Nothing was sent."
    await organizer.press_data(f"bcp:{1}:send", expect=0)  # the cancelled draft is gone
    assert organizer.callback_answers[-1]["text"].startswith("This draft is no longer open")
    assert all(not texts for texts in received(emulator, ACTIVE).values())
    await compose(organizer, ["Wider group"])
    actions = organizer.last
    await send_now(app, organizer)
    status = emulator.chats[ORGANIZER_ID].events
    edits = [e.text for e in status if e.message_id == actions.message_id]
    assert any("Sending… 0 / 5" in t for t in edits)
    final = organizer.messages[-1]
    assert final.message_id == actions.message_id and final.reply_markup is None
    assert final.text.splitlines()[:2] == ["📣 Broadcast #2: finished", "✅ Delivered: 5"]
    assert {uid for uid, t in received(emulator, ACTIVE).items() if t} == {202, 204, 207, 209,
                                                                          210}
    audit = await svc_of(app).repo.participants.audit_entries()
    assert [(e["action"], e["target"]) for e in audit] == [("broadcast", "2")]


async def test_scheduled_broadcast_fires_at_its_time(
    app: Application, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    await seed(app, emulator, PEOPLE)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await onboard(organizer, "English", "Peru")
    await compose(organizer, ["Core group"], "Starting soon")
    (ask,) = await organizer.press("Schedule")
    assert "Peru time" in ask.text and "2021-03-21 09:00 or 21/03/2021 09:00" in ask.text
    (bad,) = await organizer.send("next wednesday")
    assert bad.text.startswith("I could not read that time")
    (past,) = await organizer.send("2021-03-19 09:00")
    assert past.text.startswith("That time has already passed")
    (done,) = await organizer.send("24/03/2021 08:30")
    assert "Wednesday, March 24, 2021 at 08:30 (Peru time)" in done.text
    # A second one, cancelled from /broadcasts before its time.
    await compose(organizer, ["Wider group"], "Never sent")
    await organizer.press("Schedule")
    await organizer.send("2021-03-24 08:45")
    (listing,) = await organizer.send("/broadcasts")
    assert "#1 · scheduled for Wednesday, March 24, 2021 at 08:30 (Peru time)" in listing.text
    (relisted,) = await organizer.press("Cancel #2")
    assert "#2 · cancelled\n👥 wider group\n\n#1" in relisted.text
    assert relisted.button_texts() == ["🔎 Details #2", "🔎 Details #1", "✖️ Cancel #1"]
    assert broadcast_jobs(await jobs.fire_due(app, clock)) == []
    clock.set(datetime(2021, 3, 24, 13, 30, tzinfo=UTC))
    assert broadcast_jobs(await jobs.fire_due(app, clock)) == ["broadcast:1:send"]
    await get_services(app).join()
    texts = received(emulator, ACTIVE)
    assert {uid for uid, t in texts.items() if t} == {201, 203, 205, 206, 208}
    assert all(t in ([], ["Starting soon"]) for t in texts.values())
    assert organizer.messages[-1].text.startswith("📣 Broadcast #1: finished\n✅ Delivered: 5")
    clock.set(datetime(2021, 3, 24, 14, 0, tzinfo=UTC))
    assert broadcast_jobs(await jobs.fire_due(app, clock)) == []


async def test_missed_schedule_is_not_sent_late(
    run_app: AppRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_app() as app:
        await seed(app, emulator, PEOPLE[:3])
        organizer = emulator.user(ORGANIZER_ID, "en")
        await compose(organizer, [])
        await organizer.press("Schedule")
        (scheduled,) = await organizer.send("2021-03-24 14:00")  # the organizer has no zone
        assert "Wednesday, March 24, 2021 at 14:00 (UTC)" in scheduled.text
    clock.set(datetime(2021, 3, 24, 16, 0, tzinfo=UTC))  # the bot was down at 14:00
    async with run_app() as app:
        await emulator.settle()
        broadcast = await svc_of(app).repo.broadcasts.get(1)
        assert broadcast is not None and broadcast.status == "missed"
    assert "was not running then" in emulator.user(ORGANIZER_ID).last.text
    assert all(not texts for texts in received(emulator, [201, 202, 203]).values())


async def test_report_counts_blocked_failed_unknown_skipped(
    app: Application, emulator: BotAPIEmulator
) -> None:
    await seed(app, emulator, PEOPLE)
    await seed(app, emulator, [(220, "en", "GH", "core", 1)], open_chats=False)  # never started
    svc = svc_of(app)
    svc.sender.timeout = 0.3
    for uid in (203, 204):
        emulator.block(uid)
    emulator.fail_next("copyMessage", 9, code=500, description="Internal Server Error",
                       chat_id=205)  # fmt: skip
    emulator.fail_next("copyMessage", 2, code=502, chat_id=206)  # recovers on the third try
    emulator.hang_next("copyMessage", 1, seconds=1.0, deliver=True, chat_id=207)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await compose(organizer, [])
    await send_now(app, organizer)
    report = organizer.messages[-1].text.splitlines()
    assert report == [
        "📣 Broadcast #1: finished",
        "✅ Delivered: 6",
        "⛔ Blocked the bot (now marked inactive): 2",
        "❌ Failed: 2",
        "   • Chat not found: 1",
        "   • Internal Server Error: 1",
        "❔ Outcome unknown (no answer from Telegram; not retried, so nobody gets it twice): 1",
        "💤 Skipped (inactive): 1",
    ]
    assert len(emulator.messages_to(207)) == 1  # it did arrive; never sent twice
    assert len(emulator.messages_to(206)) == 1
    for uid in (203, 204):
        person = await svc.repo.participants.get(uid)
        assert person is not None and not person.active
    (listing,) = await organizer.send("/broadcasts")
    assert "✅ Delivered: 6" in listing.text
    (details,) = await organizer.press("Details #1")
    assert "Blocked the bot:\n• P203 Doe (203)\n• P204 Doe (204)" in details.text
    assert "• P205 Doe (205) — Internal Server Error" in details.text
    assert "Outcome unknown:\n• P207 Doe (207)" in details.text


async def test_limit_enforced_with_429s_everyone_gets_exactly_one(
    app: Application, emulator: BotAPIEmulator
) -> None:
    """SEND_RATE is 500/s here, Telegram (the emulator) allows 60/s: 429s, then waits."""
    people = [(1000 + n, "en", "GH", "core", 1) for n in range(90)]
    await seed(app, emulator, people)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await compose(organizer, [])
    emulator.set_rate_limits(per_second=60, burst=20, per_chat_per_second=1)
    await send_now(app, organizer)
    assert emulator.flood_errors > 0
    counts = {uid: len(emulator.messages_to(uid)) for uid, *_ in people}
    assert set(counts.values()) == {1}
    assert "✅ Delivered: 90" in organizer.messages[-1].text


async def test_cancel_while_sending_stops_the_rest(
    app: Application, emulator: BotAPIEmulator
) -> None:
    people = [(3000 + n, "en", "GH", "core", 1) for n in range(200)]
    ids = {p[0] for p in people}
    await seed(app, emulator, people)
    svc_of(app).limiter.per_second = 20  # slow enough (10 s in all) to press Cancel mid-way
    organizer = emulator.user(ORGANIZER_ID, "en")
    await compose(organizer, [])
    await organizer.press("Send now", expect=0)
    await wait_until(lambda: sum(1 for _t, c in emulator.deliveries if c in ids) >= 20)
    await organizer.send("/broadcasts")
    await organizer.press("Cancel #1")
    await get_services(app).join()
    got = sum(1 for uid in ids if emulator.messages_to(uid))
    report = await svc_of(app).repo.broadcasts.report(1)
    assert report["sent"] == got and report["cancelled"] == 200 - got and 20 <= got < 200
    status = [m for m in organizer.messages if m.text.startswith("📣 Broadcast #1")]
    assert status[-1].text.splitlines()[0] == "📣 Broadcast #1: cancelled"
    assert f"✋ Not sent (cancelled): {200 - got}" in status[-1].text


async def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.005)


async def test_restart_mid_broadcast_delivers_everyone_exactly_once(
    run_app: AppRunner, emulator: BotAPIEmulator
) -> None:
    people = [(5000 + n, ("en", "es", "fr", "pt")[n % 4], "GH", "core", 1) for n in range(500)]
    ids = {p[0] for p in people}
    organizer = emulator.user(ORGANIZER_ID, "en")

    def delivered() -> int:
        return sum(1 for _t, chat in emulator.deliveries if chat in ids)

    async with run_app() as app:
        await seed(app, emulator, people)
        svc_of(app).limiter.per_second = 200  # leaves a wide margin to stop mid-way
        await compose(organizer, [])
        await organizer.press("Send now", expect=0)
        await wait_until(lambda: delivered() >= 150)
    # Left the context mid-way: the Application stopped; in-flight sends were finished.
    first = delivered()
    assert 150 <= first < 500
    async with run_app() as app:
        store = svc_of(app).repo.broadcasts
        report = await store.report(1)
        assert report["sending"] == 0 and report["sent"] == first and report["pending"] > 0
        await wait_until(lambda: delivered() >= 500)
        await emulator.settle()
        await get_services(app).join()
        assert (await store.get(1)).status == "done"  # type: ignore[union-attr]
        assert (await store.report(1))["sent"] == 500
    assert {len(emulator.messages_to(uid)) for uid in ids} == {1}
    assert delivered() == 500
    assert organizer.messages[-1].text.startswith("📣 Broadcast #1: finished\n✅ Delivered: 500")


async def test_crash_mid_call_is_unknown_and_never_resent(
    run_app: AppRunner, emulator: BotAPIEmulator
) -> None:
    """A row still 'sending' at start was cut off mid-call: reported, not sent again."""
    organizer = emulator.user(ORGANIZER_ID, "en")
    async with run_app() as app:
        await seed(app, emulator, PEOPLE[:4])
        store = svc_of(app).repo.broadcasts
        now = svc_of(app).clock.now()
        await organizer.send("Announcement")  # the message the broadcast copies
        source = max(emulator.chats[ORGANIZER_ID].user_messages)
        draft = await store.create_draft(ORGANIZER_ID, now)
        await store.add_version(draft, None, ORGANIZER_ID, source)
        assert await store.start(draft, Audience(), now)
        assert await store.claim(draft, 201, now)  # then the process "died"
    async with run_app() as app:
        await wait_until(lambda: all(emulator.messages_to(u) for u in (202, 203, 204)))
        await get_services(app).join()
        report = await svc_of(app).repo.broadcasts.report(draft)
        assert (report["sent"], report["unknown"]) == (3, 1)
    assert emulator.messages_to(201) == []


async def test_two_way_relay(app: Application, emulator: BotAPIEmulator) -> None:
    await seed(app, emulator, PEOPLE[:3])
    facilitator = emulator.user(120, "fr", first_name="Awa")
    await onboard(facilitator, "Français", "Côte d'Ivoire")
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send(f"/grant facilitator {facilitator.id}")
    await compose(organizer, ["Ghana"], "Any questions about session 3?")
    await send_now(app, organizer)
    participant = emulator.users[201]
    (broadcast,) = participant.messages
    (thanks,) = await participant.send("Will there be a recording?", reply_to=broadcast)
    assert thanks.text.startswith("✓ Thank you! Your message was passed on")
    await emulator.settle()
    header, copy = organizer.messages[-2:]
    # The name is the one Telegram sends with the reply (the emulator's user has no last name).
    assert header.text.startswith("💬 Reply to broadcast #1 from P201 (id 201, Ghana, core "
                                  "group, English):")  # fmt: skip
    assert copy.text == "Will there be a recording?"
    assert facilitator.messages[-1].text == "Will there be a recording?"
    assert facilitator.messages[-2].text.startswith(
        "💬 Réponse à la diffusion n° 1 de P201 (id 201, Ghana, groupe central, anglais)\u00a0:"
    )
    (sent,) = await organizer.send("Yes, by Friday.", reply_to=copy)
    assert sent.text == "✓ Your answer was sent to P201."
    answer = participant.last
    assert answer.text == "Yes, by Friday."
    question_id = max(emulator.chats[201].user_messages)
    assert answer.raw["reply_to_message"]["message_id"] == question_id
    # Replying to the answer goes back to the staff again.
    await participant.send("Thanks!", reply_to=answer)
    await emulator.settle()
    assert organizer.messages[-1].text == "Thanks!"
    # An ordinary message is not relayed.
    (other,) = await participant.send("hello")
    assert other.text.startswith("Sorry, I did not understand")


async def test_did_not_check_in_audience_end_to_end(
    app: Application, emulator: BotAPIEmulator
) -> None:
    svc = svc_of(app)
    await seed(app, emulator, PEOPLE)
    now = svc.clock.now()
    await svc.repo.attendance.check_in(201, 2, "present", "button", now)
    await svc.repo.attendance.check_in(203, 2, "late", "button", now)
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/broadcast")
    await organizer.press("Did not check in…")
    (screen,) = await organizer.press("2")
    assert "did not check in to session 2" in screen.text
    assert "Active people matching: 3" in screen.text  # core: 205, 206, 208
    await organizer.press("Continue")
    await organizer.send("We missed you", expect=3)
    await send_now(app, organizer)
    got = {uid for uid, texts in received(emulator, ACTIVE).items() if texts}
    assert got == {205, 206, 208}
    await organizer.send("/broadcast")
    await organizer.press("Checked in…")
    (screen,) = await organizer.press("2")
    assert "Active people matching: 2" in screen.text
