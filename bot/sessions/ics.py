"""A session as a calendar event, in the viewer's language (bot/calendar.py writes the file)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.calendar import Event, uid
from bot.schedule import Schedule, Session
from bot.viewer import Viewer


def session_event(v: Viewer, schedule: Schedule, session: Session, sequence: int, *,
                  with_link: bool) -> Event:
    """Title and description in the viewer's language; the join link only for its audience."""
    _ = v.tr.gettext
    link = schedule.join_link(session) if with_link else None
    parts = []
    description = session.text("description", v.lang)
    if description:
        parts.append(description)
    goals = session.goal_list(v.lang)
    if goals:
        parts.append(_("Goals") + "\n" + "\n".join(f"• {g}" for g in goals))
    if link:
        join = [_("🔗 Join: {link}").format(link=link)]
        info = schedule.join_info(session, v.lang)
        if info:
            join.append(info)
        parts.append("\n".join(join))
    elif with_link:  # the audience's calendar: say how the link will come, promise no URL
        contact = schedule.program.contact.get(v.lang) or schedule.program.contact.get("en")
        parts.append(_("The join link has not been shared yet.") + (
            f" {contact}" if contact else ""))
    parts.append(program_name(v, schedule))
    return Event(
        uid=uid("session", session.number, schedule.slug),
        start=session.start,
        end=session.end,
        title=_("Session {number}: {title}").format(
            number=session.number, title=session.text("title", v.lang)),
        description="\n\n".join(parts),
        url=link,
        sequence=sequence,
    )


def program_name(v: Viewer, schedule: Schedule) -> str:
    return schedule.program.name.get(v.lang) or schedule.program.name["en"]


def session_events(v: Viewer, schedule: Schedule, sessions: Iterable[Session],
                   sequences: dict[int, int], with_link: Callable[[Session], bool]
                   ) -> list[Event]:
    return [session_event(v, schedule, s, sequences.get(s.number, 0), with_link=with_link(s))
            for s in sessions]


def file_name(schedule: Schedule, session: Session | None = None) -> str:
    return f"session-{session.number}.ics" if session else f"{schedule.slug}.ics"
