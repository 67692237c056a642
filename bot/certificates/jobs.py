"""Issuing certificates and asking for names: fan-outs through the shared Sender.

Issuing writes one certificate row per person (delivery 'pending') in one transaction before
anything is sent. A row is claimed (pending -> sending, committed) when the outbound limiter
lets its sendDocument go (bot/sender.py), and gets its outcome right after. So a graceful stop
leaves the unclaimed rows pending and the next start sends them, each person once; a crash
leaves at most the sends in flight as 'unknown', never sent again (Telegram has no
idempotency key). "Please confirm your name" messages are claimed once per person the same way.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from datetime import timedelta

from telegram import Message
from telegram.ext import Application

from bot import jobs
from bot.certificates import rules, texts
from bot.certificates.keyboards import confirm_keyboard
from bot.certificates.rules import Standing
from bot.context import BotContext
from bot.i18n import I18n
from bot.models import Participant
from bot.schedule import Schedule
from bot.services import Services, get_services
from bot.storage.attendance import Record
from bot.storage.certificates import Certificate
from bot.viewer import Viewer

log = logging.getLogger(__name__)

DELIVER = "certificates:deliver"
ASK = "certificates:ask"


def views(i18n: I18n, c: Certificate) -> list[Viewer]:
    # Dates and numbers as the holder's country writes them (es + PE: "setiembre").
    return [Viewer(i18n.get(lang), lang, "UTC", country=c.country) for lang in c.languages]


def pdf(schedule: Schedule, i18n: I18n, c: Certificate) -> bytes:
    """The certificate's document, from what it recorded at issue (the same every time)."""
    from bot.certificates.pdf import render  # fpdf2 loads with the first certificate

    return render(texts.document(views(i18n, c), schedule, c))


async def standings(svc: Services, people: list[Participant] | None = None) -> list[Standing]:
    """Everyone in a group (or the people given): their way to a certificate now."""
    repo = svc.repo
    if people is None:
        people = [p for p in await repo.attendance.roster()
                  if p.user_id not in svc.settings.organizer_ids]
        records: dict[int, list[Record]] = defaultdict(list)
        for r in await repo.attendance.all_records():
            records[r.user_id].append(r)
    else:
        records = {p.user_id: await repo.attendance.for_user(p.user_id) for p in people}
    names = await repo.certificates.confirmed_names()
    issued = {c.user_id: c for c in await repo.certificates.all() if c.user_id is not None}
    now = svc.clock.now()
    return [rules.standing(svc.schedule, p, records.get(p.user_id, []), names.get(p.user_id),
                           issued.get(p.user_id), now) for p in people]


async def standing_of(svc: Services, person: Participant) -> Standing:
    (found,) = await standings(svc, [person])
    return found


async def to_ask(svc: Services, everyone: list[Standing] | None = None) -> list[Standing]:
    """Eligible people who have not confirmed their name and were never asked."""
    asked = await svc.repo.certificates.prompted()
    everyone = await standings(svc) if everyone is None else everyone
    return [s for s in everyone
            if s.state == "eligible" and s.person.active and s.person.user_id not in asked]


async def issue(app: Application, actor: int) -> int:
    """Record a certificate for everyone eligible with a confirmed name, then send them in
    the background. Returns how many were issued."""
    svc = get_services(app)
    ready = [s for s in await standings(svc) if s.state == "confirmed"]
    logo = svc.schedule.certificates.logo_path(svc.settings.schedule_path)
    items = [rules.new_certificate(svc.schedule, s, rules.new_code(), svc.viewer(s.person).lang,
                                   app.bot.username, str(logo) if logo else None)
             for s in ready]
    now = svc.clock.now()
    created = await svc.repo.certificates.create(items, actor, now)
    await svc.repo.participants.audit(actor, "certificates_issue", now,
                                      detail=f"{created} certificates")
    deliver(app, report_to=actor)
    return created


def deliver(app: Application, report_to: int | None = None) -> None:
    get_services(app).spawn(DELIVER, _deliver_pending(app, report_to))


