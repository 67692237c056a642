"""Who may join at /start: invitation links, open or closed registration; the privacy notice.

`/start <code>` carries an invitation code (deep link payload). Without one, REGISTRATION=open
lets anyone in: into the wider group from its start date (the first session open to all),
before that with no group yet (a job moves them into the wider group on that date).
REGISTRATION=closed turns away people who are in no group and not staff (unless they joined
while registration was open).
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.context import BotContext, Who
from bot.features import staff_command_names
from bot.help import menus
from bot.people import texts
from bot.people.cards import left_program
from bot.people.rules import wider_group_start, wider_started
from bot.roster import texts as roster_texts
from bot.storage.roster import Joined


@dataclass(frozen=True)
class Admission:
    w: Who
    note: str | None  # one paragraph for the welcome: which group they join
    country_fixed: bool  # the invitation set the country: onboarding skips that question
    roster: Joined | None = None  # a personal link from the roster: name and language known


def privacy_notice(w: Who) -> str:
    return texts.privacy_notice(w.view, w.svc.settings.privacy_url)


async def _refuse(update: Update, w: Who, text: str) -> None:
    lines = [text]
    contact = texts.contact_line(w.view, w.svc.schedule)
    if contact:
        lines.append(contact)
    assert update.effective_message is not None
    await update.effective_message.reply_text("\n\n".join(lines))


async def _with_code(update: Update, context: BotContext, w: Who, code: str) -> Admission | None:
    _ = w.view.tr.gettext
    now = w.svc.clock.now()
    outcome, inv = await w.svc.repo.invitations.redeem(code, w.user_id, now)
    if outcome == "already_core":
        return Admission(await context.who(refresh=True), _(
            "You are already in the core group, so you stay in it (this link was for the "
            "wider group)."), country_fixed=False)
    if outcome == "valid" and inv is not None:
        joined = await w.svc.repo.roster.joined(code, w.user_id, now)
        if joined is not None and joined.first and joined.entry.role is not None:
            await _grant(w, joined)
        fresh = await context.who(refresh=True)
        note = texts.joining_note(fresh.view, fresh.svc.schedule, inv.group, inv.country)
        if joined is not None and joined.first and joined.entry.role is not None:
            note += "\n\n" + _granted_text(fresh, joined)
        return Admission(fresh, note, country_fixed=inv.country is not None, roster=joined)
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


async def _grant(w: Who, joined: Joined) -> None:
    """A staff row of the roster: the role, for their own country, audited in the name of
    the organizer who imported it."""
    role, country, now = joined.entry.role, joined.entry.country, w.svc.clock.now()
    if role == "organizer":
        await w.svc.repo.participants.set_role(w.user_id, "organizer", now)
    else:
        await w.svc.repo.people.set_facilitator(w.user_id, {country}, now)
    await w.svc.repo.participants.audit(joined.created_by, "grant", now, target=str(w.user_id),
                                        detail=f"{role}:{country} (roster)")
    await menus.publish(w.svc.app, w.user_id)


def _granted_text(w: Who, joined: Joined) -> str:
    role = joined.entry.role
    if role == "organizer":
        return roster_texts.organizer_granted(w.view)
    return texts.role_granted(w.view, w.svc.schedule, role or "facilitator",
                              {joined.entry.country}, staff_command_names("facilitator"))


async def admit(update: Update, context: BotContext, w: Who) -> Admission | None:
    """None when the person was turned away (and told why)."""
    args = context.args or []
    if args:
        return await _with_code(update, context, w, args[0])
    person = w.person
    if w.role != "participant" or person.group is not None:
        return Admission(w, None, country_fixed=False)
    _ = w.view.tr.gettext
    if person.left_at is not None:  # taken out by the staff: open registration does not undo it
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            left_program(w.view, w.svc.schedule, person.left_at))
        return None
    if w.svc.settings.registration == "closed":
        if person.joined_via == "open":  # registered while registration was open
            return Admission(w, None, country_fixed=False)
        assert update.effective_message is not None
        await update.effective_message.reply_text(texts.invitation_needed(w.view, w.svc.schedule))
        return None
    now = w.svc.clock.now()
    await w.svc.repo.participants.update(person.user_id, now, grp="wider", joined_via="open",
                                         joined_at=now)
    fresh = await context.who(refresh=True)
    note = texts.joining_note(fresh.view, fresh.svc.schedule, "wider", None)
    start = wider_group_start(w.svc.schedule)
    if start is not None and not wider_started(w.svc.schedule, now):
        note += " " + fresh.view.tr.gettext(
            "Its first session is on {date}; I will remind you before it."
        ).format(date=fresh.view.date(start, "long"))
    return Admission(fresh, note, country_fixed=False)
