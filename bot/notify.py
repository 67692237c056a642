"""Short notices to a few people (staff, one participant), rendered in each one's language.

Handlers never send these inline: notify() hands them to the delivery engine in the background,
as bulk sends (bot/limiter.py), so the update that caused them is answered at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from telegram.ext import Application

from bot.delivery import Delivery, Text, kind, run
from bot.membership import covers
from bot.models import Participant
from bot.services import get_services
from bot.viewer import Viewer

Render = Callable[[Viewer, Participant], str]

_ids = itertools.count(1)
NOTICE = kind("notice", what="short notices to staff or one person")


async def deliver(app: Application, people: Iterable[Participant], render: Render) -> int:
    """Send render(viewer, person) to each person through the engine; returns how many got
    it. Not recorded: a crash loses the notices not sent yet (they are about a change that
    is itself stored, and seen again where the person looks)."""
    svc = get_services(app)
    targets = {p.user_id: p for p in people}

    async def message(user_id: int) -> Text:
        person = targets[user_id]
        return Text(render(svc.viewer(person), person))

    report = await run(app, Delivery(NOTICE, "notice", list(targets), message))
    return report.sent


def notify(app: Application, people: Iterable[Participant], render: Render) -> None:
    """deliver() in the background."""
    get_services(app).spawn(f"notify:{next(_ids)}", deliver(app, list(people), render))


async def all_staff(app: Application) -> list[Participant]:
    """Every facilitator and organizer who has started the bot (organizers: ORGANIZER_IDS)."""
    svc = get_services(app)
    people = {p.user_id: p for p in await svc.repo.participants.staff()}
    organizers = await svc.repo.participants.many(svc.settings.organizer_ids)
    people.update({k: v for k, v in organizers.items() if k not in people})
    return [p for _uid, p in sorted(people.items())]


async def staff(app: Application, country: str | None, exclude: int | None = None
                ) -> list[Participant]:
    """The staff who look after people of `country` (bot.membership.covers: organizers and
    unlimited facilitators look after everyone)."""
    svc = get_services(app)
    return [p for p in await all_staff(app)
            if p.user_id != exclude and covers(await svc.member(p), country)]
