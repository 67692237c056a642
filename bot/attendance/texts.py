"""Attendance texts for one viewer (Telegram HTML; names are escaped). No Telegram here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape

from bot.attendance.rules import CHECKED_IN, CheckinResult, Progress
from bot.membership import expected_at
from bot.models import Participant
from bot.schedule import Schedule, Session
from bot.storage.attendance import Record
from bot.viewer import Viewer, country_name, flag, session_heading

MESSAGE_LIMIT = 4000  # Telegram allows 4096; keep a margin for entities


def pack(blocks: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join blocks with blank lines into as few messages as fit; split long blocks by line."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _split_lines(block, limit):
            joined = f"{current}\n\n{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _split_lines(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    pieces: list[str] = []
    current = ""
    for line in block.splitlines():
        line = line[:limit]
        joined = f"{current}\n{line}" if current else line
        if len(joined) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


def when_text(v: Viewer, at: datetime) -> str:
    return v.tr.gettext("{when} ({zone})").format(when=v.at(at), zone=escape(v.zone_name()))


def checkin_text(v: Viewer, result: CheckinResult) -> str:
    _ = v.tr.gettext
    s = result.session
    n = s.number if s else 0
    match result.outcome:
        case "recorded":
            assert result.record is not None
            if result.record.status == "late":
                return _("⏰ You are checked in for Session {n}, recorded as late.").format(n=n)
            return _("✅ You are checked in for Session {n}. Welcome!").format(n=n)
        case "already":
            assert result.record is not None
            at = result.record.checked_in_at or result.record.updated_at
            return _("You are already checked in for Session {n} (since {time}).").format(
                n=n, time=v.time(at)
            )
        case "marked_absent":
            return _(
                "A facilitator has recorded you as absent for Session {n}. If this is wrong, "
                "ask for a correction from /me."
            ).format(n=n)
        case "early":
            assert result.at is not None
            return _("Check-in is not open yet. Check-in for Session {n} opens on {when}.").format(
                n=n, when=when_text(v, result.at)
            )
        case "closed":
            return _("Check-in for Session {n} is closed: the session has ended.").format(n=n)
        case "over":
            return _("Check-in is closed: all your sessions have ended.")
        case "not_in_audience":
            return _("Session {n} is not part of your group's program.").format(n=n)
        case "unknown_session":
            return _("This button is out of date. Send /checkin to check in.")
        case "no_group":
            return not_in_group(v)
        case "need_code":
            return _(
                "Session {n} needs the check-in code read out in the call. Send the code here "
                "(or /checkin followed by the code)."
            ).format(n=n)
        case "wrong_code":
            return _("That code is not right. Please check it and send it again.")
        case "throttled":
            assert result.at is not None
            return _("Too many wrong codes. Please try again at {time}.").format(
                time=v.time(result.at)
            )
    raise AssertionError(result.outcome)


def status_label(v: Viewer, status: str) -> str:
    _ = v.tr.gettext
    labels = {
        "present": _("present"),
        "late": _("late"),
        "absent": _("absent"),
        "open": _("check-in open now: /checkin"),
        "upcoming": _("upcoming"),
        "before_joined": _("before you joined"),
    }
    return labels[status]


ICONS = {"present": "✅", "late": "⏰", "absent": "❌", "open": "🟢", "upcoming": "▫️",
         "before_joined": "➖"}


def not_in_group(v: Viewer) -> str:
    """For someone the program does not count yet (no group): attendance does not apply."""
    return v.tr.gettext(
        "You are not in a group of the program yet, so there is no attendance to record. "
        "If you should be, please contact the organizers."
    )


def progress_text(v: Viewer, p: Progress) -> str:
    _ = v.tr.gettext
    lines = [
        "<b>" + _("Your attendance") + "</b>",
        v.tr.ngettext("Attendance: {attended} of {total} session ({percent})",
                      "Attendance: {attended} of {total} sessions ({percent})", p.total).format(
            attended=p.attended, total=p.total, percent=v.percent(p.percent / 100)
        ),
        "",
    ]
    for session, c in p.cells:
        lines.append(
            "{icon} {n}. {date} · {title} · {label}".format(
                icon=ICONS[c],
                n=session.number,
                date=v.date(session.start, "medium"),
                title=escape(session.text("title", v.lang)),
                label=status_label(v, c),
            )
        )
    lines.append("")
    lines.append(
        _("Certificate: {threshold} of your sessions, that is {needed} of {total}.").format(
            threshold=v.percent(p.threshold / 100), needed=p.needed, total=p.total
        )
    )
    if p.before:
        lines.append(_("Sessions before you joined are not counted as missed; a facilitator "
                       "can record the ones you attended (Ask for a correction, below)."))
    if p.standing == "reached":
        lines.append("🎓 " + _("You have reached the certificate threshold. Well done!"))
        lines.append(_("/certificate: check the name printed on it, then get it."))
    elif p.standing == "reachable":
        lines.append(
            "👍 "
            + v.tr.ngettext(
                "You are on track: attend {more} of the {remaining} session still to come.",
                "You are on track: attend {more} of the {remaining} sessions still to come.",
                p.remaining).format(more=p.needed - p.attended, remaining=p.remaining)
        )
    elif p.standing == "needs_records":
        lines.append("📝 " + _("To reach it, ask a facilitator to record the sessions before "
                              "you joined that you attended."))
    else:
        lines.append(
            "⚠️ "
            + _("You can no longer reach the threshold. Please talk to the organizers.")
        )
    return "\n".join(lines)


def person_line(person: Participant, icon: str, note: str = "") -> str:
    name = escape(person.name or str(person.user_id))
    if person.username:
        name += f" (@{escape(person.username)})"
    suffix = f" · {note}" if note else ""
    return f"{icon} {name}{suffix} · <code>{person.user_id}</code>"


def roll_counts(v: Viewer, checked: int, late: int, missing: int, total: int) -> str:
    """"✅ 2 checked in (⏰ 1 late) · ❌ 3 not checked in · 5 in all": each count with its own
    plural, as nouns and participles agree with the number in French and Portuguese."""
    tr = v.tr
    return "{checked} ({late}) · {missing} · {total}".format(
        checked=tr.ngettext("✅ {n} checked in", "✅ {n} checked in", checked).format(n=checked),
        late=tr.ngettext("⏰ {n} late", "⏰ {n} late", late).format(n=late),
        missing=tr.ngettext("❌ {n} not checked in", "❌ {n} not checked in", missing
                            ).format(n=missing),
        total=tr.ngettext("{n} in all", "{n} in all", total).format(n=total),
    )


def session_roll(
    v: Viewer,
    schedule: Schedule,
    session: Session,
    roster: list[Participant],
    records: list[Record],
) -> list[str]:
    """/attendance N: checked in, late and not yet, grouped by country, with counts."""
    _ = v.tr.gettext
    by_user = {r.user_id: r for r in records}
    people = [p for p in roster if expected_at(session, p) or p.user_id in by_user]
    known = [c.code for c in schedule.countries]
    groups: dict[str | None, list[Participant]] = {}
    for person in sorted(people, key=lambda p: (p.name.casefold(), p.user_id)):
        code = person.country if person.country in known else None
        groups.setdefault(code, []).append(person)

    def status(person: Participant) -> str | None:
        record = by_user.get(person.user_id)
        return record.status if record else None

    statuses = [status(p) for p in people]
    checked = sum(1 for s in statuses if s in CHECKED_IN)
    head = [
        "<b>" + _("Attendance · {heading}").format(heading=session_heading(v, session)) + "</b>",
        roll_counts(v, checked, statuses.count("late"), len(people) - checked, len(people)),
    ]
    if not people:
        head.append(_("Nobody is expected at this session yet."))
    blocks = ["\n".join(head)]
    for code in [*known, None]:
        members = groups.get(code)
        if not members:
            continue
        country = schedule.country(code)
        title = (
            f"{flag(country.code)} {escape(country_name(country, v.lang))}"
            if country
            else _("Other / no country")
        )
        here = sum(1 for p in members if status(p) in CHECKED_IN)
        lines = [
            "<b>{title}</b> · {counts}".format(
                title=title,
                counts=v.tr.ngettext("{checked} of {total} checked in",
                                     "{checked} of {total} checked in", here).format(
                    checked=here, total=len(members)
                ),
            )
        ]
        for person in members:
            st = status(person)
            if st == "present":
                lines.append(person_line(person, "✅"))
            elif st == "late":
                lines.append(person_line(person, "⏰", _("late")))
            elif st == "absent":
                lines.append(person_line(person, "🚫", _("marked absent")))
            else:
                lines.append(person_line(person, "❌", _("not checked in")))
        blocks.append("\n".join(lines))
    return pack(blocks)


def request_notice(v: Viewer, person: Participant, session: Session, record: Record | None,
                   text: str) -> str:
    """To staff: a participant asks for a correction of their attendance."""
    _ = v.tr.gettext
    current = status_label(v, record.status) if record else _("not checked in")
    return "\n".join([
        "📝 " + _("Correction request from {name} (<code>{id}</code>)").format(
            name=escape(person.name), id=person.user_id),
        "<b>" + session_heading(v, session) + "</b>",
        _("Recorded now: {status}").format(status=current),
        _("“{text}”").format(text=escape(text)),
        _("To correct: <code>/correct {n} {id} present reason</code>").format(
            n=session.number, id=person.user_id),
    ])


def corrected_notice(v: Viewer, number: int, status: str) -> str:
    """To the participant: a facilitator corrected their attendance."""
    return v.tr.gettext(
        "A facilitator has corrected your attendance for Session {n}: {status}."
    ).format(n=number, status=status_label(v, status))
