"""The schedule in force: schedule.json with the changes made from the chat applied, one by one.

A change is applied only if the schedule stays valid (no overlap, within bounds) and its target
(a session, a country) is still in the file; otherwise it is rejected with one line, and the
rest still apply. diff() says what differs between two schedules, for the organizers' answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import LANGUAGES
from bot.schedule import Schedule, ScheduleError, Session, parse_schedule
from bot.storage.program import ProgramChange


@dataclass(frozen=True)
class Rejected:
    change: ProgramChange
    reason: str  # English, one line (also logged)


def _texts(info: str | None) -> dict[str, str]:
    return {lang: info for lang in LANGUAGES} if info else {}


def _session(data: dict[str, Any], number: str) -> dict[str, Any] | None:
    return next((s for s in data["sessions"] if str(s["number"]) == number), None)


def _apply(data: dict[str, Any], c: ProgramChange) -> str | None:
    """Change data in place; the reason it cannot be applied, else None."""
    if c.kind == "program_link":
        data["meeting"] = {"link": c.link, "info": _texts(c.info)}
        return None
    if c.kind == "coaching_link":
        if c.target not in {country["code"] for country in data["countries"]}:
            return f"country {c.target} is no longer in schedule.json"
        links = data["coaching"].setdefault("meeting_links", {})
        if c.link is None:
            links.pop(c.target, None)
        else:
            links[c.target] = c.link
        return None
    session = _session(data, c.target)
    if session is None:
        return f"session {c.target} is no longer in schedule.json"
    if c.kind == "session_link":
        session["meeting_link"] = c.link
        session["meeting_info"] = _texts(c.info)
    else:
        session["start"] = c.start
    return None


def apply(base: Schedule, changes: list[ProgramChange]) -> tuple[Schedule, list[Rejected]]:
    """base with every change that can be applied; the others, with their reason."""
    schedule, rejected = base, []
    for change in changes:
        data = schedule.model_dump()
        reason = _apply(data, change)
        if reason is None:
            try:
                schedule = parse_schedule(data, "the change")
                continue
            except ScheduleError as exc:
                reason = str(exc).removeprefix("the change: ")
        rejected.append(Rejected(change, reason))
    return schedule, rejected


@dataclass(frozen=True)
class Moved:
    session: Session
    old: datetime


@dataclass(frozen=True)
class LinkChange:
    """A join link set (new), changed or removed (new None): the program's ("" target), a
    session's own (a number), a country's coaching link (a code)."""

    kind: str  # "program" | "session" | "coaching"
    target: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Diff:
    moved: list[Moved]
    links: list[LinkChange]
    added: list[int]
    removed: list[int]

    @property
    def empty(self) -> bool:
        return not (self.moved or self.links or self.added or self.removed)


def diff(old: Schedule, new: Schedule) -> Diff:
    before = {s.number: s for s in old.sessions}
    after = {s.number: s for s in new.sessions}
    moved = [Moved(s, before[n].start) for n, s in after.items()
             if n in before and before[n].start != s.start]
    links = []
    if old.meeting.link != new.meeting.link:
        links.append(LinkChange("program", "", old.meeting.link, new.meeting.link))
    for n, s in after.items():
        if n in before and before[n].meeting_link != s.meeting_link:
            links.append(LinkChange("session", str(n), before[n].meeting_link, s.meeting_link))
    codes = sorted({*old.coaching.meeting_links, *new.coaching.meeting_links})
    for code in codes:
        was, now = old.coaching.meeting_links.get(code), new.coaching.meeting_links.get(code)
        if was != now:
            links.append(LinkChange("coaching", code, was, now))
    return Diff(sorted(moved, key=lambda m: m.session.number), links,
                sorted(set(after) - set(before)), sorted(set(before) - set(after)))

