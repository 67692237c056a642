"""One table over every kind of delivery the engine knows (bot.delivery.KINDS): a kind added
later fails here until it has a case.

For each recorded kind: a crash half-way then a restart (everyone gets it exactly once; only
the requests truly in flight are 'unknown'), storage locked half-way (the fan-out waits, then
finishes; no row left in flight; nobody twice), a recipient who blocked the bot (marked
inactive, not retried). Kinds kept in memory (notices, relays, introductions) are lost in a
crash by design (README, "The delivery engine"); they get the storage and blocked rows.
Kinds whose recipients include group chats also get a group that became a supergroup.

Keyed kinds share one ledger (the `deliveries` table); each is run with its own key through
bot.delivery.keyed.deliver, as its feature's job does (and does again after a restart).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.app import running, setup_application
from bot.broadcasts.jobs import begin
from bot.certificates.jobs import ask_names, issue
from bot.clock import FakeClock
from bot.coaching.jobs import send_booked, send_cancelled, send_poll, send_reminder
from bot.config import Settings
from bot.delivery import KINDS
from bot.delivery.keyed import deliver, person_targets, session_targets
from bot.delivery.relay import relay_to_staff
from bot.emulator import BotAPIEmulator, BotMessage
from bot.goals.jobs import send_once
from bot.i18n import I18n
from bot.jobs import fire_due
from bot.networking.jobs import _send, nudge, tell_rooms
from bot.notify import deliver as notify
from bot.schedule import Schedule
from bot.services import Services, get_services
from bot.storage.broadcast_records import Audience
from bot.storage.reminders import DeliveryKey
from tests.helpers import ORGANIZER_ID, TEST_DATABASE_URL, core_members
from tests.test_storage_faults import write_lock

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)  # session 3 (core only)
AFTER = datetime(2021, 10, 7, 12, tzinfo=UTC)  # the day after the closing session
BEFORE_9 = datetime(2021, 8, 30, 12, tzinfo=UTC)  # before session 9 (networking)
GROUP, SUPERGROUP = -4000, -1004000
PEOPLE = list(range(7000, 7030))

Start = Callable[[Services, list[int]], Awaitable[None]]


@dataclass(frozen=True)
class Case:
    start: Start  # deliver to these people (awaited to the end, background work included)
    resume: Start | None = None  # what the next start does; default: start again
    statuses: Callable[[Services, list[int]], Awaitable[dict[int, str]]] | None = None
    got: Callable[[BotMessage], bool] = lambda m: True
    clock: datetime = S3 - timedelta(hours=2)
    groups: bool = False  # group chats linked to the session's groups are recipients too


def keyed(kind: str, *, groups: bool = False) -> Case:
    key = DeliveryKey(kind, 3, S3, 0)

    async def start(svc: Services, ids: list[int]) -> None:
        people = list((await svc.repo.participants.many(ids)).values())
        recipients = (await session_targets(svc, svc.schedule.sessions[3], None) if groups
                      else person_targets(svc, people))
        await deliver(svc.app, key, recipients, lambda v, t: (f"[{kind}] hello", None))

    async def statuses(svc: Services, ids: list[int]) -> dict[int, str]:
        return await svc.repo.reminders.statuses(key)

    return Case(start, statuses=statuses, got=lambda m: f"[{kind}]" in m.text, groups=groups)


async def _sql(svc: Services, sql: str, *params: object) -> dict[int, str]:
    return {row[0]: row[1] or "unknown" for row in await svc.repo.db.fetch(sql, params)}


async def _broadcast(svc: Services, ids: list[int]) -> None:
    store, now = svc.repo.broadcasts, svc.clock.now()
    chat = svc.app.bot_data["table_emulator"].chats[ORGANIZER_ID]
    draft = await store.create_draft(ORGANIZER_ID, now)
    await store.add_version(draft, None, ORGANIZER_ID, max(chat.user_messages))
    assert await store.start(draft, Audience(), now)
    await begin(svc.app, draft)
    await svc.join()


async def _resume_jobs(svc: Services, ids: list[int]) -> None:
    await fire_due(svc.app, svc.clock)
    await svc.join()


async def _eligible(svc: Services, ids: list[int], *, named: bool) -> None:
    for uid in ids:
        for n in range(11):
            session = svc.schedule.session(n)
            assert session is not None
            await svc.repo.attendance.check_in(uid, n, "present", "button", session.start)
        if named:
            await svc.repo.certificates.confirm_name(uid, f"P{uid}", svc.clock.now())


async def _certificates(svc: Services, ids: list[int]) -> None:
    await _eligible(svc, ids, named=True)
    await issue(svc.app, ORGANIZER_ID)
    await svc.join()


async def _names(svc: Services, ids: list[int]) -> None:
    await _eligible(svc, ids, named=False)
    await ask_names(svc.app)
    await svc.join()


async def _goal_nudge(svc: Services, ids: list[int]) -> None:
    people = list((await svc.repo.participants.many(ids)).values())
    await send_once(svc.app, "table", 3, people, lambda v, p: ("[goal_nudge] hello", None))


async def _network_nudge(svc: Services, ids: list[int]) -> None:
    await nudge(svc.app, 9)


async def _rooms(svc: Services, ids: list[int]) -> None:
    store = svc.repo.networking
    plans = await svc.repo.db.fetch("SELECT id FROM breakout_plans")
    plan_id = plans[0][0] if plans else await store.add_plan(
        9, [ids[::2], ids[1::2]], ORGANIZER_ID, svc.clock.now())
    await tell_rooms(svc.app, plan_id, ORGANIZER_ID)


async def _coaching(svc: Services, what: str) -> None:
    """Ghana's coaching in the state `what` needs, then its real fan-out (as its job runs)."""
    store, app, now = svc.repo.coaching, svc.app, svc.clock.now()
    (c,) = await store.all("GH") or [await store.create(
        "GH", [S3 + timedelta(days=2), S3 + timedelta(days=3)], 60, ORGANIZER_ID, now)]
    if what in ("booked", "reminder") and c.status == "polling":
        assert await store.book(c, S3 + timedelta(days=2), ORGANIZER_ID, now)
    if what == "cancelled" and c.status == "polling":
        assert await store.cancel(c, now)
    c = await store.get(c.id)
    assert c is not None
    match what:
        case "poll" | "nudge":
            await send_poll(app, c.id, reminder=what == "nudge")
        case "booked":
            await send_booked(app, c.id)
        case "cancelled":
            await send_cancelled(app, c.id)
        case "reminder":
            await send_reminder(app, c, 60)


