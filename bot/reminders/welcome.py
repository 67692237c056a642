"""The wider group's first session: people who registered before it are welcomed into it.

The welcome IS their "starting now" reminder (the same delivery key, the reminder's text and
buttons below the welcome from bot/people/texts.py), sent a minute before the session's own
reminder job: each person gets one message at the start, never a welcome and a reminder at
the same minute. It lives with the reminders for that reason (it was bot/people/jobs.py).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot.attendance.keyboards import checkin_button
from bot.context import BotContext
from bot.delivery.keyed import Target, deliver, person_targets
from bot.jobs import schedule_at
from bot.people.rules import wider_group_start
from bot.people.texts import wider_welcome
from bot.reminders.texts import reminder_text
from bot.services import get_services
from bot.sessions.keyboards import join_button
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)

WIDER_START_JOB = "registration:wider-start"
LATE = timedelta(days=1)  # welcomed up to a day late if the bot was down at the start
AHEAD = timedelta(minutes=1)  # before the "starting now" reminder, which it stands for


async def welcome(context: BotContext) -> None:
    svc = context.svc
    session = next((s for s in svc.schedule.sessions if s.audience == "all"), None)
    if session is None or svc.clock.now() > session.start + LATE:
        return
    people = await svc.repo.people.registered_openly_before(session.start)
    recipients = person_targets(svc, people)

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup]:
        row = [checkin_button(view, session.number, target.chat_id)]
        link = svc.schedule.join_link(session)
        if link:
            row.append(join_button(view, link))
        text = "\n\n".join([wider_welcome(view, svc.schedule, session),
                             reminder_text(view, svc.schedule, session, svc.clock.now(),
                                           link_button=bool(link))])
        return text, InlineKeyboardMarkup([row])

    key = DeliveryKey("reminder", session.number, session.start, 0)  # "starting now"'s key
    await deliver(context.application, key, recipients, render)
    log.info("wider group started: %d self-registered people welcomed", len(recipients))


async def build_jobs(app: Application) -> None:
    """Rebuilt at every start (each message is recorded, so none goes out twice)."""
    svc = get_services(app)
    start = wider_group_start(svc.schedule)
    if start is None or svc.clock.now() > start + LATE:
        return
    schedule_at(app, svc.clock, name=WIDER_START_JOB, due=start - AHEAD, callback=welcome,
                grace=LATE)
