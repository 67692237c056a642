"""Broadcast texts for facilitators and participants (Telegram HTML, text escaped)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from html import escape

from bot.models import Participant
from bot.schedule import Schedule
from bot.storage.broadcast_records import AttendanceKind, Audience, Broadcast, Report, Undelivered
from bot.viewer import Viewer, country_name

MAX_NAMES = 30  # per status in the details view, to stay far below 4096 characters
MAX_REASONS = 5


def number(v: Viewer, n: int) -> str:
    return v.number(n)


def people(v: Viewer, n: int) -> str:
    return v.tr.ngettext("{n} person", "{n} people", n).format(n=number(v, n))


def zone_label(v: Viewer) -> str:
    return escape(v.zone_name())


def when_text(v: Viewer, when: datetime) -> str:
    return v.tr.gettext("{when} ({zone})").format(when=v.at(when), zone=zone_label(v))


def audience_text(v: Viewer, schedule: Schedule, audience: Audience) -> str:
    _ = v.tr.gettext
    if audience.everyone:
        return _("everyone")
    if audience.reach is not None and not audience.reach:
        return _("nobody (no country left within the author's rights)")
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
        parts.append(", ".join(v.language_name(code) for code in sorted(audience.languages)))
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


# --- composing: audience, content, preview, time --------------------------------------
def audience_screen(v: Viewer, schedule: Schedule, draft_id: int, a: Audience,
                    active: int, inactive: int) -> str:  # fmt: skip
    _ = v.tr.gettext
    return "\n".join([
        "📣 <b>" + _("New broadcast #{id}").format(id=draft_id) + "</b>",
        _("Who should receive it? Tap to combine: groups, countries and languages add up "
          "(for example core group + Ghana + Côte d'Ivoire)."),
        "",
        "👥 " + audience_text(v, schedule, a),
        matching_text(v, active, inactive),
    ])  # fmt: skip


def session_question(v: Viewer, kind: AttendanceKind) -> str:
    _ = v.tr.gettext
    if kind == "absent":
        return _("People who did not check in to which session?")
    return _("People who checked in to which session?")


def content_prompt(v: Viewer, schedule: Schedule, a: Audience, active: int) -> str:
    """The audience is chosen (`a` is the effective one): now the message itself."""
    _ = v.tr.gettext
    return (
        "👥 " + audience_text(v, schedule, a) + " · " + people(v, active) + "\n\n"
        + _("Now send me the message to broadcast: text (with formatting), a photo, a "
            "document, a video or a voice note, with a caption if you like. It is copied "
            "exactly as you send it.")
    )  # fmt: skip


def preview_header(v: Viewer, language: str | None, active: int) -> str:
    """Above the copy of what was sent: the main version (to `active` people) or one language."""
    _ = v.tr.gettext
    if language is not None:
        return _("👀 Preview of the {language} version:").format(
            language=v.language_name(language))
    return _("👀 Preview: exactly what {people} will receive:").format(people=people(v, active))


def not_copyable(v: Viewer, error: str) -> str:
    return v.tr.gettext(
        "I cannot broadcast this kind of message ({error}). Please send text, a photo, a "
        "document, a video or a voice note."
    ).format(error=escape(error))


def actions_text(v: Viewer, schedule: Schedule, draft: Broadcast, active: int,
                 languages: list[str], scope: frozenset[str] | None = None) -> str:
    """Under the preview; `languages`: those of the versions besides the main one."""
    _ = v.tr.gettext
    names = [_("main")] + [v.language_name(code) for code in languages]
    return "\n".join([
        "📣 <b>" + _("Broadcast #{id}").format(id=draft.id) + "</b>",
        "👥 " + audience_text(v, schedule, draft.audience.effective(schedule, scope))
        + " · " + people(v, active),
        "🌐 " + _("Versions: {names}").format(names=", ".join(names)),
        "",
        _("Send it now, schedule it for later, or add a version in another language (each "
          "person gets the version in their language, otherwise the main one)."),
    ])  # fmt: skip


def version_prompt(v: Viewer, language: str) -> str:
    return v.tr.gettext(
        "Send me the version in {language}. People whose language is {language} get it "
        "instead of the main one."
    ).format(language=v.language_name(language))


def when_examples(v: Viewer, now: datetime) -> str:
    """Tomorrow 09:00 in the person's zone, in both accepted forms."""
    day = (now.astimezone(v.tz) + timedelta(days=1)).date()
    return v.tr.gettext("{first} or {second}").format(
        first=f"{day:%Y-%m-%d} 09:00", second=f"{day:%d/%m/%Y} 09:00"
    )


def when_prompt(v: Viewer, now: datetime) -> str:
    return v.tr.gettext(
        "When should it go out? Type the date and time in your time zone ({zone}), for "
        "example {examples}."
    ).format(zone=zone_label(v), examples=when_examples(v, now))