async def _coaching_rows(svc: Services, kind: str) -> dict[int, str]:
    return await _sql(svc, "SELECT chat_id, status FROM deliveries WHERE kind = ?", kind)


async def _notice(svc: Services, ids: list[int]) -> None:
    people = list((await svc.repo.participants.many(ids)).values())
    await notify(svc.app, people, lambda v, p: "[notice] hello")


async def _introduction(svc: Services, ids: list[int]) -> None:
    for person in (await svc.repo.participants.many(ids)).values():
        await _send(svc.app, person, "[introduction] hello")


async def _relay(svc: Services, ids: list[int]) -> None:
    chat = svc.app.bot_data["table_emulator"].chats[ORGANIZER_ID]
    await relay_to_staff(svc, max(chat.user_messages), ORGANIZER_ID, ids,
                         lambda v: "[relay] header")


CASES: dict[str, Case] = {
    **{name: keyed(name, groups=name in ("reminder", "moved", "link"))
       for name, kind in KINDS.items() if kind.recorded and name in (
           "reminder", "moved", "link", "materials", "feedback", "welcome", "digest",
           "missed")},
    "coaching_poll": Case(lambda svc, ids: _coaching(svc, "poll"),
                          statuses=lambda svc, ids: _coaching_rows(svc, "coaching_poll")),
    "coaching_nudge": Case(lambda svc, ids: _coaching(svc, "nudge"),
                           statuses=lambda svc, ids: _coaching_rows(svc, "coaching_nudge")),
    "coaching_booked": Case(lambda svc, ids: _coaching(svc, "booked"),
                            statuses=lambda svc, ids: _coaching_rows(svc, "coaching_booked")),
    "coaching_cancelled": Case(lambda svc, ids: _coaching(svc, "cancelled"),
                               statuses=lambda svc, ids: _coaching_rows(svc,
                                                                        "coaching_cancelled")),
    "coaching": Case(lambda svc, ids: _coaching(svc, "reminder"),
                     statuses=lambda svc, ids: _coaching_rows(svc, "coaching")),
    "broadcast": Case(
        _broadcast, _resume_jobs, clock=S3,
        statuses=lambda svc, ids: _sql(svc, "SELECT user_id, status FROM broadcast_recipients"),
        got=lambda m: m.text == "Announcement"),
    "certificate": Case(
        _certificates, _resume_jobs, clock=AFTER,
        statuses=lambda svc, ids: _sql(svc, "SELECT user_id, delivery FROM certificates"),
        got=lambda m: m.document is not None),
    "certificate_name": Case(
        _names, lambda svc, ids: _names_again(svc), clock=AFTER,
        statuses=lambda svc, ids: _sql(svc, "SELECT user_id, status FROM certificate_prompts"),
        got=lambda m: m.text.startswith("🎓")),
    "goal_nudge": Case(
        _goal_nudge,
        statuses=lambda svc, ids: _sql(svc, "SELECT user_id, outcome FROM goal_nudges"),
        got=lambda m: "[goal_nudge]" in m.text),
    "network_nudge": Case(
        _network_nudge, clock=BEFORE_9,
        statuses=lambda svc, ids: _sql(svc, "SELECT user_id, outcome FROM network_nudges"),
        got=lambda m: "networking profile" in m.text),
    "breakout_rooms": Case(
        _rooms, clock=BEFORE_9,
        statuses=lambda svc, ids: _sql(svc, "SELECT user_id, status FROM breakout_members"),
        got=lambda m: m.text.startswith("🧩")),
    "notice": Case(_notice, got=lambda m: "[notice]" in m.text),
    "introduction": Case(_introduction, got=lambda m: "[introduction]" in m.text),
    "relay": Case(_relay, got=lambda m: m.text in ("[relay] header", "Announcement")),
}


