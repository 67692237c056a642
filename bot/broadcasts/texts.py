"""Broadcast texts for facilitators and participants (Telegram HTML, text escaped)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from babel.numbers import format_decimal

from bot.models import Participant
from bot.schedule import Schedule
from bot.storage.broadcasts import Audience, Broadcast, Report, Undelivered
from bot.viewer import LANGUAGE_NAMES, Viewer, country_name

MAX_NAMES = 30  # per status in the details view, to stay far below 4096 characters
MAX_REASONS = 5


def number(v: Viewer, n: int) -> str:
    return format_decimal(n, locale=v.lang)


def people(v: Viewer, n: int) -> str:
    return v.tr.ngettext("{n} person", "{n} people", n).format(n=number(v, n))


def zone_label(v: Viewer) -> str:
    """The zone's name; plain "UTC" for people who never chose one (Babel: "Unknown Region")."""
    return "UTC" if v.zone in ("UTC", "Etc/UTC") else escape(v.zone_name())


def when_text(v: Viewer, when: datetime) -> str:
    return v.tr.gettext("{date}, {time} ({zone})").format(
        date=v.date(when), time=v.time(when), zone=zone_label(v)
    )


def audience_text(v: Viewer, schedule: Schedule, audience: Audience) -> str:
    _ = v.tr.gettext
    if audience.everyone:
        return _("everyone")
    parts = []
    if audience.groups == {"core"}:
        parts.append(_("core group"))
    elif audience.groups == {"wider"}:
        parts.append(_("wider group"))
    elif audience.groups:
        parts.append(_("core and wider group"))
    if audience.countries:
        names = [
            country_name(c, v.lang) for c in schedule.countries if c.code in audience.countries
        ]
        parts.append(escape(", ".join(names)))
    if audience.languages:
        parts.append(", ".join(LANGUAGE_NAMES[code] for code in sorted(audience.languages)))
    if audience.attendance is not None:
        kind, session = audience.attendance
        if kind == "absent":
            parts.append(_("did not check in to session {n}").format(n=session))
        else:
            parts.append(_("checked in to session {n}").format(n=session))
    return " · ".join(parts)


def matching_text(v: Viewer, active: int, inactive: int) -> str:
    _ = v.tr.gettext
    text = _("Active people matching: {count}").format(count=number(v, active))
    if inactive:
        text += "\n" + _("Inactive (will be skipped): {count}").format(count=number(v, inactive))
    return text


def progress_text(v: Viewer, broadcast_id: int, report: Report) -> str:
    _ = v.tr.gettext
    return "\n".join(
        [
            "📣 <b>" + _("Broadcast #{id}").format(id=broadcast_id) + "</b>",
            _("Sending… {done} / {total}").format(
                done=number(v, report.done), total=number(v, report.total)
            ),
        ]
    )


def report_lines(v: Viewer, report: Report) -> list[str]:
    _ = v.tr.gettext
    lines = ["✅ " + _("Delivered: {count}").format(count=number(v, report["sent"]))]
    if report["blocked"]:
        lines.append("⛔ " + _("Blocked the bot (now marked inactive): {count}").format(
            count=number(v, report["blocked"])))
    if report["failed"]:
        lines.append("❌ " + _("Failed: {count}").format(count=number(v, report["failed"])))
        for reason, count in report.reasons.most_common(MAX_REASONS):
            lines.append(f"   • {escape(reason)}: {number(v, count)}")
    if report["unknown"]:
        lines.append("❔ " + _("Outcome unknown (no answer from Telegram; not retried, so "
                              "nobody gets it twice): {count}").format(
            count=number(v, report["unknown"])))
    if report["skipped"]:
        lines.append("💤 " + _("Skipped (inactive): {count}").format(
            count=number(v, report["skipped"])))
    if report["cancelled"]:
        lines.append("✋ " + _("Not sent (cancelled): {count}").format(
            count=number(v, report["cancelled"])))
    waiting = report["pending"] + report["sending"]
    if waiting:
        lines.append("⏳ " + _("Still to send: {count}").format(count=number(v, waiting)))
    return lines


