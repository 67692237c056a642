"""Reminder jobs: rebuilt at every start, one per (session, offset).

One job per (session, offset) delivers to everyone in the audience at the moment it fires,
through the delivery engine's keyed deliveries (bot/delivery/keyed.py): a row per message,
so a restart neither repeats nor loses one. While storage is unavailable the reminder is
retried as long as it is within its grace period.
The 1-hour and "starting now" reminders carry a Join button; "session moved" is sent as the
updated calendar event (.ics, same UID, higher SEQUENCE) with the notice as its caption.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.attendance.keyboards import checkin_button
from bot.calendar import ics
from bot.context import BotContext
from bot.delivery.keyed import Target, deliver, session_targets
from bot.jobs import cancel, due_at, schedule_at
from bot.reminders import rules
from bot.reminders.texts import moved_text, reminder_text
from bot.services import get_services
from bot.sessions.ics import file_name, session_event
from bot.sessions.keyboards import join_button, join_keyboard
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)


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
        recipients = await session_targets(svc, session, offset)

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
        recipients = await session_targets(svc, session, None)
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