async def _deliver_pending(app: Application, report_to: int | None) -> None:
    svc = get_services(app)
    store = svc.repo.certificates
    todo = await store.pending()  # fanned out by index (the sender takes ints)
    outcomes: Counter[str] = Counter()

    async def claim_for(code: str) -> bool:
        return not svc.halted(DELIVER) and await store.claim(code)

    async def fail(code: str, error: str) -> None:
        if await claim_for(code):
            await store.delivered(code, "failed", svc.clock.now(), error=error)
            outcomes["failed"] += 1

    async def one(index: int) -> None:
        if svc.halted(DELIVER):
            return
        c = todo[index]
        code = c.code
        person = await svc.repo.participants.get(c.user_id) if c.user_id else None
        if person is None or c.user_id is None:
            await fail(code, "the person is gone")
            return
        user_id = c.user_id
        try:
            document = await asyncio.to_thread(pdf, svc.schedule, svc.i18n, c)
        except Exception as exc:
            log.exception("certificate %s could not be made", code)
            await fail(code, f"not made: {type(exc).__name__}")
            return
        text = texts.caption(svc.viewer(person), c)
        sent: list[Message] = []

        async def call(rl: object) -> Message:
            message = await app.bot.send_document(
                user_id, document=document, filename=texts.file_name(c), caption=text,
                rate_limit_args=rl)
            sent.append(message)
            return message

        outcome = await svc.sender.send(call, claim=lambda: claim_for(code))
        if outcome.status == "skipped":
            return  # stopping: still pending, sent after the next start
        file_id = sent[0].document.file_id if sent and sent[0].document else None
        now = svc.clock.now()
        await store.delivered(code, outcome.status, now, file_id=file_id, error=outcome.error)
        outcomes[outcome.status] += 1
        if outcome.status == "blocked":
            await svc.mark_blocked(user_id)

    await svc.sender.fan_out(list(range(len(todo))), one)
    if not app.running:
        log.info("certificate delivery paused for shutdown; it resumes at the next start")
        return
    log.info("certificates delivered: %s", dict(outcomes))
    if report_to is not None:
        organizer = await svc.repo.participants.get(report_to)
        report = texts.delivery_report(svc.viewer(organizer), outcomes["sent"],
                                       sum(outcomes.values()) - outcomes["sent"])
        await svc.sender.send(
            lambda rl: app.bot.send_message(report_to, report, rate_limit_args=rl))


async def ask_names(app: Application) -> int:
    """Send "please confirm your name" to everyone eligible not asked yet (once each)."""
    svc = get_services(app)
    todo = {s.person.user_id: s for s in await to_ask(svc)}
    if todo:
        svc.spawn(ASK, _ask(app, todo))
    return len(todo)


async def _ask(app: Application, todo: dict[int, Standing]) -> None:
    svc = get_services(app)
    store = svc.repo.certificates

    async def one(user_id: int) -> None:
        person = todo[user_id].person
        view = svc.viewer(person)
        name = rules.clean_name(person.name)
        text, markup = texts.confirm_name(view, name), confirm_keyboard(view, name)

        async def claim() -> bool:
            return not svc.halted(ASK) and await store.claim_prompt(user_id, svc.clock.now())

        outcome = await svc.sender.send(
            lambda rl: app.bot.send_message(user_id, text, reply_markup=markup,
                                            rate_limit_args=rl),
            claim=claim)
        if outcome.status == "skipped":
            return
        now = svc.clock.now()
        await store.prompt_outcome(user_id, outcome.status, now)
        if outcome.status == "blocked":
            await svc.mark_blocked(user_id)

    await svc.sender.fan_out(list(todo), one)


async def _resume(context: BotContext) -> None:
    deliver(context.application)


async def build_jobs(app: Application) -> None:
    """At every start: sends cut off by a crash become 'unknown'; the pending ones resume."""
    svc = get_services(app)
    if svc.running(DELIVER):  # /reload while sending: nothing was interrupted
        return
    now = svc.clock.now()
    store = svc.repo.certificates
    interrupted = await store.in_flight_to_unknown(now)
    if interrupted:
        log.warning("%d certificate sends were interrupted; outcome unknown, not resent",
                    interrupted)
    if await store.pending():
        # A job due now runs once the Application is running, so stop() waits for it.
        jobs.schedule_at(app, svc.clock, name="certificates:resume", due=now,
                         callback=_resume, grace=timedelta(days=1))
