"""Texts of the person card (/person): one person's place in the program, for staff, and what
the person is told after a change. Plain Python (no Telegram)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING, Literal

from bot.help.texts import countries_label
from bot.membership import Member
from bot.models import Participant
from bot.people.texts import contact_line, country_label
from bot.schedule import Schedule
from bot.viewer import Viewer

Status = Literal["active", "blocked", "left"]
RoleChoice = Literal["participant", "cofacilitator", "facilitator"]

if TYPE_CHECKING:  # the card shows attendance's numbers; no import at run time
    from bot.attendance.rules import Progress


def status_of(person: Participant) -> Status:
    if not person.active:
        return "blocked"
    if person.group is None and person.left_at is not None:
        return "left"
    return "active"


@dataclass(frozen=True)
class Card:
    """What the card shows: the stored person, their place and whether they are counted."""

    person: Participant
    member: Member
    counted: bool
    counted_by_rule: bool  # what the rule says without an organizer's choice
    progress: Progress | None  # None: not in a group


def group_word(v: Viewer, group: str | None) -> str:
    _ = v.tr.gettext
    return {"core": _("Core group"), "wider": _("Wider group")}.get(group or "",
                                                                   _("Not in a group"))


def role_text(v: Viewer, schedule: Schedule, person: Participant, m: Member) -> str:
    _ = v.tr.gettext
    if m.role == "organizer":
        return _("organizer")
    if m.role == "participant":
        return _("participant")
    if m.scope is None:
        return _("facilitator for every country")
    if person.group == "core" and m.scope == frozenset({person.country}):
        return _("co-facilitator for {country}").format(
            country=countries_label(v, schedule, set(m.scope)))
    return _("facilitator for {countries}").format(
        countries=countries_label(v, schedule, set(m.scope)))


def _joined(v: Viewer, person: Participant) -> str:
    _ = v.tr.gettext
    how = {"invite": _("invitation"), "open": _("open registration")}.get(
        person.joined_via or "", escape(person.joined_via or "") or _("not recorded"))
    if person.joined_at is None or person.group is None:
        return how
    return f"{how} · {v.date(person.joined_at, 'medium')}"


def _status(v: Viewer, person: Participant) -> str:
    _ = v.tr.gettext
    status = status_of(person)
    if status == "blocked":
        return _("blocked the bot")
    if status == "left":
        assert person.left_at is not None
        return _("taken out of the program on {date}").format(
            date=v.date(person.left_at, "medium"))
    return _("active")


def card_text(v: Viewer, schedule: Schedule, card: Card) -> str:
    _ = v.tr.gettext
    p = card.person
    who = escape(p.name) + (f" (@{escape(p.username)})" if p.username else "")
    country = country_label(v, schedule, p.country) or _("No country")
    lines = [
        f"👤 <b>{who}</b> · <code>{p.user_id}</code>",
        _("Group: {group}").format(group=group_word(v, p.group)),
        _("Country: {country}").format(country=country),
        _("Role: {role}").format(role=role_text(v, schedule, p, card.member)),
        _("Status: {status}").format(status=_status(v, p)),
        _("Joined by: {how}").format(how=_joined(v, p)),
    ]
    if p.group is not None:
        answer = _("yes") if card.counted else _("no")
        why = (_("set by an organizer") if p.counted is not None
               else _("staff who registered themselves are not counted")
               if not card.counted else _("member"))
        lines.append(_("Counted as a participant: {answer} ({why})").format(
            answer=answer, why=why))
    if card.progress is not None:
        pr = card.progress
        lines.append(v.tr.ngettext(
            "Attendance: {attended} of {total} session ({percent})",
            "Attendance: {attended} of {total} sessions ({percent})", pr.total).format(
            attended=pr.attended, total=pr.total, percent=v.percent(pr.percent / 100)))
    return "\n".join(lines)


# what the staff member confirms


def confirm_group(v: Viewer, person: Participant, group: str) -> str:
    _ = v.tr.gettext
    text = (_("Move {name} to the core group?") if group == "core"
            else _("Move {name} to the wider group?"))
    return text.format(name=escape(person.name)) + "\n" + _(
        "Attendance already recorded is kept.")


def confirm_country(v: Viewer, schedule: Schedule, person: Participant, code: str) -> str:
    _ = v.tr.gettext
    return _("Move {name} to {country}?").format(
        name=escape(person.name), country=country_label(v, schedule, code) or code) + "\n" + _(
        "Attendance already recorded is kept.")


def confirm_out(v: Viewer, person: Participant) -> str:
    _ = v.tr.gettext
    return "\n".join([
        _("Take {name} out of the program?").format(name=escape(person.name)),
        _("They leave their group and get no more reminders; nothing is deleted and their "
          "records are kept. An organizer can put them back in a group from this card."),
    ])


def confirm_role(v: Viewer, schedule: Schedule, person: Participant,
                 choice: RoleChoice) -> str:
    _ = v.tr.gettext
    name = escape(person.name)
    if choice == "participant":
        return _("Make {name} a participant (no staff rights)?").format(name=name)
    if choice == "cofacilitator":
        return _("Make {name} co-facilitator for {country}?").format(
            name=name, country=country_label(v, schedule, person.country) or "")
    return _("Make {name} facilitator for every country?").format(name=name)


def confirm_counted(v: Viewer, person: Participant, counted: bool) -> str:
    _ = v.tr.gettext
    text = (_("Count {name} as a participant (attendance rates, charts, certificate)?")
            if counted else
            _("Stop counting {name} as a participant? Their records are kept."))
    return text.format(name=escape(person.name))


def cannot_cofacilitate(v: Viewer) -> str:
    return v.tr.gettext("Only a core member of a country can be a co-facilitator.")


def done(v: Viewer) -> str:
    return "✅ " + v.tr.gettext("Done. The person has been told.")


def unchanged(v: Viewer) -> str:
    return v.tr.gettext("Nothing to change: this is already so.")


# what the person is told, in their language


def told_group(v: Viewer, group: str) -> str:
    _ = v.tr.gettext
    text = (_("The organizers moved you to the core group.") if group == "core"
            else _("The organizers moved you to the wider group."))
    return "ℹ️ " + text + " " + _("Your attendance so far is kept. /schedule shows your "
                                 "sessions.")


def told_country(v: Viewer, schedule: Schedule, code: str) -> str:
    _ = v.tr.gettext
    return "ℹ️ " + _("The organizers moved you to {country}.").format(
        country=country_label(v, schedule, code) or code) + " " + _(
        "Your attendance so far is kept. /settings changes your time zone.")


def told_out(v: Viewer, schedule: Schedule) -> str:
    _ = v.tr.gettext
    lines = ["ℹ️ " + _("The organizers have taken you out of the program: you will get no "
                      "more reminders. Your records are kept.")]
    contact = contact_line(v, schedule)
    return "\n".join([*lines, contact] if contact else lines)


def told_counted(v: Viewer, counted: bool) -> str:
    _ = v.tr.gettext
    return "ℹ️ " + (
        _("You now count as a participant: your attendance counts towards your certificate.")
        if counted else
        _("You now take part as staff, not as a participant: your attendance is no longer "
          "counted. Your records are kept."))


def left_program(v: Viewer, schedule: Schedule, when: datetime) -> str:
    """To someone taken out who sends /start (open registration does not put them back)."""
    _ = v.tr.gettext
    lines = [_("The organizers took you out of the program on {date}. To take part again, "
               "please contact them.").format(date=v.date(when, "medium"))]
    contact = contact_line(v, schedule)
    return "\n".join([*lines, contact] if contact else lines)
