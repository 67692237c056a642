"""Delivering broadcasts: persistent, resumable, through the delivery engine (bot/delivery/).

Every recipient has a row written before anything is sent (status pending). A row is claimed
(pending -> sending, committed) when the outbound limiter lets its copyMessage call go, right
before the request (bot/sender.py, bot/limiter.py), and gets its outcome right after it. So:

- Graceful stop (restart, deploy): ptb's Application.stop() marks the app as not running, then
  waits for tasks made with create_task. Workers stop claiming new rows; a send already under
  way finishes (including its retries) and is recorded. Rows never claimed stay pending and
  are sent after the next start: everyone pending gets the message exactly once.
- Hard crash (killed mid-call): the claimed rows are still "sending". At the next start they
  become "unknown" and are NOT sent again, because the call may have reached Telegram and
  Telegram has no idempotency key. Only the requests in flight at that moment can be in that
  state (calls still queued in the limiter were never claimed); the report lists them so a
  facilitator can check with them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot import jobs
from bot.broadcasts.rules import author_may_send, pick_version
from bot.broadcasts.texts import final_text, held_text, progress_text, when_text
from bot.context import BotContext
from bot.delivery import Copy, Delivery, Report, kind, run
from bot.faults import StorageUnavailable, persist
from bot.notify import notify
from bot.sender import Outcome
from bot.services import Services, get_services
from bot.storage.broadcast_records import Broadcast
from bot.viewer import Viewer

log = logging.getLogger(__name__)

# A scheduled broadcast the bot could not send within this long (it was down) is not sent
# late: an announcement hours late can mislead. It is reported as missed instead.
MISSED_AFTER = timedelta(hours=1)
BROADCAST = kind("broadcast", what="a facilitator's broadcast (copies)",
                 settle=lambda repo, now: repo.broadcasts.in_flight_to_unknown(now))


def task_name(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


async def begin(app: Application, broadcast_id: int,
                status_message: tuple[int, int] | None = None) -> bool:
    """Start a draft or scheduled broadcast (recipients written first), or resume one.

    Idempotent: a second call for the same broadcast never addresses anyone twice.
    """
    svc = get_services(app)
    store = svc.repo.broadcasts
    broadcast = await store.get(broadcast_id)
    if broadcast is None:
        return False
    if broadcast.status in ("draft", "scheduled"):
        author = await svc.repo.participants.get(broadcast.author_id)
        m = await svc.member(author) if author is not None else None
        # Fixed in countries when scheduled (Audience.fixed); when due, the author must still
        # have the right to all of them, or it is held and nobody gets it.
        if broadcast.status == "scheduled" and not author_may_send(m, broadcast.audience):
            if await store.hold(broadcast_id, svc.clock.now()):
                log.warning("broadcast %s held: its author lost the right to its countries",
                            broadcast_id)  # fmt: skip
                await _tell_held(app, svc, broadcast)
            return False
        if status_message is not None:
            await store.set_status_message(broadcast_id, *status_message)
        # Within its fixed countries and the author's countries now (never wider than either;
        # an empty intersection reaches nobody).
        scope = m.scope if m is not None else frozenset()
        audience = broadcast.audience.effective(svc.schedule, scope)
        if not await store.start(broadcast_id, audience, svc.clock.now(),
                                 svc.settings.organizer_ids):
            return False
    elif broadcast.status != "sending":
        return False
    name = task_name(broadcast_id)
    if not svc.running(name):
        svc.resume(name)
        svc.spawn(name, _run(app, broadcast_id))
    return True


async def cancel(app: Application, broadcast_id: int) -> bool:
    """Scheduled or sending -> cancelled; people not yet sent to are left out."""
    svc = get_services(app)
    if not await svc.repo.broadcasts.cancel(broadcast_id, svc.clock.now()):
        return False
    svc.halt(task_name(broadcast_id))
    jobs.cancel(app, f"broadcast:{broadcast_id}:")
    return True


async def _status(app: Application, ref: tuple[int, int] | None, author: int,
                  text: str) -> tuple[int, int]:
    """Edit the status message, or send one when there is none yet."""
    bot = app.bot
    sender = get_services(app).sender
    if ref is not None:
        chat_id, message_id = ref
        await sender.send(
            lambda rl: bot.edit_message_text(text, chat_id=chat_id, message_id=message_id,
                                             rate_limit_args=rl)
        )
        return ref
    outcome = await sender.send(lambda rl: bot.send_message(author, text, rate_limit_args=rl))
    return (author, outcome.message_id or 0)


async def _run(app: Application, broadcast_id: int) -> None:
    svc = get_services(app)
    store = svc.repo.broadcasts
    name = task_name(broadcast_id)

    def alive() -> bool:
        return not svc.halted(name)

    broadcast = await store.get(broadcast_id)
    versions = await store.versions(broadcast_id)
    if broadcast is None or not versions:
        log.error("broadcast %s has nothing to send", broadcast_id)
        return
    view = svc.viewer(await svc.repo.participants.get(broadcast.author_id))
    ref = None
    if broadcast.status_chat_id and broadcast.status_message_id:
        ref = (broadcast.status_chat_id, broadcast.status_message_id)
    text = progress_text(view, broadcast_id, await store.report(broadcast_id))
    new_ref = await _status(app, ref, broadcast.author_id, text)
    if ref is None and new_ref[1]:
        await persist(lambda: store.set_status_message(broadcast_id, *new_ref),
                      keep_trying=alive, what=f"broadcast {broadcast_id}'s status message")
    ref = new_ref if new_ref[1] else None
    recipients = await store.pending(broadcast_id)
    languages = {r.user_id: r.language for r in recipients}

    async def message(user_id: int) -> Copy:
        version = pick_version(versions, languages.get(user_id))
        return Copy(version.chat_id, version.message_id)

    async def finished(_: Report) -> None:
        await persist(lambda: store.finish(broadcast_id, svc.clock.now()), keep_trying=alive,
                      what=f"the end of broadcast {broadcast_id}")
        svc.resume(name)
        final = await store.get(broadcast_id)
        assert final is not None
        text = final_text(view, final, await store.report(broadcast_id))
        await _status(app, ref, broadcast.author_id, text)

    waiting = Waiting()
    progress = asyncio.create_task(_progress(app, broadcast_id, view, ref, waiting))
    try:
        await run(app, Delivery(
            BROADCAST, f"broadcast {broadcast_id}", [r.user_id for r in recipients], message,
            ledger=_Recipients(svc, broadcast_id), keep_trying=alive,
            halted=lambda: svc.halted(name), on_wait=waiting.set, report=finished))
    finally:
        progress.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await progress


class _Recipients:
    """The Ledger of one broadcast: broadcast_recipients rows."""

    def __init__(self, svc: Services, broadcast_id: int) -> None:
        self.svc, self.broadcast_id = svc, broadcast_id

    async def claim(self, user_id: int) -> bool:
        return await self.svc.repo.broadcasts.claim(self.broadcast_id, user_id,
                                                     self.svc.clock.now())

    async def record(self, user_id: int, outcome: Outcome) -> None:
        await self.svc.repo.broadcasts.record(
            self.broadcast_id, user_id, outcome.status, self.svc.clock.now(),
            attempts=outcome.attempts, message_id=outcome.message_id, error=outcome.error)


class Waiting:
    """Whether the fan-out is waiting for storage (shown on the status message)."""

    def __init__(self) -> None:
        self.now = False
        self.changed = asyncio.Event()

    def set(self, waiting: bool) -> None:
        self.now = waiting
        self.changed.set()


async def _progress(app: Application, broadcast_id: int, view: Viewer,
                    ref: tuple[int, int] | None, waiting: Waiting) -> None:
    if ref is None:
        return
    svc = get_services(app)
    store = svc.repo.broadcasts
    shown = ""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiting.changed.wait(), svc.status_interval)
        waiting.changed.clear()
        try:
            report = await store.report(broadcast_id)
        except StorageUnavailable:
            continue
        text = progress_text(view, broadcast_id, report, waiting=waiting.now)
        if text != shown:
            await _status(app, ref, 0, text)
            shown = text


async def fire(context: BotContext) -> None:
    """Job: a scheduled broadcast is due, or an interrupted one resumes (retried while
    storage is unavailable, until it would count as missed)."""
    assert context.job is not None and isinstance(context.job.data, dict)
    svc, app = context.svc, context.application
    due, broadcast_id = jobs.due_at(context), context.job.data["broadcast_id"]
    await persist(lambda: begin(app, broadcast_id),
                  keep_trying=lambda: svc.sender.alive() and svc.clock.now() < due + MISSED_AFTER,
                  what=f"the start of broadcast {broadcast_id}")


async def build_jobs(app: Application) -> None:
    """At every start: resume what was being sent, schedule what is due later."""
    svc = get_services(app)
    store = svc.repo.broadcasts
    now = svc.clock.now()
    for broadcast in await store.with_status("sending"):
        if svc.running(task_name(broadcast.id)):
            continue
        # A job due now runs once the Application is running, so stop() will wait for it.
        _schedule(app, broadcast.id, "resume", now)
    for broadcast in await store.with_status("scheduled"):
        due = broadcast.scheduled_for or now
        if due < now - MISSED_AFTER:
            await store.mark_missed(broadcast.id, now)
            await _tell_missed(app, svc, broadcast.author_id, broadcast.id, due)
        else:
            _schedule(app, broadcast.id, "send", due)


def schedule_broadcast(app: Application, broadcast_id: int, due: Any) -> None:
    _schedule(app, broadcast_id, "send", due)


def _schedule(app: Application, broadcast_id: int, kind: str, due: Any) -> None:
    jobs.schedule_at(
        app,
        get_services(app).clock,
        name=f"broadcast:{broadcast_id}:{kind}",
        due=due,
        callback=fire,
        grace=MISSED_AFTER,
        data={"broadcast_id": broadcast_id},
    )


async def _tell_held(app: Application, svc: Services, broadcast: Broadcast) -> None:
    """The author (in a message) and the organizers (bot/notify.py) learn it was held."""
    author = await svc.repo.participants.get(broadcast.author_id)
    text = held_text(svc.viewer(author), svc.schedule, broadcast, author, mine=True)
    await svc.sender.send(
        lambda rl: app.bot.send_message(broadcast.author_id, text, rate_limit_args=rl))
    organizers = await svc.repo.participants.many(svc.settings.organizer_ids)
    notify(app, [p for uid, p in sorted(organizers.items()) if uid != broadcast.author_id],
           lambda v, _p: held_text(v, svc.schedule, broadcast, author, mine=False))


async def _tell_missed(
    app: Application, svc: Services, author_id: int, broadcast_id: int, due: Any
) -> None:
    view = svc.viewer(await svc.repo.participants.get(author_id))
    text = view.tr.gettext(
        "Broadcast #{id} was scheduled for {when}, but the bot was not running then, so it "
        "was not sent. Start it again with /broadcast if it is still useful."
    ).format(id=broadcast_id, when=when_text(view, due))
    await svc.sender.send(lambda rl: app.bot.send_message(author_id, text, rate_limit_args=rl))
