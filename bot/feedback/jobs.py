"""The feedback question: when a session ends, once to each person who checked in.

One job per session, rebuilt at every start; sent up to the grace period late (bot down). Each
question is a `deliveries` row (kind "feedback") claimed right before it is sent, so it never
goes out twice across restarts. People who did not get it (joined later, bot down too long)
can still answer from /session N.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot.attendance.rules import CHECKED_IN
from bot.context import BotContext
from bot.delivery.keyed import Target, deliver, person_targets
from bot.feedback import rules
from bot.feedback.keyboards import rating_keyboard
from bot.feedback.texts import question
from bot.jobs import cancel, schedule_at
from bot.services import get_services
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)


async def build_jobs(app: Application) -> None:
    svc = get_services(app)
    schedule, now = svc.schedule, svc.clock.now()
    cancel(app, "feedback:")
    for session in schedule.sessions:
        if session.ask_feedback and now <= session.end + rules.grace(schedule):
            schedule_at(app, svc.clock, name=f"feedback:{session.number}", due=session.end,
                        callback=question_job, grace=rules.grace(schedule),
                        data={"session": session.number})


async def question_job(context: BotContext) -> None:
    svc = context.svc
    assert context.job is not None and isinstance(context.job.data, dict)
    session = svc.schedule.session(context.job.data["session"])
    if session is None or not session.ask_feedback or not rules.question_sendable(
            svc.schedule, session, svc.clock.now()):
        return
    checked = {r.user_id for r in await svc.repo.attendance.for_session(session.number)
               if r.status in CHECKED_IN}
    people = await svc.repo.participants.everyone()
    recipients = person_targets(svc, [p for p in people.values()
                                      if p.user_id in checked and p.active])

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        return question(view, svc.schedule, session), rating_keyboard(session.number)

    key = DeliveryKey("feedback", session.number, session.start, 0)
    await deliver(context.application, key, recipients, render)
    log.info("feedback question for session %s: %d recipients", session.number, len(recipients))
