"""Issuing certificates and asking for names: deliveries through the engine (bot/delivery/).

Issuing writes one certificate row per person (delivery 'pending') in one transaction before
anything is sent. A row is claimed (pending -> sending, committed) when the outbound limiter
lets its sendDocument go, and gets its outcome right after. So a graceful stop
leaves the unclaimed rows pending and the next start sends them, each person once; a crash
leaves at most the sends in flight as 'unknown', never sent again (Telegram has no
idempotency key). "Please confirm your name" messages are claimed once per person the same way.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import timedelta

from telegram.ext import Application

from bot import jobs
from bot.certificates import rules, texts
from bot.certificates.keyboards import confirm_keyboard
from bot.certificates.rules import Standing
from bot.context import BotContext
from bot.delivery import Delivery, Document, Message, Report, Text, Undeliverable, kind, run
from bot.i18n import I18n
from bot.membership import participants
from bot.models import Participant
from bot.schedule import Schedule
from bot.sender import Outcome
from bot.services import Services, get_services
from bot.storage.attendance import Record
from bot.storage.certificates import Certificate
from bot.viewer import Viewer

log = logging.getLogger(__name__)

DELIVER = "certificates:deliver"
ASK = "certificates:ask"
ISSUE = kind("certificate", what="certificates: each holder's PDF",
             settle=lambda repo, now: repo.certificates.in_flight_to_unknown(now))
ASK_NAME = kind("certificate_name", what="certificates: please confirm the name to print",
                settle=lambda repo, now: repo.certificates.prompts_in_flight_to_unknown(now))


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
        people = participants(await repo.attendance.roster(), svc.settings.organizer_ids)
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
    async with svc.repo.audited(actor, "certificates_issue", now) as entry:
        created = await svc.repo.certificates.create(items, actor, now)
        entry.detail = f"{created} certificates"
    if created:  # a second tap issues nothing, and sends no second report
        deliver(app)
    return created


def deliver(app: Application) -> None:
    get_services(app).spawn(DELIVER, _deliver_pending(app))


class _Certificates:
    """The Ledger of certificate sending: the certificates' own delivery column."""

    def __init__(self, svc: Services, codes: dict[int, str]) -> None:
        self.svc, self.codes = svc, codes

    async def claim(self, user_id: int) -> bool:
        return await self.svc.repo.certificates.claim(self.codes[user_id])

    async def record(self, user_id: int, outcome: Outcome) -> None:
        await self.svc.repo.certificates.delivered(
            self.codes[user_id], outcome.status, self.svc.clock.now(), file_id=outcome.file_id,
            error=outcome.error)


async def _deliver_pending(app: Application) -> None:
    """Send every pending certificate; then each organizer who issued some is told how their
    issuing went (all of it, also what was sent before a restart)."""
    svc = get_services(app)
    store = svc.repo.certificates
    todo: dict[int, Certificate] = {}
    for c in await store.pending():
        person = await svc.repo.participants.get(c.user_id) if c.user_id else None
        if person is None or c.user_id is None:
            if await store.claim(c.code):
                await store.delivered(c.code, "failed", svc.clock.now(),
                                      error="the person is gone")
        else:
            todo.setdefault(c.user_id, c)  # one each (a user has one certificate)

    async def message(user_id: int) -> Message:
        c = todo[user_id]
        person = await svc.repo.participants.get(user_id)
        try:
            document = await asyncio.to_thread(pdf, svc.schedule, svc.i18n, c)
        except Exception as exc:
            log.exception("certificate %s could not be made", c.code)
            return Undeliverable(f"not made: {type(exc).__name__}")
        return Document(texts.file_name(c), document, texts.caption(svc.viewer(person), c))

    async def report(_: Report) -> None:
        for by, at in sorted({(c.issued_by, c.issued_at) for c in todo.values()
                              if c.issued_by is not None}):
            counts = await store.batch(by, at)
            organizer = await svc.repo.participants.get(by)
            sent = counts.get("sent", 0)
            text = texts.delivery_report(svc.viewer(organizer), sent,
                                         sum(counts.values()) - sent)
            await _tell(app, by, text)

    await run(app, Delivery(
        ISSUE, "certificates", list(todo), message,
        ledger=_Certificates(svc, {u: c.code for u, c in todo.items()}),
        halted=lambda: svc.halted(DELIVER), report=report))


async def _tell(app: Application, chat_id: int, text: str) -> None:
    await get_services(app).sender.send(
        lambda rl: app.bot.send_message(chat_id, text, rate_limit_args=rl))


async def ask_names(app: Application) -> int:
    """Send "please confirm your name" to everyone eligible not asked yet (once each)."""
    svc = get_services(app)
    todo = {s.person.user_id: s for s in await to_ask(svc)}
    if todo:
        svc.spawn(ASK, _ask(app, todo))
    return len(todo)


class _Prompts:
    """The Ledger of "please confirm your name": certificate_prompts, one row per person."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc

    async def claim(self, user_id: int) -> bool:
        return await self.svc.repo.certificates.claim_prompt(user_id, self.svc.clock.now())

    async def record(self, user_id: int, outcome: Outcome) -> None:
        await self.svc.repo.certificates.prompt_outcome(user_id, outcome.status,
                                                        self.svc.clock.now())


async def _ask(app: Application, todo: dict[int, Standing]) -> None:
    svc = get_services(app)

    async def message(user_id: int) -> Text:
        person = todo[user_id].person
        view = svc.viewer(person)
        name = rules.clean_name(person.name)
        return Text(texts.confirm_name(view, name), confirm_keyboard(view, name))

    await run(app, Delivery(ASK_NAME, "certificate names", list(todo), message,
                            ledger=_Prompts(svc), halted=lambda: svc.halted(ASK)))


async def _resume(context: BotContext) -> None:
    deliver(context.application)


async def build_jobs(app: Application) -> None:
    """At every start: the pending ones resume (what a stop cut off mid-send is 'unknown'
    already: bot.delivery.kinds.settle_interrupted)."""
    svc = get_services(app)
    if svc.running(DELIVER):  # /reload while sending: it is under way
        return
    now = svc.clock.now()
    if await svc.repo.certificates.pending():
        # A job due now runs once the Application is running, so stop() waits for it.
        jobs.schedule_at(app, svc.clock, name="certificates:resume", due=now,
                         callback=_resume, grace=timedelta(days=1))
