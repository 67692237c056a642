"""Coaching fan-outs and jobs: the poll, the one answer reminder, booked / new time /
cancelled notices, and the 24 h / 1 h / start reminders of a booked coaching hour.

Every message goes through bot.delivery.keyed.deliver(): one `deliveries` row per recipient
and key (kind, coaching id, a time, a number), claimed when the limiter lets it go, so a
restart never repeats one and resumes the ones still pending (build_jobs). Keys:
  coaching_poll / coaching_nudge   (id, opened_at of the round, round)
  coaching_booked                  (id, booked start, bookings)  -- a new time: a new key
  coaching_cancelled               (id, created_at, 0)
  coaching                         (id, start, reminder offset)  -- like a session's reminder
Jobs are derived state, rebuilt at every start: `coaching:<id>:<offset>`,
`coaching:<id>:nudge:<round>` and `coaching:resume:...` for fan-outs cut off by a stop.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import Application

from bot import jobs
from bot.coaching import keyboards as kb
from bot.coaching import rules, screens
from bot.coaching import texts as ct
from bot.context import BotContext
from bot.delivery.keyed import Target, deliver, person_targets
from bot.models import Participant
from bot.services import Services, get_services
from bot.storage.base import ts
from bot.storage.coaching import Coaching
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)


def _targets(svc: Services, people: list[Participant]) -> dict[int, Target]:
    return person_targets(svc, [p for p in people if p.active])


async def _with_coach(svc: Services, c: Coaching, people: list[Participant],
                      exclude: int | None = None) -> list[Participant]:
    """The group, and the coach who opened the coaching (unless they are `exclude`)."""
    if c.coach_id in {p.user_id for p in people} or c.coach_id == exclude:
        return people
    coach = await svc.repo.participants.get(c.coach_id)
    return [*people, coach] if coach is not None else people


def poll_key(c: Coaching, reminder: bool) -> DeliveryKey:
    return DeliveryKey("coaching_nudge" if reminder else "coaching_poll", c.id, c.opened_at,
                       c.round)


async def send_poll(app: Application, coaching_id: int, *, reminder: bool = False) -> None:
    """The current round's poll to every member (reminder: to those who answered nothing)."""
    svc = get_services(app)
    store = svc.repo.coaching
    c = await store.get(coaching_id)
    if c is None or c.status != "polling":
        return
    slots = await store.slots(c.id, c.round)
    answers = await store.answers(c.id, c.round)
    people = await screens.members(svc, c.country)
    if reminder:
        if all(s.start <= svc.clock.now() for s in slots):
            return  # every time has passed: nothing left to answer
        answered = {uid for given in answers.values() for uid in given}
        people = [p for p in people if p.user_id not in answered]

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        mine = rules.my_answers(slots, answers, target.chat_id)
        return (ct.poll_text(view, svc.schedule, c, slots, mine, reminder=reminder),
                kb.poll_keyboard(view, slots, mine))

    await deliver(app, poll_key(c, reminder), _targets(svc, people), render)


async def send_booked(app: Application, coaching_id: int) -> None:
    """The booking (or the new time) with the join link and "Add to calendar"."""
    svc = get_services(app)
    c = await svc.repo.coaching.get(coaching_id)
    if c is None or c.status != "booked" or c.start is None:
        return
    start = c.start
    people = await _with_coach(svc, c, await screens.members(svc, c.country), c.booked_by)

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        return (ct.booked_text(view, svc.schedule, c, start),
                kb.booked_keyboard(view, c, None, False))

    key = DeliveryKey("coaching_booked", c.id, start, c.bookings)
    await deliver(app, key, _targets(svc, people), render)


async def send_cancelled(app: Application, coaching_id: int) -> None:
    svc = get_services(app)
    c = await svc.repo.coaching.get(coaching_id)
    if c is None or c.status != "cancelled":
        return

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        return ct.cancelled_text(view, svc.schedule, c), None

    key = DeliveryKey("coaching_cancelled", c.id, c.created_at, 0)
    await deliver(app, key, _targets(svc, await screens.members(svc, c.country)), render)


async def send_reminder(app: Application, c: Coaching, offset: int) -> None:
    """One of the sessions' reminder offsets, to the members who keep that reminder on."""
    svc = get_services(app)
    assert c.start is not None
    wanted = {p.chat_id for p in await svc.repo.reminders.candidates(offset)}
    people = [p for p in await _with_coach(svc, c, await screens.members(svc, c.country))
              if p.user_id in wanted]

    in_group = {p.user_id for p in people if rules.is_member(p, c.country)}

    def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
        # "Starts now" carries the one-tap check-in, bound to this member's id.
        member = target.chat_id in in_group
        markup = (kb.booked_keyboard(view, c, target.chat_id, True)
                  if offset == 0 and member else None)
        return ct.reminder_text(view, svc.schedule, c, svc.clock.now(),
                                checks_in=member), markup

    key = DeliveryKey("coaching", c.id, c.start, offset)
    await deliver(app, key, _targets(svc, people), render)


# the live tally


