"""Session versions (the calendar SEQUENCE) and the "new join link" notice.

Rebuilt at every start and on /reload, before the reminders' builder, so a "session moved"
notice carries the event with its new SEQUENCE. A new join link within a day of the session is
announced once to its audience (deliveries kind "link", whose offset column holds the new
version): the version is stored only after the notice went out, so a crash in between
announces it again at start, and the delivery rows keep anyone from getting it twice.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot.context import BotContext
from bot.delivery.keyed import Target, deliver, session_targets
from bot.jobs import cancel, schedule_at
from bot.services import get_services
from bot.sessions import rules
from bot.sessions.keyboards import join_keyboard
from bot.sessions.texts import link_changed_text
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)


async def build_jobs(app: Application) -> None:
    svc = get_services(app)
    store, schedule, now = svc.repo.sessions, svc.schedule, svc.clock.now()
    cancel(app, "link:")
    known = await store.versions()
    for session in schedule.sessions:
        link = schedule.join_link(session)
        if session.number not in known:
            await store.set_version(session.number, session.start, link, 0, now)
            continue
        change = rules.change(known[session.number], schedule, session)
        if change is None:
            continue
        if rules.announce_link(change, now):
            schedule_at(
                app, svc.clock, name=f"link:{session.number}", due=now, callback=link_job,
                grace=session.end - now,
                data={"session": session.number, "link": link, "sequence": change.sequence},
            )
        else:
            await store.set_version(session.number, session.start, link, change.sequence, now)


async def link_job(context: BotContext) -> None:
    svc = context.svc
    assert context.job is not None and isinstance(context.job.data, dict)
    data = context.job.data
    session = svc.schedule.session(data["session"])
    if session is None or svc.schedule.join_link(session) != data["link"]:
        return  # changed again since: the rebuild made a new job
    now = svc.clock.now()
    if now >= session.end:
        return
    key = DeliveryKey("link", session.number, session.start, data["sequence"])
    recipients = await session_targets(svc, session, None)

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        return (link_changed_text(view, svc.schedule, session, svc.clock.now()),
                join_keyboard(view, data["link"]))

    await deliver(context.application, key, recipients, render)
    await svc.repo.sessions.set_version(session.number, session.start, data["link"],
                                        data["sequence"], svc.clock.now())
    log.info("new join link for session %s announced", session.number)
