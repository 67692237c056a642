"""Who may join at /start: invitation links, open or closed registration; the privacy notice.

`/start <code>` carries an invitation code (deep link payload). Without one, REGISTRATION=open
lets anyone in: into the wider group from its start date (the first session open to all),
before that with no group yet (a job moves them into the wider group on that date).
REGISTRATION=closed turns away people who are in no group and not staff (unless they joined
while registration was open).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from html import escape

from telegram import Update
from telegram.ext import Application, ContextTypes

from bot.app import get_services, services
from bot.jobs import schedule_at
from bot.registration import open_registration_group, wider_group_start
from bot.views import country_name, flag
from handlers.common import Who, who

log = logging.getLogger(__name__)

WIDER_START_JOB = "registration:wider-start"


@dataclass(frozen=True)
class Admission:
    w: Who
    note: str | None  # one paragraph for the welcome: which group they join
    country_fixed: bool  # the invitation set the country: onboarding skips that question


def contact_line(w: Who) -> str:
    contact = w.svc.schedule.program.contact
    text = contact.get(w.view.lang) or contact.get("en")
    return w.view.tr.gettext("Questions? {contact}").format(contact=escape(text)) if text else ""


def privacy_notice(w: Who) -> str:
    _ = w.view.tr.gettext
    text = "🔒 " + _(
        "<b>Your data</b>: I keep your Telegram name and username, language, country, time "
        "zone and group, your organization and sector if you give them, and your attendance "
        "and goals. The organizers see them; facilitators see who takes part in their "
        "sessions. /mydata sends you a copy, /forget deletes it."
    )
    url = w.svc.settings.privacy_url
    if url:
        text += "\n" + _("Full privacy notice: {url}").format(url=escape(url))
    return text


def _country_label(w: Who, code: str | None) -> str | None:
    found = w.svc.schedule.country(code)
    return f"{flag(found.code)} {escape(country_name(found, w.view.lang))}" if found else None


def group_title(w: Who, group: str | None, country: str | None) -> str:
    """"Core group · 🇵🇪 Peru", for lists and headings."""
    _ = w.view.tr.gettext
    title = _("Core group") if group == "core" else _("Wider group")
    where = _country_label(w, country)
    return f"{title} · {where}" if where else title


def joining_note(w: Who, group: str, country: str | None) -> str:
    _ = w.view.tr.gettext
    where = _country_label(w, country)
    if group == "core":
        return (_("You are joining the core group for {country}.").format(country=where)
                if where else _("You are joining the core group."))
    return (_("You are joining the wider group for {country}.").format(country=where)
            if where else _("You are joining the wider group."))


async def _refuse(update: Update, w: Who, text: str) -> None:
    lines = [text]
    contact = contact_line(w)
    if contact:
        lines.append(contact)
    assert update.effective_message is not None
    await update.effective_message.reply_text("\n\n".join(lines))


async def _with_code(update: Update, context: ContextTypes.DEFAULT_TYPE, w: Who,
                     code: str) -> Admission | None:
    _ = w.view.tr.gettext
    now = w.svc.clock.now()
    outcome, inv = await w.svc.repo.invitations.redeem(code, w.person.user_id, now)
    if outcome == "already_core":
        return Admission(await who(update, context), _(
            "You are already in the core group, so you stay in it (this link was for the "
            "wider group)."), country_fixed=False)
    if outcome == "valid" and inv is not None:
        fresh = await who(update, context)
        note = joining_note(fresh, inv.group, inv.country)
        return Admission(fresh, note, country_fixed=inv.country is not None)
    problems = {
        "expired": _("This invitation link has expired. Please ask the organizers for a "
                     "new one."),
        "used_up": _("This invitation link has been used as many times as it allows. Please "
                     "ask the organizers for a new one."),
        "revoked": _("This invitation link has been withdrawn. Please ask the organizers for "
                     "a new one."),
    }
    text = problems.get(outcome) or _(
        "This invitation link is not valid. Check that you opened the whole link, or ask "
        "the organizers for a new one.")
    if w.svc.settings.registration == "open":
        text += "\n" + _("You can also send /start to join without an invitation.")
    await _refuse(update, w, text)
    return None


async def admit(update: Update, context: ContextTypes.DEFAULT_TYPE, w: Who) -> Admission | None:
    """None when the person was turned away (and told why)."""
    args = context.args or []
    if args:
        return await _with_code(update, context, w, args[0])
    person = w.person
    if w.role != "participant" or person.group is not None:
        return Admission(w, None, country_fixed=False)
    _ = w.view.tr.gettext
    if w.svc.settings.registration == "closed":
        if person.joined_via == "open":  # registered while registration was open
            return Admission(w, None, country_fixed=False)
        await _refuse(update, w, _(
            "Joining this program needs an invitation: the organizers send each participant "
            "a personal link that opens this bot. If you should be taking part and have no "
            "link, please contact the organizers."))
        return None
    now = w.svc.clock.now()
    group = open_registration_group(w.svc.schedule, now)
    await w.svc.repo.update_participant(person.user_id, now, grp=group, joined_via="open")
    fresh = await who(update, context)
    if group == "wider":
        return Admission(fresh, joining_note(fresh, "wider", None), country_fixed=False)
    start = wider_group_start(w.svc.schedule)
    assert start is not None
    note = _(
        "The wider group starts on {date}. You are registered and will join it then; until "
        "then you can follow the program here."
    ).format(date=fresh.view.date(start, "long"))
    return Admission(fresh, note, country_fixed=False)


async def _promote(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    moved = await svc.repo.people.promote_open_registrations(svc.clock.now())
    log.info("wider group started: %d self-registered people joined it", moved)


async def build_wider_start(app: Application) -> None:
    """Rebuilt at every start; when the date has passed already, promote right away."""
    svc = get_services(app)
    start = wider_group_start(svc.schedule)
    if start is None:
        return
    if svc.clock.now() >= start:
        await svc.repo.people.promote_open_registrations(svc.clock.now())
        return
    schedule_at(app, svc.clock, name=WIDER_START_JOB, due=start, callback=_promote,
                grace=timedelta(days=1))


def register(app: Application) -> None:
    get_services(app).job_builders.append(build_wider_start)