async def _names_again(svc: Services) -> None:
    await ask_names(svc.app)
    await svc.join()


def test_every_kind_of_delivery_has_a_case() -> None:
    assert set(CASES) == set(KINDS), "a new kind of delivery needs its row in CASES"


RECORDED = sorted(name for name, kind in KINDS.items() if kind.recorded)
EVERY = sorted(KINDS)
GROUPED = sorted(name for name, case in CASES.items() if case.groups)
PER_PERSON = {"relay": 2}  # the header, then the copy under it


@pytest.fixture
def run_bot(settings: Settings, clock: FakeClock, schedule: Schedule, i18n: I18n,
            emulator: BotAPIEmulator) -> Callable[[], AsyncIterator[Services]]:
    @asynccontextmanager
    async def _run() -> AsyncIterator[Services]:
        # Slow enough to stop it half-way; the storage pause short.
        app = setup_application(settings.model_copy(update={"send_rate": 40}), clock=clock,
                                schedule=schedule, i18n=i18n)
        svc = get_services(app)
        svc.sender.storage_backoff = (0.05, 0.3)
        app.bot_data["table_emulator"] = emulator
        async with running(app):
            if TEST_DATABASE_URL is None:
                svc.repo.db.busy_timeout_ms = 300  # type: ignore[attr-defined]
            yield svc

    return _run  # type: ignore[return-value]


