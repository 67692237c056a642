"""The wider group's start: self-registered people with no group join it then."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application

from bot.context import BotContext
from bot.jobs import schedule_at
from bot.people.rules import wider_group_start
from bot.services import get_services

log = logging.getLogger(__name__)

WIDER_START_JOB = "registration:wider-start"


async def promote(context: BotContext) -> None:
    svc = context.svc
    moved = await svc.repo.people.promote_open_registrations(svc.clock.now())
    log.info("wider group started: %d self-registered people joined it", moved)


async def build_jobs(app: Application) -> None:
    """Rebuilt at every start; when the date has passed already, promote right away."""
    svc = get_services(app)
    start = wider_group_start(svc.schedule)
    if start is None:
        return
    if svc.clock.now() >= start:
        await svc.repo.people.promote_open_registrations(svc.clock.now())
        return
    schedule_at(app, svc.clock, name=WIDER_START_JOB, due=start, callback=promote,
                grace=timedelta(days=1))
