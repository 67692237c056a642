"""Early warnings, one job per session (`digest:<n>`), rebuilt at every start, due when the
session's check-in window closes (sent up to GRACE late if the bot was down):

- the digest to each staff member within their countries (kind "digest"), unless they turned
  it off or chose the weekly summary in /digest, or there is nothing to say;
- a kind word to each core member who missed it (kind "missed"), unless they turned it off in
  /reminders.

Both are `deliveries` rows (bot.delivery.keyed.deliver): claimed right before each send, so a
restart never sends one twice.

The weekly summary (/digest: weekly) goes on Monday at 09:00 in each staff member's zone, for
the sessions whose check-in window closed in the week before: jobs `digest:week:<instant>`,
one per distinct Monday 09:00 of the program countries' zones and the staff's own; each sends
to everyone whose Monday morning has come (a zone chosen since the start is served by the
next job). Its key is the week's last session with offset WEEKLY_OFFSET.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot.context import BotContext
from bot.delivery.keyed import Target, deliver, person_targets
from bot.jobs import cancel, schedule_at
from bot.materials.keyboards import followup_keyboard
from bot.membership import participants
from bot.models import Participant
from bot.notify import all_staff
from bot.schedule import Session
from bot.services import FALLBACK_ZONE, Services, get_services
from bot.storage.reminders import MISSED_OFF, DeliveryKey
from bot.viewer import Viewer
from bot.warnings import rules
from bot.warnings.keyboards import digest_keyboard, weekly_keyboard
from bot.warnings.texts import digest_text, missed_text, weekly_text

log = logging.getLogger(__name__)


def key(kind: str, session: Session) -> DeliveryKey:
    return DeliveryKey(kind, session.number, session.start, 0)


async def build_jobs(app: Application) -> None:
    svc = get_services(app)
    schedule, now = svc.schedule, svc.clock.now()
    cancel(app, "digest:")
    for session in schedule.sessions:
        due = rules.due(schedule, session)
        if now <= due + rules.GRACE:
            schedule_at(app, svc.clock, name=f"digest:{session.number}", due=due,
                        callback=warn_job, grace=rules.GRACE,
                        data={"session": session.number})
    zones = {FALLBACK_ZONE, *(c.zone for c in schedule.countries),
             *(svc.viewer(p).zone for p in await all_staff(app))}
    instants = {rules.monday_morning(day, zone) for day in rules.mondays(schedule)
                for zone in zones}
    for at in sorted(instants):
        if now <= at + rules.GRACE:
            schedule_at(app, svc.clock, name=f"digest:week:{at.isoformat()}", due=at,
                        callback=weekly_job, grace=rules.GRACE, data={})


async def warn_job(context: BotContext) -> None:
    svc = context.svc
    assert context.job is not None and isinstance(context.job.data, dict)
    session = svc.schedule.session(context.job.data["session"])
    now = svc.clock.now()
    if session is None or not (rules.due(svc.schedule, session) <= now
                               <= rules.due(svc.schedule, session) + rules.GRACE):
        return
    await send_warnings(context.application, session)


async def facts(svc: Services, session: Session) -> rules.Facts:
    repo = svc.repo
    people = participants((await repo.participants.everyone()).values(),
                          svc.settings.organizer_ids)
    questions = await repo.questions.unanswered()
    askers = await repo.participants.many(sorted({q.user_id for q in questions}))
    return rules.facts(svc.schedule, session, people, await repo.attendance.all_records(),
                       [(q, askers.get(q.user_id)) for q in questions],
                       await repo.goals.goals(), await repo.goals.history(), svc.clock.now())


async def send_warnings(app: Application, session: Session) -> None:
    svc = get_services(app)
    f = await facts(svc, session)
    await _digests(app, svc, f)
    await _missed(app, svc, f)


async def _digests(app: Application, svc: Services, f: rules.Facts) -> None:
    modes = await svc.repo.warnings.modes()
    digests: dict[int, rules.Digest] = {}
    staff: list[Participant] = []
    for person in await all_staff(app):
        if not person.active or modes.get(person.user_id, "session") != "session":
            continue
        d = rules.digest_for(await svc.member(person), f)
        if not d.empty:
            digests[person.user_id] = d
            staff.append(person)

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        d = digests[target.chat_id]
        return digest_text(view, svc.schedule, d), digest_keyboard(view, d)

    await deliver(app, key("digest", f.session), person_targets(svc, staff), render)
    log.info("digest of session %s: %d staff", f.session.number, len(staff))


async def _missed(app: Application, svc: Services, f: rules.Facts) -> None:
    session = f.session
    off = await svc.repo.reminders.opted_out(MISSED_OFF)
    absent = {a.person.user_id: a for a in f.absences
              if a.person.active and a.person.onboarded and a.person.user_id not in off
              and not a.just_joined(session)}
    items = await svc.repo.materials.for_session(session.number)
    files = sum(1 for item in items if item.is_file)

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        a = absent[target.chat_id]
        upcoming = rules.following(svc.schedule, session, a.progress)
        markup = followup_keyboard(view, session.number, len(items)) if files else None
        return missed_text(view, svc.schedule, session, a, items, upcoming), markup

    await deliver(app, key("missed", session),
                  person_targets(svc, [a.person for a in absent.values()]), render)
    log.info("missed session %s: %d people", session.number, len(absent))


async def weekly_job(context: BotContext) -> None:
    await send_weekly(context.application, context.svc.clock.now())


async def send_weekly(app: Application, now: datetime) -> None:
    """Each weekly staff member whose Monday 09:00 has come (within GRACE): the week's
    digests in one message."""
    svc = get_services(app)
    modes = await svc.repo.warnings.modes()
    cache: dict[int, rules.Facts] = {}
    groups: dict[int, dict[int, list[rules.Digest]]] = {}  # last session -> chat -> digests
    staff: dict[int, Participant] = {}
    for person in await all_staff(app):
        if not person.active or modes.get(person.user_id) != "weekly":
            continue
        zone = svc.viewer(person).zone
        at = rules.monday_morning(now.astimezone(ZoneInfo(zone)).date(), zone)
        if now.astimezone(ZoneInfo(zone)).weekday() != 0 or not at <= now <= at + rules.GRACE:
            continue
        sessions = rules.week_sessions(svc.schedule, at)
        if not sessions:
            continue
        m = await svc.member(person)
        for session in sessions:
            if session.number not in cache:
                cache[session.number] = await facts(svc, session)
        digests = rules.weekly([rules.digest_for(m, cache[s.number]) for s in sessions])
        if digests:
            groups.setdefault(sessions[-1].number, {})[person.user_id] = digests
            staff[person.user_id] = person
    for number, chosen in groups.items():
        last = svc.schedule.session(number)
        assert last is not None

        def render(view: Viewer, target: Target, chosen: dict[int, list[rules.Digest]] = chosen
                   ) -> tuple[str, InlineKeyboardMarkup | None]:
            ds = chosen[target.chat_id]
            return weekly_text(view, svc.schedule, ds), weekly_keyboard(view, ds)

        key = DeliveryKey("digest", last.number, last.start, rules.WEEKLY_OFFSET)
        await deliver(app, key, person_targets(svc, [staff[uid] for uid in chosen]), render)
        log.info("weekly digest up to session %s: %d staff", number, len(chosen))