async def _seed(svc: Services, emulator: BotAPIEmulator, case: Case, ids: list[int]) -> None:
    svc.clock.set(case.clock)  # type: ignore[attr-defined]
    await core_members(svc, ids)
    async with svc.repo.db.transaction() as db:
        await db.write_many("UPDATE participants SET onboarded = 1, language = 'en', "
                            "country = 'GH', zone = 'Africa/Accra' WHERE user_id = ?",
                            [(uid,) for uid in ids])
    for uid in ids:
        emulator.private_chat(emulator.user(uid, "en", first_name=f"P{uid}").json)
    organizer = emulator.user(ORGANIZER_ID, "en")
    emulator.private_chat(organizer.json)
    await organizer.send("Announcement")  # what broadcasts and relays copy


def _received(emulator: BotAPIEmulator, case: Case, ids: list[int]) -> dict[int, int]:
    return {uid: sum(1 for m in emulator.messages_to(uid) if case.got(m)) for uid in ids}


async def _until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    async with asyncio.timeout(timeout):
        while not check():
            await asyncio.sleep(0.01)


@pytest.mark.parametrize("name", RECORDED)
async def test_a_crash_half_way_then_a_restart_delivers_to_everyone_once(
    name: str, run_bot: Callable[[], AsyncIterator[Services]], emulator: BotAPIEmulator
) -> None:
    case = CASES[name]
    async with run_bot() as svc:
        await _seed(svc, emulator, case, PEOPLE)
        task = asyncio.create_task(case.start(svc, PEOPLE))
        await _until(lambda: sum(_received(emulator, case, PEOPLE).values()) >= 8)
        task.cancel()  # the crash: mid fan-out, requests in flight cut off
        background = list(svc._tasks.values())
        for running_task in background:
            running_task.cancel()
        await asyncio.gather(task, *background, return_exceptions=True)
        await asyncio.sleep(0.3)  # a statement PostgreSQL had already received completes
        assert case.statuses is not None
        # Claimed, no outcome: exactly the requests under way when it stopped.
        in_flight = {uid for uid, status in (await case.statuses(svc, PEOPLE)).items()
                     if status in ("sending", "unknown")}
    first = sum(_received(emulator, case, PEOPLE).values())
    assert 8 <= first < len(PEOPLE)
    assert len(in_flight) < len(PEOPLE) - first, "the queued rest was never claimed"
    async with run_bot() as svc:
        await fire_due(svc.app, svc.clock)
        await (case.resume or case.start)(svc, PEOPLE)
        await svc.join()
        statuses = await case.statuses(svc, PEOPLE)
    counts = _received(emulator, case, PEOPLE)
    assert max(counts.values()) == 1, "nobody twice"
    unknown = {uid for uid in PEOPLE if statuses.get(uid) == "unknown"}
    assert unknown == in_flight, "only the requests in flight at the crash are unknown"
    assert all(counts[uid] == 1 for uid in PEOPLE if uid not in unknown)
    assert {uid: s for uid, s in statuses.items()
            if uid in PEOPLE and s not in ("sent", "unknown")} == {}


