"""Deliveries keyed in the `deliveries` table (kind, session, start, offset, chat): reminders,
moved-session and link notices, materials, feedback questions, coaching messages, welcomes.

Every recipient gets a row before anything is sent (so a restart neither repeats nor loses a
message); the engine claims it when the limiter releases its send. While storage is
unavailable the rows are retried as long as in_time() (the caller's rule for this message);
what could not be written by then is dropped and logged, like a message missed while the bot
was down.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot.delivery.engine import Delivery, Document, Message, Report, Text, run
from bot.delivery.kinds import KINDS, Kind, kind
from bot.faults import NotRecorded, persist
from bot.membership import session_for_group
from bot.models import Participant
from bot.schedule import Session
from bot.sender import Outcome
from bot.services import FALLBACK_ZONE, Services, get_services
from bot.storage import Repository
from bot.storage.reminders import DeliveryKey
from bot.viewer import Viewer

log = logging.getLogger(__name__)



def _settle(repo: Repository, now: datetime) -> Awaitable[int]:
    return repo.reminders.settle_interrupted(now)


# The kinds of keyed delivery; DeliveryKey.kind is one of these names.
for _name, _what in [
    ("reminder", "session reminders (24 h, 1 h, starting now)"),
    ("moved", "a session moved: the notice with the updated calendar event"),
    ("link", "a session's join link changed within 24 hours"),
    ("materials", "materials and recording after a session"),
    ("feedback", "the feedback question after a session"),
    ("welcome", "welcome to the wider group at its first session"),
    ("coaching_poll", "coaching: the poll of candidate times"),
    ("coaching_nudge", "coaching: a reminder to answer the poll"),
    ("coaching_booked", "coaching: the hour booked or moved"),
    ("coaching_cancelled", "coaching: the hour cancelled"),
    ("coaching", "coaching: reminders before the hour"),
    ("digest", "early warnings: the staff digest after a session"),
    ("missed", "early warnings: a kind word to a core member who missed a session"),
]:
    kind(_name, what=_what, settle=_settle)


@dataclass(frozen=True)
class Target:
    chat_id: int
    language: str
    zone: str
    private: bool


def person_targets(svc: Services, people: list[Participant]) -> dict[int, Target]:
    """People as recipients, in their language and zone."""
    default = svc.settings.default_language
    return {p.user_id: Target(p.user_id, p.language or default, p.zone or FALLBACK_ZONE, True)
            for p in people}


async def session_targets(svc: Services, session: Session, offset: int | None
                          ) -> dict[int, Target]:
    """A session's recipients computed now: people in its audience (opt-outs of this reminder
    offset unless offset is None), staff, and the group chats linked to its groups."""
    store = svc.repo.reminders
    default = svc.settings.default_language
    people = await (store.audience() if offset is None else store.candidates(offset))
    organizers = set(svc.settings.organizer_ids)
    out = {
        p.chat_id: Target(p.chat_id, p.language or default, p.zone or FALLBACK_ZONE, True)
        for p in people
        if p.role != "participant" or p.chat_id in organizers
        or session_for_group(session, p.group)
    }
    for group in await store.groups():
        country = svc.schedule.country(group.country)
        if country and session_for_group(session, group.group):
            out[group.chat_id] = Target(group.chat_id, country.language, country.zone, False)
    return out


Render = Callable[[Viewer, Target], tuple[str, InlineKeyboardMarkup | None]]
# A file to send instead of a plain message, the rendered text as its caption (<= 1024).
Attach = Callable[[Viewer, Target], tuple[str, bytes]]


class _Rows:
    """The Ledger of one key: its rows in `deliveries`."""

    def __init__(self, svc: Services, key: DeliveryKey) -> None:
        self.svc, self.key = svc, key

    async def claim(self, chat_id: int) -> bool:
        return await self.svc.repo.reminders.claim(self.key, chat_id, self.svc.clock.now())

    async def record(self, chat_id: int, outcome: Outcome) -> None:
        await self.svc.repo.reminders.finish(self.key, chat_id, outcome.status,
                                             self.svc.clock.now(), outcome.message_id,
                                             outcome.error)


async def deliver(app: Application, key: DeliveryKey, recipients: dict[int, Target],
                  render: Render, attach: Attach | None = None,
                  in_time: Callable[[], bool] | None = None) -> Report:
    """Send to every recipient once; while storage fails, keep trying while in_time()
    (default: as long as the bot runs)."""
    svc = get_services(app)
    store = svc.repo.reminders
    the_kind: Kind = KINDS[key.kind]

    def going() -> bool:
        return svc.sender.alive() and (in_time is None or in_time())

    try:
        await persist(lambda: store.add_pending(key, recipients, svc.clock.now()),
                      keep_trying=going, what=f"the recipients of {key}")
    except NotRecorded:
        log.error("dropped %s for %d recipients: storage unavailable past its grace period",
                  key, len(recipients))
        return Report(left=len(recipients))

    async def message(chat_id: int) -> Message | None:
        target = recipients.get(chat_id)
        if target is None:  # queued before a restart, no longer a recipient (opted out...)
            return None
        view = svc.viewer_for(target.language, target.zone)
        text, markup = render(view, target)
        if attach is None:
            return Text(text, markup)
        name, data = attach(view, target)
        return Document(name, data, text, markup)

    async def moved(old: int, new: int) -> None:
        """A group became a supergroup: its link follows it, and the message is queued
        there (the old chat's outcome is written already, so these wait out a fault)."""
        target = recipients.get(old)
        if target is None or target.private:
            return
        await persist(lambda: store.move_group(old, new), keep_trying=going,
                      what=f"the link of group {old}")
        recipients[new] = replace(target, chat_id=new)
        await persist(lambda: store.add_pending(key, [new], svc.clock.now()),
                      keep_trying=going, what=f"{key} to supergroup {new}")

    return await run(app, Delivery(
        kind=the_kind, name=f"{key.kind}:{key.session_number}:{key.offset_minutes}",
        recipients=await store.pending(key), render=message, ledger=_Rows(svc, key),
        keep_trying=in_time, on_migrated=moved,
    ))
