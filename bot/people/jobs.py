"""The wider group's first session: people who registered before it are welcomed into it."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application

from bot.context import BotContext
from bot.delivery.keyed import Target, deliver, person_targets
from bot.jobs import schedule_at
from bot.people.rules import wider_group_start
from bot.people.texts import wider_welcome
from bot.services import get_services
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)

WIDER_START_JOB = "registration:wider-start"
LATE = timedelta(days=1)  # welcomed up to a day late if the bot was down at the start


async def welcome(context: BotContext) -> None:
    svc = context.svc
    session = next((s for s in svc.schedule.sessions if s.audience == "all"), None)
    if session is None or svc.clock.now() > session.start + LATE:
        return
    people = await svc.repo.people.registered_openly_before(session.start)
    recipients = person_targets(svc, people)

    def render(view: Viewer, target: Target) -> tuple[str, None]:
        return wider_welcome(view, svc.schedule, session), None

    key = DeliveryKey("welcome", session.number, session.start, 0)
    await deliver(context.application, key, recipients, render)
    log.info("wider group started: %d self-registered people welcomed", len(recipients))


async def build_jobs(app: Application) -> None:
    """Rebuilt at every start (each message is recorded, so none goes out twice)."""
    svc = get_services(app)
    start = wider_group_start(svc.schedule)
    if start is None or svc.clock.now() > start + LATE:
        return
    schedule_at(app, svc.clock, name=WIDER_START_JOB, due=start, callback=welcome, grace=LATE)
