"""What organizers read about program changes: the answer to a change or /reload, the move
preview with the time in every country, /changes, and the usage lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from html import escape

from bot.program.rules import Diff, LinkChange, Rejected
from bot.schedule import Schedule, Session
from bot.storage.program import ProgramChange
from bot.viewer import Viewer, country_name, flag, session_heading


def _when(v: Viewer, when: datetime) -> str:
    return f"{v.date(when, 'medium')}, {v.time(when)}"


def _country(v: Viewer, schedule: Schedule, code: str) -> str:
    country = schedule.country(code)
    return escape(country_name(country, v.lang)) if country else code


def _link_line(v: Viewer, schedule: Schedule, c: LinkChange) -> str:
    _ = v.tr.gettext
    if c.kind == "program":
        return ("🔗 " + _("Program join link set: {link}").format(link=escape(c.new))
                if c.new else "🔗 " + _("Program join link removed."))
    if c.kind == "session":
        if c.new:
            return "🔗 " + _("Session {number}: own join link set: {link}").format(
                number=c.target, link=escape(c.new))
        return "🔗 " + _("Session {number}: own join link removed (the program link is used)."
                         ).format(number=c.target)
    country = _country(v, schedule, c.target)
    if c.new:
        return "🔗 " + _("Coaching link for {country} set: {link}").format(
            country=country, link=escape(c.new))
    return "🔗 " + _("Coaching link for {country} removed.").format(country=country)


def change_label(v: Viewer, schedule: Schedule, c: ProgramChange) -> str:
    """One change in force, as /changes lists it."""
    _ = v.tr.gettext
    if c.kind == "move":
        assert c.start is not None
        return "📅 " + _("Session {number} moved to {when} ({zone})").format(
            number=c.target, when=_when(v, c.start), zone=escape(v.zone_name()))
    link = escape(c.link) if c.link else _("none")
    if c.kind == "program_link":
        text = _("Program join link: {link}").format(link=link)
    elif c.kind == "session_link":
        text = _("Session {number} join link: {link}").format(number=c.target, link=link)
    else:
        text = _("Coaching link for {country}: {link}").format(
            country=_country(v, schedule, c.target), link=link)
    if c.info:
        text += f" · 🔑 {escape(c.info)}"
    return "🔗 " + text


def rejected_line(v: Viewer, schedule: Schedule, r: Rejected) -> str:
    return "⚠️ " + v.tr.gettext("Not applied: {change}: {reason}").format(
        change=change_label(v, schedule, r.change), reason=escape(r.reason))


def told_line(v: Viewer, told: int) -> str:
    if told == 0:
        return v.tr.gettext("Nobody needs to be told now.")
    return v.tr.ngettext("{count} person will be told.", "{count} people will be told.",
                         told).format(count=v.number(told))


def outcome_lines(v: Viewer, schedule: Schedule, d: Diff, told: int,
                  rejected: list[Rejected]) -> list[str]:
    """What changed in the schedule in force, and how many people will be told."""
    _ = v.tr.gettext
    lines = [
        "📅 " + _("Session {number} moved: {old} → {new} ({zone})").format(
            number=m.session.number, old=_when(v, m.old), new=_when(v, m.session.start),
            zone=escape(v.zone_name()))
        for m in d.moved
    ]
    lines += [_link_line(v, schedule, c) for c in d.links]
    lines += ["➕ " + _("Session {number} added.").format(number=n) for n in d.added]
    lines += ["➖ " + _("Session {number} removed.").format(number=n) for n in d.removed]
    if not lines:
        lines.append(_("Nothing changed in the schedule."))
    lines += [rejected_line(v, schedule, r) for r in rejected]
    lines.append(told_line(v, told))
    return lines


def move_preview(v: Viewer, schedule: Schedule, session: Session, start: datetime,
                 told: int) -> str:
    """Before a move: from, to, the new time in every country, and who will be told."""
    _ = v.tr.gettext
    lines = [
        "<b>" + _("Move this session?") + "</b>",
        f"<b>{session_heading(v, session)}</b>",
        _("From: {when}").format(when=_when(v, session.start)),
        _("To: {when} ({zone})").format(when=_when(v, start), zone=escape(v.zone_name())),
        "",
    ]
    for c in schedule.countries:
        local = replace(v, zone=c.zone)
        lines.append(f"{flag(c.code)} {escape(country_name(c, v.lang))}: {_when(local, start)}")
    lines += ["", told_line(v, told)]
    return "\n".join(lines)


def changes_text(v: Viewer, schedule: Schedule, changes: list[ProgramChange]) -> str:
    _ = v.tr.gettext
    if not changes:
        return _("No changes made from the chat are in force: the schedule is schedule.json "
                 "as it is.")
    lines = ["<b>" + _("Changes in force (over schedule.json)") + "</b>"]
    lines += [f"{i}. {change_label(v, schedule, c)}" for i, c in enumerate(changes, start=1)]
    return "\n".join(lines)


def undo_confirm_text(v: Viewer, schedule: Schedule, change: ProgramChange) -> str:
    return "\n".join([
        "<b>" + v.tr.gettext("Undo this change?") + "</b>",
        change_label(v, schedule, change),
        v.tr.gettext("The schedule goes back to what schedule.json says for it."),
    ])


def joinlink_usage(v: Viewer) -> str:
    return v.tr.gettext(
        "Usage:\n/joinlink URL [passcode or dial-in text]: the program's join link\n"
        "/joinlink 3 URL [text]: session 3's own link\n/joinlink GH URL: Ghana's coaching "
        "link\n/joinlink 3 off (or /joinlink off, /joinlink GH off): remove it")


def move_usage(v: Viewer) -> str:
    return v.tr.gettext(
        "Usage: /move 4 2021-04-21 15:00 (session number, then the new date and time in your "
        "time zone, {zone})").format(zone=escape(v.zone_name()))


def not_a_link(v: Viewer, text: str) -> str:
    return v.tr.gettext("That is not a web link (https://…): {text}").format(
        text=escape(text))


def no_session(v: Viewer, number: int) -> str:
    return v.tr.gettext("There is no session {number}.").format(number=number)


def refused(v: Viewer, reason: str) -> str:
    return "⚠️ " + v.tr.gettext("Not changed: {reason}").format(reason=escape(reason))


def failed(v: Viewer, error: str) -> str:
    return v.tr.gettext("Not changed: the new schedule's jobs could not be built ({error}). "
                        "The schedule in force stays as it was.").format(error=escape(error))
