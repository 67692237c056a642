"""Networking work that reads many people: suggestions, the pre-session nudge (a scheduled job
per configured session) and telling people their breakout room.

Every message leaves through the delivery engine (bot/delivery/); the nudge and the rooms are
claimed (network_nudges, breakout_members) when the limiter lets them go, so a restart never
sends one twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot import jobs
from bot.context import BotContext
from bot.delivery import Delivery, Text, kind, run
from bot.membership import in_audience
from bot.models import Participant
from bot.networking import rules
from bot.networking import texts as nt
from bot.networking.keyboards import answer_keyboard, invitation_keyboard, matches_keyboard
from bot.networking.texts import Entry
from bot.sender import Outcome
from bot.services import Services, get_services
from bot.storage.networking import Profile, Request

log = logging.getLogger(__name__)
NUDGE = kind("network_nudge",
             what="networking: suggestions or an invitation before a networking session",
             settle=lambda repo, now: repo.networking.nudges_in_flight_to_unknown(now))
ROOMS = kind("breakout_rooms", what="networking: each member's breakout room",
             settle=lambda repo, now: repo.networking.members_in_flight_to_unknown(now))
INTRODUCTION = kind("introduction",
                    what="networking: a request to meet, and the introductions once accepted")

JOB_PREFIX = "networking:"


def card_of(person: Participant, profile: Profile) -> rules.Card:
    languages = set(profile.languages) | ({person.language} if person.language else set())
    return rules.Card(person.user_id, person.country, frozenset(profile.offers),
                      frozenset(profile.seeks), frozenset(languages))


class Pool:
    """Everyone who can be suggested now: visible profiles of active people who may network."""

    def __init__(self, svc: Services, entries: dict[int, tuple[Participant, Profile]]) -> None:
        self.svc = svc
        self.entries = entries
        self.cards = [card_of(p, prof) for p, prof in entries.values()]

    @classmethod
    async def load(cls, svc: Services) -> Pool:
        profiles = await svc.repo.networking.profiles(visible_only=True)
        people = await svc.repo.participants.many([p.user_id for p in profiles])
        entries = {}
        for profile in profiles:
            person = people.get(profile.user_id)
            if person is not None and person.active and rules.may_network(
                    await svc.member(person)):
                entries[person.user_id] = (person, profile)
        return cls(svc, entries)

    async def suggestions(self, person: Participant, profile: Profile) -> list[Entry]:
        schedule = self.svc.schedule
        excluded = await self.svc.repo.networking.excluded(person.user_id)
        found = rules.suggest(card_of(person, profile), self.cards, excluded,
                              rules.continents(schedule),
                              [t.key for t in schedule.networking.topics])
        return [Entry(*self.entries[s.card.user_id], s) for s in found]


async def build_jobs(app: Application) -> None:
    """Registered in svc.job_builders: one nudge per configured session, before it starts."""
    svc = get_services(app)
    jobs.cancel(app, JOB_PREFIX)
    now = svc.clock.now()
    config = svc.schedule.networking
    for number in config.sessions:
        session = svc.schedule.session(number)
        if session is None or session.start <= now:
            continue
        due = session.start - timedelta(days=config.nudge_days_before)
        jobs.schedule_at(app, svc.clock, name=f"{JOB_PREFIX}nudge:{number}", due=due,
                         callback=run_nudge, grace=session.start - due,
                         data={"session": number})


async def run_nudge(context: BotContext) -> None:
    assert context.job is not None and isinstance(context.job.data, dict)
    sent = await nudge(context.application, int(context.job.data["session"]))
    log.info("networking nudge for session %s: %d sent", context.job.data["session"], sent)


async def nudge(app: Application, number: int) -> int:
    """People in the session's audience: those with a profile turned on get their
    suggestions, those with none an invitation to make one; someone who turned theirs off
    chose so and gets nothing. Once per person and session."""
    svc = get_services(app)
    session = svc.schedule.session(number)
    now = svc.clock.now()
    if session is None or now >= session.start:
        return 0
    store = svc.repo.networking
    already = await store.nudged(number)
    everyone = [p for p in (await svc.repo.participants.everyone()).values()
                if p.active and p.onboarded and p.user_id not in already]
    profiles = {p.user_id: p for p in await store.profiles(visible_only=False)}
    todo: dict[int, Participant] = {}
    for person in everyone:
        m = await svc.member(person)
        profile = profiles.get(person.user_id)
        if in_audience(session, m) and rules.may_network(m) and (
                profile is None or profile.visible):
            todo[person.user_id] = person
    pool = await Pool.load(svc)
    kinds: dict[int, str] = {}  # what each person is sent: their claim records it

    async def message(user_id: int) -> Text:
        person = todo[user_id]
        view = svc.viewer(person)
        profile = profiles.get(user_id)
        if profile is None:
            kinds[user_id] = "invitation"
            return Text(nt.nudge_invitation(view, session, now), invitation_keyboard(view))
        entries = nt.fitting(view, svc.schedule, await pool.suggestions(person, profile))
        kinds[user_id] = "suggestions"
        return Text(nt.nudge_matches(view, svc.schedule, session, now, entries),
                    matches_keyboard(view, entries))

    class Nudges:
        async def claim(self, user_id: int) -> bool:
            return await store.claim_nudge(number, user_id, kinds[user_id], svc.clock.now())

        async def record(self, user_id: int, outcome: Outcome) -> None:
            await store.nudge_outcome(number, user_id, outcome.status)

    report = await run(app, Delivery(NUDGE, f"networking nudge {number}", list(todo), message,
                                     ledger=Nudges()))
    return report.sent


async def tell_rooms(app: Application, plan_id: int, notify_to: int) -> None:
    """Each member of a confirmed plan gets their room and its members' names (claimed per
    person); then the facilitator who confirmed gets the count."""
    svc = get_services(app)
    store = svc.repo.networking
    plan = await store.plan(plan_id)
    session = svc.schedule.session(plan.session) if plan else None
    if plan is None or session is None:
        return
    people = await svc.repo.participants.many(list(plan.members))
    todo = [u for u in await store.pending_members(plan_id) if u in people]

    async def message(user_id: int) -> Text:
        room = plan.members[user_id]
        others = [people[u] for u, r in sorted(plan.members.items())
                  if r == room and u != user_id and u in people]
        return Text(nt.your_room(svc.viewer(people[user_id]), svc.schedule, session, room,
                                 others))

    class Members:
        async def claim(self, user_id: int) -> bool:
            return await store.claim_member(plan_id, user_id)

        async def record(self, user_id: int, outcome: Outcome) -> None:
            await store.member_outcome(plan_id, user_id, outcome.status)

    async def report(_: object) -> None:  # every member of the plan, across restarts
        counts = await store.member_counts(plan_id)
        sent = counts.get("sent", 0)
        staff = await svc.repo.participants.get(notify_to)
        text = nt.rooms_report(svc.viewer(staff), plan.session, sent,
                               sum(counts.values()) - sent)
        await svc.sender.send(lambda rl: app.bot.send_message(notify_to, text,
                                                               rate_limit_args=rl))

    await run(app, Delivery(ROOMS, f"breakout plan {plan_id}", todo, message,
                            ledger=Members(), report=report))


async def _send(app: Application, person: Participant, text: str,
                markup: InlineKeyboardMarkup | None = None) -> None:
    """One message to a person, through the engine (a block marks them inactive)."""
    async def message(_: int) -> Text:
        return Text(text, markup)

    await run(app, Delivery(INTRODUCTION, "networking message", [person.user_id], message))


async def deliver_request(app: Application, request_id: int) -> None:
    """Ask the person asked (in their language): the asker's card and note, no name."""
    svc = get_services(app)
    store = svc.repo.networking
    request = await store.request(request_id)
    if request is None or request.status != "open":
        return
    asker = await svc.repo.participants.get(request.from_user)
    profile = await store.profile(request.from_user)
    target = await svc.repo.participants.get(request.to_user)
    if asker is None or profile is None or target is None:
        return
    view = svc.viewer(target)
    await _send(app, target, nt.incoming_request(view, svc.schedule, asker, profile,
                                                 request.note),
                answer_keyboard(view, request.id))


async def introduction_for(svc: Services, request: Request, to: int) -> str | None:
    """The introduction `to` (one of the two) gets: the other's name, contact, card and
    the asker's note (to the person asked)."""
    other_id = request.to_user if to == request.from_user else request.from_user
    other = await svc.repo.participants.get(other_id)
    reader = await svc.repo.participants.get(to)
    if other is None or reader is None:
        return None
    profile = await svc.repo.networking.profile(other_id) or Profile(
        0, other_id, False, (), (), (), None, other.updated_at)
    note = request.note if to == request.to_user else None
    return nt.introduction(svc.viewer(reader), svc.schedule, other, profile, note)


async def introduce(app: Application, request: Request, to: int) -> None:
    """Background: the introduction to one of the two (the other is answered directly)."""
    svc = get_services(app)
    person = await svc.repo.participants.get(to)
    text = await introduction_for(svc, request, to)
    if person is not None and text is not None:
        await _send(app, person, text)
