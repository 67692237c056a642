"""Program changes made from the chat, applied the way /reload applies schedule.json: the
schedule in force (file + changes) is built and validated first, then installed with
Services.install (every job rebuilt, all or nothing). The existing job builders do the telling:
"session moved" with the updated .ics (bot/reminders/jobs.py), "new join link" within a day
(bot/sessions/jobs.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telegram.ext import Application

from bot.delivery.keyed import session_targets
from bot.program.rules import Diff, Rejected, apply, diff
from bot.schedule import Schedule
from bot.services import Services, get_services
from bot.sessions.rules import Change, announce_link
from bot.storage.program import ProgramChange

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    diff: Diff
    told: int  # people who get a notice (moved, or a new link within a day)
    rejected: list[Rejected] = field(default_factory=list)  # changes not applied


def base(svc: Services) -> Schedule:
    """schedule.json as read (svc.schedule is it with the changes in force)."""
    return svc.base_schedule or svc.schedule


async def overlay_at_start(app: Application) -> None:
    """At start, before the jobs are built: the schedule in force is the file + the changes."""
    svc = get_services(app)
    if svc.base_schedule is None:
        svc.base_schedule = svc.schedule
    svc.schedule, rejected = apply(svc.base_schedule, await svc.repo.program.changes())
    for r in rejected:
        log.warning("program change %s %s not applied: %s", r.change.kind, r.change.target,
                    r.reason)


async def told(svc: Services, old: Schedule, new: Schedule) -> int:
    """How many people a change from old to new sends a notice to (as the job builders will)."""
    now, chats = svc.clock.now(), set[int]()
    for session in new.sessions:
        was = old.session(session.number)
        if was is None:
            continue
        moved = was.start != session.start
        link = new.join_link(session)
        relinked = old.join_link(was) != link
        if (moved and session.end > now) or announce_link(
                Change(session, link, 0, moved, relinked), now):
            chats |= {t.chat_id for t in (await session_targets(svc, session, None)).values()
                      if t.private}
    return len(chats)


async def install(svc: Services, schedule_file: Schedule) -> Outcome:
    """Make schedule_file + the stored changes the schedule in force (start jobs included);
    on failure the old schedule and jobs stay and the error is raised."""
    old = svc.schedule
    new, rejected = apply(schedule_file, await svc.repo.program.changes())
    count = await told(svc, old, new)
    await svc.install(new)
    svc.base_schedule = schedule_file
    return Outcome(diff(old, new), count, rejected)


async def preview(svc: Services, change: ProgramChange) -> tuple[Outcome | None, str]:
    """What a change would do, without making it: (outcome, "") or (None, why not)."""
    others = [c for c in await svc.repo.program.changes()
              if (c.kind, c.target) != (change.kind, change.target)]
    new, rejected = apply(base(svc), [*others, change])
    mine = [r for r in rejected if r.change is change]
    if mine:
        return None, mine[0].reason
    return Outcome(diff(svc.schedule, new), await told(svc, svc.schedule, new)), ""


def describe(change: ProgramChange) -> str:
    """For the audit log (not shown to people)."""
    if change.kind == "move":
        assert change.start is not None
        return f"start {change.start.isoformat()}"
    return f"link {change.link or 'off'}" + (f" info {change.info}" if change.info else "")


def _action(change: ProgramChange) -> str:
    return "move" if change.kind == "move" else "joinlink"


def _audit_target(change: ProgramChange) -> str:
    return {"program_link": "program", "session_link": f"session {change.target}",
            "coaching_link": f"coaching {change.target}",
            "move": f"session {change.target}"}[change.kind]


async def make(svc: Services, change: ProgramChange, actor_id: int) -> Outcome | str:
    """Store a change (audited in the same transaction) and install the schedule it makes; a
    change the schedule refuses (overlap, bounds, unknown target) is one line, nothing stored.
    If the jobs cannot be built, the change is taken back and the error raised."""
    outcome, reason = await preview(svc, change)
    if outcome is None:
        return reason
    store, now = svc.repo.program, svc.clock.now()
    previous = next((c for c in await store.changes()
                     if (c.kind, c.target) == (change.kind, change.target)), None)
    async with svc.repo.audited(actor_id, _action(change), now, target=_audit_target(change),
                                detail=describe(change)):
        change_id = await store.put(change, actor_id, now)
    try:
        return await install(svc, base(svc))
    except Exception:
        async with svc.repo.audited(actor_id, "program_change_failed", now,
                                    target=_audit_target(change)):
            await store.remove(change_id)
            if previous is not None:
                await store.put(previous, previous.made_by, previous.made_at or now)
        raise


async def undo(svc: Services, change_id: int, actor_id: int) -> Outcome | None:
    """Take a change back (audited with it); None when it is no longer in force."""
    store, now = svc.repo.program, svc.clock.now()
    async with svc.repo.audited(actor_id, "program_undo", now) as entry:
        change = await store.get(change_id)
        if change is None or not await store.remove(change_id):
            entry.skip()
            return None
        entry.target, entry.detail = _audit_target(change), describe(change)
    try:
        return await install(svc, base(svc))
    except Exception:
        async with svc.repo.audited(actor_id, "program_change_failed", now,
                                    target=_audit_target(change)):
            await store.put(change, change.made_by, change.made_at or now)
        raise

