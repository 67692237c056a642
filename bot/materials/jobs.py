"""The follow-up after a session: "Materials and recording for session N", once per person.

One job per session, rebuilt at every start, due when the session ends (plus the configured
delay). It goes to everyone whose program holds the session and who had joined by then; those
who did not check in get a gentler text. If nothing is attached yet, it waits: the first item
attached within the grace period sends it (after a short pause for more items). Each message
is a `deliveries` row (kind "materials"), claimed right before it is sent, so a restart never
sends one twice. Linked group chats do not get it (its button sends files to one person).
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot.attendance.rules import CHECKED_IN
from bot.context import BotContext
from bot.delivery.keyed import Target, deliver, person_targets
from bot.jobs import cancel, schedule_at
from bot.materials import rules
from bot.materials.keyboards import followup_keyboard
from bot.materials.texts import followup
from bot.membership import expected_at
from bot.schedule import Session
from bot.services import get_services
from bot.storage.materials import Material
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)


def _key(session: Session) -> DeliveryKey:
    return DeliveryKey("materials", session.number, session.start, 0)


async def build_jobs(app: Application) -> None:
    svc = get_services(app)
    schedule, now = svc.schedule, svc.clock.now()
    cancel(app, "followup:")
    for session in schedule.sessions:
        due = rules.followup_due(schedule, session)
        if session.send_materials and now <= due + rules.grace(schedule):
            schedule_at(app, svc.clock, name=f"followup:{session.number}", due=due,
                        callback=followup_job, grace=rules.grace(schedule),
                        data={"session": session.number})


async def followup_job(context: BotContext) -> None:
    svc = context.svc
    assert context.job is not None and isinstance(context.job.data, dict)
    session = svc.schedule.session(context.job.data["session"])
    now = svc.clock.now()
    if session is None or not rules.followup_sendable(svc.schedule, session, now):
        return
    items = await svc.repo.materials.for_session(session.number)
    if not items:
        log.info("follow-up of session %s waits for its first material", session.number)
        return
    await send_followup(context.application, session, items)


async def send_followup(app: Application, session: Session, items: list[Material]) -> None:
    svc = get_services(app)
    repo = svc.repo
    audience = [p for p in await repo.attendance.roster()
                if p.active and p.onboarded and expected_at(session, p)]
    checked = {r.user_id for r in await repo.attendance.for_session(session.number)
               if r.status in CHECKED_IN}
    recipients = person_targets(svc, list(audience))
    files = sum(1 for item in items if item.is_file)

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        markup = followup_keyboard(view, session.number, len(items)) if files else None
        return followup(view, session, items, target.chat_id in checked), markup

    await deliver(app, _key(session), recipients, render)
    log.info("follow-up of session %s: %d recipients", session.number, len(recipients))


async def after_attach(app: Application, session: Session) -> None:
    """An item attached once the follow-up was due, before it went out: send it shortly."""
    svc = get_services(app)
    now = svc.clock.now()
    if now < rules.followup_due(svc.schedule, session) or not rules.followup_sendable(
            svc.schedule, session, now):
        return
    if await svc.repo.reminders.statuses(_key(session)):
        return  # it went out already; /session N shows what was added since
    schedule_at(app, svc.clock, name=f"followup:{session.number}", due=now + rules.SETTLE,
                callback=followup_job, grace=rules.grace(svc.schedule),
                data={"session": session.number})