def final_text(v: Viewer, broadcast: Broadcast, report: Report) -> str:
    _ = v.tr.gettext
    if broadcast.status == "cancelled":
        head = _("Broadcast #{id}: cancelled").format(id=broadcast.id)
    else:
        head = _("Broadcast #{id}: finished").format(id=broadcast.id)
    return "\n".join(["📣 <b>" + head + "</b>", *report_lines(v, report)])


def status_label(v: Viewer, broadcast: Broadcast) -> str:
    _ = v.tr.gettext
    if broadcast.status == "scheduled" and broadcast.scheduled_for is not None:
        return _("scheduled for {when}").format(when=when_text(v, broadcast.scheduled_for))
    if broadcast.status == "sending":
        return _("sending now")
    if broadcast.status == "cancelled":
        return _("cancelled")
    if broadcast.status == "missed":
        return _("not sent: the bot was not running at the scheduled time")
    when = broadcast.started_at or broadcast.created_at
    return _("sent {when}").format(when=when_text(v, when))


def list_text(
    v: Viewer, schedule: Schedule, items: list[tuple[Broadcast, Report]]
) -> str:
    _ = v.tr.gettext
    if not items:
        return _("No broadcasts yet. Start one with /broadcast.")
    lines = ["<b>" + _("Broadcasts") + "</b>"]
    for broadcast, report in items:
        lines.append("")
        lines.append(f"<b>#{broadcast.id}</b> · {status_label(v, broadcast)}")
        lines.append(
            "👥 " + audience_text(v, schedule, broadcast.audience.effective(schedule))
        )
        if broadcast.started_at is not None:
            lines.extend(report_lines(v, report))
    return "\n".join(lines)


def details_text(
    v: Viewer, schedule: Schedule, broadcast: Broadcast, report: Report,
    undelivered: list[Undelivered],
) -> str:
    _ = v.tr.gettext
    lines = [
        "📣 <b>" + _("Broadcast #{id}").format(id=broadcast.id) + "</b> · "
        + status_label(v, broadcast),
        "👥 " + audience_text(v, schedule, broadcast.audience.effective(schedule)),
        *report_lines(v, report),
    ]
    titles = {
        "blocked": _("Blocked the bot:"),
        "failed": _("Failed:"),
        "unknown": _("Outcome unknown:"),
    }
    for status, title in titles.items():
        group = [u for u in undelivered if u.status == status]
        if not group:
            continue
        lines += ["", "<b>" + title + "</b>"]
        for person in group[:MAX_NAMES]:
            reason = f" — {escape(person.error)}" if person.error and status == "failed" else ""
            lines.append(f"• {escape(person.name)} ({person.user_id}){reason}")
        if len(group) > MAX_NAMES:
            lines.append(_("…and {count} more").format(count=number(v, len(group) - MAX_NAMES)))
    return "\n".join(lines)


def relay_header(
    v: Viewer, schedule: Schedule, person: Participant | None, user_id: int, broadcast_id: int
) -> str:
    _ = v.tr.gettext
    name = escape(person.name) if person else str(user_id)
    facts = []
    if person is not None and person.username:
        facts.append("@" + escape(person.username))
    facts.append(_("id {id}").format(id=user_id))
    country = schedule.country(person.country) if person and person.country else None
    if country is not None:
        facts.append(escape(country_name(country, v.lang)))
    if person is not None and person.group == "core":
        facts.append(_("core group"))
    elif person is not None and person.group == "wider":
        facts.append(_("wider group"))
    if person is not None and person.language:
        facts.append(LANGUAGE_NAMES.get(person.language, person.language))
    return "\n".join(
        [
            "💬 " + _("Reply to broadcast #{id} from <b>{name}</b> ({facts}):").format(
                id=broadcast_id, name=name, facts=", ".join(facts)
            ),
            "<i>" + _("Reply to their message to answer them through the bot.") + "</i>",
        ]
    )