def when_refusal(v: Viewer, reason: str, now: datetime) -> str:
    """Why a typed time was refused (a WhenError's reason)."""
    _ = v.tr.gettext
    texts = {
        "format": _("I could not read that time. Please type it like {examples}."),
        "past": _("That time has already passed. Please give a later time, like {examples}."),
        "gap": _("That time does not exist in {zone} (the clocks change then). Please give "
                 "another time."),
    }  # fmt: skip
    return texts[reason].format(examples=when_examples(v, now), zone=zone_label(v))


def scheduled_text(v: Viewer, broadcast_id: int, when: datetime) -> str:
    return "🕒 " + v.tr.gettext(
        "Broadcast #{id} is scheduled for {when}. It goes to the people who match the audience "
        "at that time. /broadcasts lists it and can cancel it."
    ).format(id=broadcast_id, when=when_text(v, when))


# --- delivery and /broadcasts ------------------------------------------------------------
def progress_text(v: Viewer, broadcast_id: int, report: Report, *,
                  waiting: bool = False) -> str:
    _ = v.tr.gettext
    lines = [
        "📣 <b>" + _("Broadcast #{id}").format(id=broadcast_id) + "</b>",
        _("Sending… {done} / {total}").format(
            done=number(v, report.done), total=number(v, report.total)
        ),
    ]
    if waiting:
        lines.append("⏳ " + _("Waiting: the bot cannot save to its database right now. "
                              "Sending resumes by itself as soon as it can; nobody gets the "
                              "message twice."))
    return "\n".join(lines)


def report_lines(v: Viewer, report: Report) -> list[str]:
    _ = v.tr.gettext
    lines = ["✅ " + _("Delivered: {count}").format(count=number(v, report["sent"]))]
    if report["blocked"]:
        lines.append("⛔ " + _("Blocked the bot (now marked inactive): {count}").format(
            count=number(v, report["blocked"])))
    if report["failed"]:
        lines.append("❌ " + _("Failed: {count}").format(count=number(v, report["failed"])))
        for reason, count in report.reasons.most_common(MAX_REASONS):
            lines.append("   • " + v.labelled(escape(reason), number(v, count)))
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
    if broadcast.status == "held":
        return _("held, not sent: its author no longer has the right to all its countries")
    when = broadcast.started_at or broadcast.created_at
    return _("sent {when}").format(when=when_text(v, when))


def list_text(
    v: Viewer, schedule: Schedule, items: list[tuple[Broadcast, Report]],
    scopes: Mapping[int, frozenset[str] | None] | None = None,
) -> str:
    """`scopes`: each author's countries (bot.membership), so the audience shows in full
    ("core group · Ghana" for a facilitator limited to Ghana)."""
    _ = v.tr.gettext
    if not items:
        return _("No broadcasts yet. Start one with /broadcast.")
    lines = ["<b>" + _("Broadcasts") + "</b>"]
    for broadcast, report in items:
        lines.append("")
        lines.append("<b>" + _("#{id}").format(id=broadcast.id)
                     + f"</b> · {status_label(v, broadcast)}")
        lines.append(
            "👥 " + audience_text(v, schedule, broadcast.audience.effective(
                schedule, (scopes or {}).get(broadcast.author_id)))
        )
        if broadcast.started_at is not None:
            lines.extend(report_lines(v, report))
    return "\n".join(lines)


def details_text(
    v: Viewer, schedule: Schedule, broadcast: Broadcast, report: Report,
    undelivered: list[Undelivered], scope: frozenset[str] | None = None,
) -> str:
    _ = v.tr.gettext
    lines = [
        "📣 <b>" + _("Broadcast #{id}").format(id=broadcast.id) + "</b> · "
        + status_label(v, broadcast),
        "👥 " + audience_text(v, schedule, broadcast.audience.effective(schedule, scope)),
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
    return "\n".join(
        [
            "💬 " + _("Reply to broadcast #{id} from <b>{name}</b> ({facts}):").format(
                id=broadcast_id, name=name, facts=sender_facts(v, schedule, person, user_id)
            ),
            "<i>" + _("Reply to their message to answer them through the bot.") + "</i>",
        ]
    )


def sender_facts(v: Viewer, schedule: Schedule, person: Participant | None, user_id: int) -> str:
    """Who wrote a relayed message, for staff: username, id, country, group, language."""
    _ = v.tr.gettext
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
        facts.append(v.language_name(person.language))
    return ", ".join(facts)


def held_text(v: Viewer, schedule: Schedule, broadcast: Broadcast, author: Participant | None,
              *, mine: bool) -> str:
    """A scheduled broadcast was held when due: its author lost rights to its countries."""
    _ = v.tr.gettext
    audience = "👥 " + audience_text(v, schedule, broadcast.audience.effective(schedule))
    if mine:
        return "\n".join([_(
            "⏸ Broadcast #{id} was held and not sent: you no longer have the right to all the "
            "countries it was scheduled for. Nobody received it. Start a new one with "
            "/broadcast if it is still useful.").format(id=broadcast.id), audience])
    name = escape(author.name) if author is not None else _("id {id}").format(
        id=broadcast.author_id)
    return "\n".join([_(
        "⏸ Broadcast #{id} by {name} was held and not sent: its author no longer has the "
        "right to all the countries it was scheduled for. Nobody received it.").format(
            id=broadcast.id, name=name), audience])
