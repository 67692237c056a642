"""Reminder jobs: rebuilt at every start, one per (session, offset); fan-out through the sender.

One job per (session, offset) fans out to everyone in the audience at the moment it fires.
Every message has a row in `deliveries` (unique key) written before it is sent, so a restart
neither repeats nor loses one (see bot/sender.py for what happens to a send cut off mid-way).
While storage is unavailable (bot/faults.py) the rows and claims are retried with backoff as
long as the reminder is within its grace period; what could not be written by then is dropped
and logged, like a reminder missed while the bot was down.
The 1-hour and "starting now" reminders carry a Join button; "session moved" is sent as the
updated calendar event (.ics, same UID, higher SEQUENCE) with the notice as its caption.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.ext import Application

from bot.attendance.keyboards import checkin_button
from bot.calendar import ics
from bot.context import BotContext
from bot.faults import NotRecorded, persist
from bot.jobs import cancel, due_at, schedule_at
from bot.membership import session_for_group
from bot.reminders import rules
from bot.reminders.texts import moved_text, reminder_text
from bot.schedule import Session
from bot.services import FALLBACK_ZONE, Services, get_services
from bot.sessions.ics import file_name, session_event
from bot.sessions.keyboards import join_button, join_keyboard
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    chat_id: int
    language: str
    zone: str
    private: bool


async def targets(svc: Services, session: Session, offset: int | None) -> dict[int, Target]:
    """Recipients computed now: people (opt-outs unless offset is None) and linked groups."""
    store = svc.repo.reminders
    default = svc.settings.default_language
    people = await (store.audience() if offset is None else store.candidates(offset))
    organizers = set(svc.settings.organizer_ids)
    out = {
        p.chat_id: Target(p.chat_id, p.language or default, p.zone or FALLBACK_ZONE, True)
        for p in people
        if p.role != "participant" or p.chat_id in organizers
        or session_for_group(session, p.group)
    }
    for group in await store.groups():
        country = svc.schedule.country(group.country)
        if country and session_for_group(session, group.group):
            out[group.chat_id] = Target(group.chat_id, country.language, country.zone, False)
    return out


Render = Callable[[Viewer, Target], tuple[str, InlineKeyboardMarkup | None]]
# A file to send instead of a plain message, the rendered text as its caption (<= 1024).
Attach = Callable[[Viewer, Target], tuple[str, bytes]]


async def deliver(app: Application, key: DeliveryKey, recipients: dict[int, Target],
                  render: Render, attach: Attach | None = None,
                  in_time: Callable[[], bool] | None = None) -> None:
    """Send to every recipient once; while storage fails, keep trying while in_time() (the
    caller's rule for this message; default: as long as the bot runs)."""
    svc = get_services(app)
    store = svc.repo.reminders

    def going() -> bool:
        return svc.sender.alive() and (in_time is None or in_time())

    try:
        await persist(lambda: store.add_pending(key, recipients, svc.clock.now()),
                      keep_trying=going, what=f"the recipients of {key}")
    except NotRecorded:
        log.error("dropped %s for %d recipients: storage unavailable past its grace period",
                  key, len(recipients))
        return
    pending = await store.pending(key)

    async def one(chat_id: int) -> None:
        target = recipients.get(chat_id)
        now = svc.clock.now()
        if target is None:  # queued before a restart, no longer a recipient (opted out...)
            await store.finish(key, chat_id, "skipped", now, error="no longer a recipient")
            return
        view = svc.viewer_for(target.language, target.zone)
        text, markup = render(view, target)
        file = attach(view, target) if attach is not None else None
        outcome = await svc.sender.send(
            (lambda rl: app.bot.send_message(chat_id, text, reply_markup=markup,
                                             rate_limit_args=rl)) if file is None else
            (lambda rl: app.bot.send_document(chat_id, InputFile(file[1], filename=file[0]),
                                              caption=text, reply_markup=markup,
                                              rate_limit_args=rl)),
            claim=lambda: store.claim(key, chat_id, svc.clock.now()),
        )
        if outcome.status == "skipped":
            return  # another fan-out took it
        await persist(lambda: store.finish(key, chat_id, outcome.status, svc.clock.now(),
                                           outcome.message_id, outcome.error),
                      keep_trying=svc.sender.alive, what=f"the outcome of {key} to {chat_id}")
        if outcome.migrated_to is not None and not target.private:
            await _moved_group(app, key, target, outcome.migrated_to, recipients, going)
            await one(outcome.migrated_to)  # once, to the supergroup
        elif outcome.status == "blocked" and target.private:
            await svc.mark_blocked(chat_id)

    left = await svc.sender.fan_out(pending, one, keep_trying=going)
    if left:
        log.error("dropped %s for %d recipients: storage unavailable past its grace period",
                  key, len(left))


async def _moved_group(app: Application, key: DeliveryKey, target: Target, new_id: int,
                       recipients: dict[int, Target], going: Callable[[], bool]) -> None:
    """A group became a supergroup: its link follows it, and the message is queued there.
    The old chat's outcome is written already, so these writes wait out a storage fault
    rather than leave the supergroup without the message."""
    svc = get_services(app)
    store = svc.repo.reminders
    await persist(lambda: store.move_group(target.chat_id, new_id), keep_trying=going,
                  what=f"the link of group {target.chat_id}")
    log.info("group %s became supergroup %s; link moved", target.chat_id, new_id)
    recipients[new_id] = replace(target, chat_id=new_id)
    await persist(lambda: store.add_pending(key, [new_id], svc.clock.now()), keep_trying=going,
                  what=f"{key} to supergroup {new_id}")


def _lock(app: Application, name: str) -> asyncio.Lock:
    locks: dict[str, asyncio.Lock] = app.bot_data.setdefault("fan_out_locks", {})
    return locks.setdefault(name, asyncio.Lock())


async def reminder_job(context: BotContext) -> None:
    svc = context.svc
    assert context.job is not None and isinstance(context.job.data, dict)
    number, offset = context.job.data["session"], context.job.data["offset"]
    session = svc.schedule.session(number)
    due, now = due_at(context), svc.clock.now()
    if session is None or rules.due_time(session, offset) != due:
        return  # the schedule changed since this job was made; the rebuild made a new one
    if not rules.still_sendable(session, due, now, rules.grace(svc.schedule)):
        log.info("dropped reminder %s: due %s, now %s", context.job.name, due, now)
        return
    key = DeliveryKey("reminder", number, session.start, offset)
    async with _lock(context.application, context.job.name or ""):
        recipients = await targets(svc, session, offset)

        def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
            # "Starting now" carries the one-tap check-in, bound to this person's id; the
            # last reminders the Join button (the link as it is now, after any /reload).
            row: list[InlineKeyboardButton] = []
            if offset == 0 and target.private:
                row.append(checkin_button(view, session.number, target.chat_id))
            link = svc.schedule.join_link(session) if rules.join_button(offset) else None
            if link:
                row.append(join_button(view, link))
            text = reminder_text(view, svc.schedule, session, svc.clock.now(),
                                 link_button=bool(link))
            return text, InlineKeyboardMarkup([row]) if row else None

        await deliver(context.application, key, recipients, render, in_time=lambda: (
            rules.still_sendable(session, due, svc.clock.now(), rules.grace(svc.schedule))))


async def moved_job(context: BotContext) -> None:
    svc = context.svc
    assert context.job is not None and isinstance(context.job.data, dict)
    session = svc.schedule.session(context.job.data["session"])
    old: datetime = context.job.data["old"]
    if session is None:
        return
    async with _lock(context.application, context.job.name or ""):
        sequence = await svc.repo.sessions.sequence(session.number)
        # Keyed by the new version: a move made again (after an undo) is a new notice.
        key = DeliveryKey("moved", session.number, session.start, sequence)
        recipients = await targets(svc, session, None)
        link = svc.schedule.join_link(session)

        def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
            return moved_text(view, session, old), join_keyboard(view, link)

        def attach(view: Viewer, target: Target) -> tuple[str, bytes]:
            event = session_event(view, svc.schedule, session, sequence, with_link=True)
            return file_name(svc.schedule, session), ics([event], svc.clock.now())

        await deliver(context.application, key, recipients, render, attach,
                      in_time=lambda: svc.clock.now() <= session.start)
        await svc.repo.reminders.set_known_start(session.number, session.start)


async def build_jobs(app: Application) -> None:
    """Rebuild every reminder job from schedule.json and the database (start, /reload)."""
    svc = get_services(app)
    store, schedule, now = svc.repo.reminders, svc.schedule, svc.clock.now()
    interrupted = await store.settle_interrupted(now)
    if interrupted:
        log.warning("%d sends were cut off by a stop; not repeated", interrupted)
    cancel(app, "reminder:")
    late = rules.grace(schedule)
    for planned in rules.plan(schedule, now):
        if planned.action in ("schedule", "catch_up"):
            schedule_at(
                app, svc.clock, name=planned.job_name, due=planned.due, callback=reminder_job,
                grace=late, data={"session": planned.session.number, "offset": planned.offset},
            )
        elif planned.action == "drop":
            log.info("dropped missed reminder %s (due %s)", planned.job_name, planned.due)
    known = await store.known_starts()
    for session in rules.moved_sessions(known, schedule, now):
        schedule_at(
            app, svc.clock, name=f"moved:{session.number}", due=now, callback=moved_job,
            grace=late, data={"session": session.number, "old": known[session.number]},
        )
    for session in schedule.sessions:
        if session.number not in known or (
            known[session.number] != session.start and session.end <= now
        ):
            await store.set_known_start(session.number, session.start)
