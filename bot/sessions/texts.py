"""/next, /schedule and /session texts for one viewer (no Telegram here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from bot.feedback.texts import stars
from bot.materials.texts import materials_block
from bot.schedule import Schedule, Session
from bot.storage.materials import Material
from bot.viewer import Viewer, session_heading, when_line, world_times


def join_lines(v: Viewer, schedule: Schedule, session: Session, *, link: bool = True
               ) -> list[str]:
    """The join link (unless a button carries it) and its passcode or dial-in text."""
    url = schedule.join_link(session)
    if not url:
        return []
    lines = [v.tr.gettext("🔗 Join: {link}").format(link=escape(url))] if link else []
    info = schedule.join_info(session, v.lang)
    if info:
        lines.append("🔑 " + escape(info))
    return lines


def no_link_line(v: Viewer, schedule: Schedule) -> str:
    """Instead of a join link that is not set yet: how to get it (the program's contact)."""
    contact = schedule.program.contact.get(v.lang) or schedule.program.contact.get("en")
    line = "🔗 " + v.tr.gettext("The join link has not been shared yet.")
    return f"{line} {escape(contact)}" if contact else line


def next_text(v: Viewer, schedule: Schedule, session: Session | None, now: datetime, *,
              join: bool = False) -> str:
    """join: the viewer is in the session's audience, so the join link is theirs to see."""
    _ = v.tr.gettext
    if session is None:
        return _(
            "The program is over: all sessions have taken place. Thank you for taking part!"
        )
    head = _("Happening now") if session.start <= now else _("Next session")
    lines = [
        f"<b>{head}</b>",
        f"<b>{session_heading(v, session)}</b>",
        f"📅 {v.date(session.start)}",
        f"🕑 {when_line(v, session)}",
        f"⏳ {v.until(session.start, now)}",
        f"🌍 {world_times(v, schedule, session.start)}",
    ]
    if join:
        lines += join_lines(v, schedule, session)
    lines.append(_("Details: /session {number}").format(number=session.number))
    return "\n".join(lines)


def schedule_text(
    v: Viewer, schedule: Schedule, sessions: list[Session], now: datetime
) -> str:
    _ = v.tr.gettext
    upcoming = next((s for s in sessions if s.end > now), None)
    lines = [
        f"<b>{escape(schedule.program.name.get(v.lang) or schedule.program.name['en'])}</b>",
        _("Times in {zone}.").format(zone=escape(v.zone_name())),
    ]
    part = None
    for s in sessions:
        if s.part != part:
            part = s.part
            lines.append("")
            lines.append("<b>" + _("Part {part}").format(part=part) + "</b>")
        line = "{number}. {date} · {time} · {title}".format(
            number=s.number,
            date=v.date(s.start, "medium"),
            time=v.time(s.start),
            title=escape(s.text("title", v.lang)),
        )
        if s.end <= now:
            lines.append("✓ <s>" + line + "</s> " + _("(past)"))
        elif s is upcoming:
            marker = _("now") if s.start <= now else _("next")
            lines.append(f"▶️ <b>{line}</b> ← {marker}")
        else:
            lines.append("• " + line)
    example = upcoming or (sessions[-1] if sessions else None)
    if example is not None:  # a session of this list: never one the viewer cannot attend
        lines.append("")
        lines.append(_("Details of one session, for example: /session {number}").format(
            number=example.number))
    return "\n".join(lines)


def session_text(v: Viewer, schedule: Schedule, session: Session, now: datetime, *,
                 join: bool = False, materials: Sequence[Material] = (),
                 rating: int | None = None) -> str:
    """join: show the join link (the viewer is in its audience); materials: those the viewer
    may get; rating: their feedback answer."""
    _ = v.tr.gettext
    audience = (
        _("Core group only") if session.audience == "core" else _("Open to all participants")
    )
    lines = [
        f"<b>{session_heading(v, session)}</b>",
        _("Part {part} · {audience}").format(part=session.part, audience=audience),
        "",
        f"📅 {v.date(session.start)}",
        f"🕑 {when_line(v, session)}",
        f"🌍 {world_times(v, schedule, session.start)}",
    ]
    if session.end <= now:
        lines.append("✓ " + _("This session has taken place."))
    else:
        lines.append(f"⏳ {v.until(session.start, now)}")
    goals = session.goal_list(v.lang)
    if goals:
        lines += ["", "<b>" + _("Goals") + "</b>"]
        lines += [f"• {escape(g)}" for g in goals]
    description = session.text("description", v.lang)
    if description:
        lines += ["", escape(description)]
    if join and session.end > now and schedule.join_link(session):
        lines += ["", *join_lines(v, schedule, session)]
    if materials:
        lines += ["", *materials_block(v, materials)]
    if rating is not None:
        lines += ["", "⭐ " + _("Your rating: {stars} ({rating} of 5)").format(
            stars=stars(rating), rating=rating)]
    return "\n".join(lines)


def link_changed_text(v: Viewer, schedule: Schedule, session: Session, now: datetime) -> str:
    """A new join link shortly before a session (the Join button carries it)."""
    return "\n".join([
        "<b>🔗 " + v.tr.gettext("New join link") + "</b>",
        f"<b>{session_heading(v, session)}</b>",
        f"📅 {v.date(session.start)}",
        f"🕑 {when_line(v, session)} · {v.until(session.start, now)}",
        *join_lines(v, schedule, session),
    ])
