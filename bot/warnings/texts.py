"""Early warnings' texts: the staff digest, the message to a participant who missed a
session, the /digest screen. Telegram HTML; user text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.attendance.rules import Tally
from bot.lengths import MESSAGE, fit
from bot.schedule import Schedule, Session
from bot.storage.materials import Material
from bot.viewer import Viewer, country_name, flag, session_heading
from bot.warnings.rules import Absence, Digest

LIMIT = 1500  # short enough to read on a phone; whole lines dropped beyond it (bot/lengths)


def _count(v: Viewer, t: Tally | None) -> str:
    if t is None:
        return "–"
    return v.tr.gettext("{checked} of {expected}").format(checked=t.checked_in,
                                                          expected=t.expected)


def _country(v: Viewer, schedule: Schedule, code: str | None) -> str:
    country = schedule.country(code) if code else None
    if country is None:
        return v.tr.gettext("No country")
    return f"{flag(country.code)} {escape(country_name(country, v.lang))}"


def absence_note(v: Viewer, a: Absence) -> str:
    _ = v.tr.gettext
    notes = []
    if a.second:
        notes.append(_("second miss in a row"))
    if a.out_of_reach:
        notes.append(_("can no longer reach the certificate threshold"))
    return " · ".join(notes)


def digest_text(v: Viewer, schedule: Schedule, d: Digest, footer: bool = True) -> str:
    _ = v.tr.gettext
    lines = ["<b>📋 " + _("After session {n}").format(n=d.session.number) + "</b>",
             f"<i>{session_heading(v, d.session)}</i>", ""]
    if d.countries:
        lines.append("<b>" + (_("Attendance (session {n} · session {m})").format(
            n=d.session.number, m=d.previous.number) if d.previous else _("Attendance"))
            + "</b>")
        for code, now, before in d.countries:
            line = f"{_country(v, schedule, code)}: {_count(v, now)}"
            if d.previous is not None:
                line += f" · {_count(v, before)}"
            lines.append(line)
        lines.append("")
    if d.absences:
        lines.append("<b>" + v.tr.ngettext("{n} core member missed it",
                                      "{n} core members missed it",
                                      len(d.absences)).format(n=len(d.absences)) + "</b>")
        for a in d.absences:
            note = absence_note(v, a)
            mark = "⚠️" if a.second or a.out_of_reach else "▫️"
            lines.append(f"{mark} {escape(a.person.name)}" + (f" · {note}" if note else ""))
        lines.append("")
    if d.questions:
        lines.append("<b>" + v.tr.ngettext(
            "{n} question unanswered for more than 48 hours",
            "{n} questions unanswered for more than 48 hours",
            len(d.questions)).format(n=len(d.questions)) + "</b> · /questions")
        for q, asker in d.questions:
            who = escape(asker.name) if asker else "?"
            lines.append(f"❓ {who}: {escape(q.summary[:60])}")
        lines.append("")
    if d.goals:
        lines.append("<b>" + v.tr.ngettext(
            "{n} goal with no progress since session {m}",
            "{n} goals with no progress since session {m}",
            len(d.goals)).format(n=len(d.goals), m=d.previous.number if d.previous else 0)
            + "</b> · /goals")
        for g in d.goals:
            lines.append(f"🎯 {flag(g.country)} {escape(g.title[:60])}")
        lines.append("")
    if footer:
        lines.append(_("Tap a name for the person's card. /digest: turn this off or on."))
    return fit(lines, min(LIMIT, MESSAGE))


def weekly_text(v: Viewer, schedule: Schedule, digests: Sequence[Digest]) -> str:
    """The week's digests, one after the other, the footer once."""
    _ = v.tr.gettext
    lines = ["<b>🗓 " + _("Your weekly digest") + "</b>", ""]
    for d in digests:
        lines += [*digest_text(v, schedule, d, footer=False).splitlines(), ""]
    lines.append(_("Tap a name for the person's card. /digest: turn this off or on."))
    return fit(lines, MESSAGE)


def missed_text(v: Viewer, schedule: Schedule, session: Session, a: Absence,
                items: Sequence[Material], upcoming: Session | None) -> str:
    """A kind word to a participant who missed the session: what was shared, where they
    stand (the numbers of /me), the next session in their zone."""
    _ = v.tr.gettext
    p = a.progress
    lines = ["<b>👋 " + (_("We missed you again at session {n}") if a.second
                         else _("We missed you at session {n}")).format(n=session.number)
             + "</b>", f"<i>{session_heading(v, session)}</i>", ""]
    if a.second:
        lines.append(_("This is the second session in a row you could not join. If something "
                       "is in the way, tell the facilitators with /ask: they will be glad "
                       "to help."))
    else:
        lines.append(_("We hope all is well. You can catch up with what was shared."))
    if items:  # the materials follow-up lists them; here, where to find them again
        lines += ["", "📎 " + _("What was shared (materials and recording): /session {n}")
                  .format(n=session.number)]
    lines.append("")
    lines.append(v.tr.ngettext("You have attended {attended} of {past} session so far.",
                          "You have attended {attended} of {past} sessions so far.",
                          a.past).format(attended=p.attended, past=a.past))
    if p.standing == "reached":
        lines.append("🎓 " + _("You have already reached the certificate threshold."))
    elif p.standing == "reachable":
        more = p.needed - p.attended
        lines.append(v.tr.ngettext(
            "To earn the certificate you need {more} of the remaining {remaining} session.",
            "To earn the certificate you need {more} of the remaining {remaining} sessions.",
            p.remaining).format(more=more, remaining=p.remaining))
    elif p.standing == "needs_records":
        lines.append(_("To reach the certificate, ask a facilitator to record the sessions "
                       "before you joined that you attended (/me)."))
    else:
        lines.append(_("The certificate is no longer within reach, but every session is still "
                       "yours to join, and the facilitators count on you."))
    if upcoming is not None:
        lines.append("")
        lines.append("🗓 " + _("Next session: {when} ({zone}).").format(
            when=v.at(upcoming.start), zone=escape(v.zone_name())))
    lines.append("")
    lines.append("<i>" + _("You can turn these messages off in /reminders.") + "</i>")
    return fit(lines, MESSAGE)


def digest_screen(v: Viewer, mode: str) -> str:
    _ = v.tr.gettext
    if mode == "weekly":
        state = _("Every Monday at 09:00 (your time), you get a short summary of the week's "
                  "sessions: attendance in your countries, who missed them, questions "
                  "waiting, goals without progress.")
    elif mode == "off":
        state = _("The digest after sessions is off.")
    else:
        state = _("After each session, you get a short digest: attendance in your countries, "
                  "who missed it, questions waiting, goals without progress.")
    return "\n".join(["<b>📋 " + _("Digest for facilitators") + "</b>", "", state])


def links_to_paste(v: Viewer, session: Session, items: Sequence[Material]) -> str | None:
    """Beside "write to those who missed it": the session's links, written out so the author
    can paste them into the message (a broadcast copies the author's message as it is)."""
    links = [item for item in items if item.url]
    if not links:
        return None
    return "\n".join([
        "📎 " + v.tr.gettext("The links of session {n}, to paste into your message if you "
                             "like:").format(n=session.number),
        *(f"{escape(item.caption or '🔗')}: {escape(item.url or '')}" for item in links),
    ])