@asynccontextmanager
async def storage_locked(svc: Services, settings: Settings) -> AsyncIterator[None]:
    """Another program holds the database's write lock: on SQLite every write fails after the
    busy timeout (StorageUnavailable); on PostgreSQL every write waits for the lock."""
    if TEST_DATABASE_URL is None:
        with write_lock(settings.database_path):
            yield
        return
    import asyncpg

    assert settings.database_url is not None
    other = await asyncpg.connect(settings.database_url.get_secret_value())
    try:
        tables = [r[0] for r in await svc.repo.db.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        transaction = other.transaction()
        await transaction.start()
        await other.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        try:
            yield
        finally:
            await transaction.rollback()
    finally:
        await other.close()


@pytest.mark.parametrize("name", EVERY)
async def test_storage_locked_half_way_pauses_then_finishes_once(
    name: str, run_bot: Callable[[], AsyncIterator[Services]], emulator: BotAPIEmulator,
    settings: Settings, caplog: pytest.LogCaptureFixture,
) -> None:
    case = CASES[name]
    per_person = PER_PERSON.get(name, 1)
    async with run_bot() as svc:
        await _seed(svc, emulator, case, PEOPLE)
        task = asyncio.create_task(case.start(svc, PEOPLE))
        await _until(lambda: sum(_received(emulator, case, PEOPLE).values()) >= 8)
        async with storage_locked(svc, settings):
            # Claims fail (SQLite) or wait (PostgreSQL) meanwhile: held until a claim met
            # the lock (each document is drawn first, slow on a busy machine).
            await asyncio.sleep(0.8)
            if KINDS[name].recorded and TEST_DATABASE_URL is None:
                await _until(lambda: "fan-out paused" in caplog.text or task.done(), 20)
        await asyncio.wait_for(task, 60)
        await svc.join()
        statuses = await case.statuses(svc, PEOPLE) if case.statuses else {}
    assert _received(emulator, case, PEOPLE) == dict.fromkeys(PEOPLE, per_person)
    assert all(statuses[uid] == "sent" for uid in PEOPLE) if case.statuses else True
    if KINDS[name].recorded and TEST_DATABASE_URL is None:  # PostgreSQL's writes just wait
        assert "fan-out paused: storage unavailable" in caplog.text
        assert "fan-out resumed" in caplog.text


@pytest.mark.parametrize("name", EVERY)
async def test_a_recipient_who_blocked_the_bot_is_marked_and_not_retried(
    name: str, run_bot: Callable[[], AsyncIterator[Services]], emulator: BotAPIEmulator
) -> None:
    case = CASES[name]
    ids = PEOPLE[:4]
    async with run_bot() as svc:
        await _seed(svc, emulator, case, ids)
        emulator.block(ids[0])
        await case.start(svc, ids)
        await svc.join()
        person = await svc.repo.participants.get(ids[0])
        assert person is not None and not person.active
        if case.statuses is not None:
            assert (await case.statuses(svc, ids))[ids[0]] == "blocked"
            tries = len(emulator.calls)
            await (case.resume or case.start)(svc, ids)
            await svc.join()
            assert not any(str(params.get("chat_id")) == str(ids[0])
                           for _, params in emulator.calls[tries:]), "not retried"
    counts = _received(emulator, case, ids)
    assert counts[ids[0]] == 0
    assert all(counts[uid] == PER_PERSON.get(name, 1) for uid in ids[1:])


@pytest.mark.parametrize("name", GROUPED)
async def test_a_group_that_became_a_supergroup_gets_it_at_its_new_id(
    name: str, run_bot: Callable[[], AsyncIterator[Services]], emulator: BotAPIEmulator
) -> None:
    case = CASES[name]
    ids = PEOPLE[:2]
    async with run_bot() as svc:
        await _seed(svc, emulator, case, ids)
        emulator.add_chat(GROUP, "group", "Ghana core")
        await svc.repo.reminders.link_group(GROUP, "Ghana core", "GH", "core", ORGANIZER_ID,
                                            svc.clock.now())
        emulator.add_chat(SUPERGROUP, "supergroup", "Ghana core")
        emulator.migrated[GROUP] = SUPERGROUP  # the bot has not heard of it yet
        await case.start(svc, ids)
        await svc.join()
        groups = {g.chat_id for g in await svc.repo.reminders.groups()}
    assert groups == {SUPERGROUP}
    assert sum(1 for m in emulator.messages_to(SUPERGROUP) if case.got(m)) == 1
    assert not any(case.got(m) for m in emulator.messages_to(GROUP))