async def refresh_tally(app: Application, coaching_id: int) -> None:
    """Edit the last tally screen a facilitator opened, after an answer came in."""
    svc = get_services(app)
    c = await svc.repo.coaching.get(coaching_id)
    if c is None or c.tally_chat_id is None or c.tally_message_id is None:
        return
    person = await svc.repo.participants.get(c.tally_chat_id)
    if person is None:
        return
    text, markup = await screens.staff_screen(svc, svc.viewer(person),
                                              await screens.group(svc, c.country))
    chat_id, message_id = c.tally_chat_id, c.tally_message_id
    try:
        await svc.sender.send(lambda rl: app.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup,
            rate_limit_args=rl))
    except TelegramError as exc:  # e.g. "message is not modified": the screen is current
        log.info("coaching tally %s not edited: %s", coaching_id, exc)


# jobs


async def reminder_job(context: BotContext) -> None:
    svc = context.svc
    assert context.job is not None and isinstance(context.job.data, dict)
    c = await svc.repo.coaching.get(context.job.data["coaching"])
    offset = context.job.data["offset"]
    due, now = jobs.due_at(context), svc.clock.now()
    if c is None or c.start is None or c.start - timedelta(minutes=offset) != due:
        return  # moved or cancelled since: the rebuild made the right jobs
    grace = timedelta(minutes=svc.schedule.reminders.grace_minutes)
    if not rules.still_sendable(c, due, now, grace):
        log.info("dropped coaching reminder %s: due %s, now %s", context.job.name, due, now)
        return
    await send_reminder(context.application, c, offset)


async def nudge_job(context: BotContext) -> None:
    assert context.job is not None and isinstance(context.job.data, dict)
    c = await context.svc.repo.coaching.get(context.job.data["coaching"])
    if c is not None and c.status == "polling" and c.round == context.job.data["round"]:
        await send_poll(context.application, c.id, reminder=True)


async def resume_job(context: BotContext) -> None:
    """A fan-out a stop cut off: send what is still pending, if it still holds."""
    assert context.job is not None and isinstance(context.job.data, dict)
    data = context.job.data
    svc, app = context.svc, context.application
    c = await svc.repo.coaching.get(data["coaching"])
    kind, offset, start = data["kind"], data["offset"], data["start"]
    current = c is not None and (
        (kind in ("coaching_poll", "coaching_nudge") and c.status == "polling"
         and c.round == offset and c.opened_at == start)
        or (kind == "coaching_booked" and c.status == "booked" and c.bookings == offset)
        or (kind == "coaching_cancelled" and c.status == "cancelled"))
    if not current or c is None:
        key = DeliveryKey(kind, data["coaching"], start, offset)
        await svc.repo.coaching.drop_pending(key.params, svc.clock.now())
        log.info("coaching notice %s no longer holds; not sent", key)
        return
    if kind == "coaching_booked":
        await send_booked(app, c.id)
    elif kind == "coaching_cancelled":
        await send_cancelled(app, c.id)
    else:
        await send_poll(app, c.id, reminder=kind == "coaching_nudge")


def schedule_coaching(app: Application, c: Coaching, nudged: bool) -> None:
    """(Re)make the jobs of one coaching: its reminders, or its answer reminder."""
    svc = get_services(app)
    now = svc.clock.now()
    jobs.cancel(app, f"coaching:{c.id}:")
    grace = timedelta(minutes=svc.schedule.reminders.grace_minutes)
    for planned in rules.reminder_plan(svc.schedule, [c], now):
        jobs.schedule_at(app, svc.clock, name=planned.job_name, due=planned.due,
                         callback=reminder_job, grace=grace,
                         data={"coaching": c.id, "offset": planned.offset})
    due = rules.answer_reminder_due(svc.schedule, c)
    if due is not None and not nudged:
        # Late (the bot was down): it still goes, once, as long as the poll is open.
        jobs.schedule_at(app, svc.clock, name=f"coaching:{c.id}:nudge:{c.round}",
                         due=max(due, now), callback=nudge_job, grace=timedelta(days=30),
                         data={"coaching": c.id, "round": c.round})


async def rebuild(app: Application, coaching_id: int) -> None:
    """After a change by a facilitator: the jobs of that coaching follow it."""
    svc = get_services(app)
    c = await svc.repo.coaching.get(coaching_id)
    if c is None:
        return
    nudged = bool(await svc.repo.reminders.statuses(poll_key(c, True)))
    schedule_coaching(app, c, nudged)


async def build_jobs(app: Application) -> None:
    """Registered in job_builders: rebuilt from the database at every start."""
    svc = get_services(app)
    jobs.cancel(app, "coaching:")
    now = svc.clock.now()
    coachings = await svc.repo.coaching.all()
    for c in coachings:
        if c.status == "polling" or (c.end is not None and c.end > now):
            nudged = bool(await svc.repo.reminders.statuses(poll_key(c, True)))
            schedule_coaching(app, c, nudged)
    planned = {(p.coaching.id, p.offset)
               for p in rules.reminder_plan(svc.schedule, coachings, now)}
    for n in await svc.repo.coaching.pending_notices():
        if n.kind == "coaching":  # a reminder: caught up by its job above, or too late now
            if (n.coaching_id, n.offset) not in planned:
                await svc.repo.coaching.drop_pending((n.kind, n.coaching_id, ts(n.start),
                                                      n.offset), now)
            continue
        jobs.schedule_at(app, svc.clock, name=f"coaching:resume:{n.kind}:{n.coaching_id}:"
                         f"{n.offset}", due=now, callback=resume_job, grace=timedelta(days=30),
                         data={"kind": n.kind, "coaching": n.coaching_id, "offset": n.offset,
                               "start": n.start})

