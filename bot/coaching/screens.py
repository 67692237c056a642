"""Coaching screens: load what a screen shows, render it for one viewer, add its buttons.

Shared by the handlers (replies) and the jobs (the live tally, notices), so both show the
same thing.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.coaching import keyboards as kb
from bot.coaching import rules
from bot.coaching import staff_texts as st
from bot.coaching import texts as ct
from bot.membership import Member, may_act_on
from bot.models import Participant
from bot.services import Services
from bot.storage.coaching import Coaching
from bot.viewer import Viewer

Screen = tuple[str, InlineKeyboardMarkup | None]


async def members(svc: Services, country: str) -> list[Participant]:
    """The people of a core group's coaching: its active core members."""
    return await svc.repo.goals.core_members(country)


async def group(svc: Services, country: str) -> rules.GroupCoaching:
    coachings = await svc.repo.coaching.all(country)
    return rules.group_coaching(svc.schedule, country, coachings, svc.clock.now())


async def tally(svc: Services, c: Coaching) -> rules.Tally:
    store = svc.repo.coaching
    return rules.tally(await store.slots(c.id, c.round), await store.answers(c.id, c.round),
                       await members(svc, c.country))


async def overview(svc: Services, view: Viewer, m: Member) -> Screen:
    """Every core group in the staff member's scope, with state and hours used."""
    groups = [await group(svc, c.code) for c in svc.schedule.countries if may_act_on(m, c.code)]
    tallies = {g.country: await tally(svc, g.current) for g in groups
               if g.current is not None and g.state == "polling"}
    return (st.overview(view, svc.schedule, groups, tallies),
            kb.overview_keyboard(view, svc.schedule, groups))


async def staff_screen(svc: Services, view: Viewer, g: rules.GroupCoaching) -> Screen:
    """A group's coaching under way (the tally, or the booking); None markup: nothing is."""
    c = g.current
    if c is not None and g.state == "polling":
        t = await tally(svc, c)
        return (st.polling_screen(view, svc.schedule, g, t),
                kb.polling_keyboard(view, c, [row.slot for row in t.slots]))
    if c is not None:
        people = await members(svc, c.country)
        checkins = await svc.repo.coaching.checkins(c.id)
        return (st.booked_screen(view, svc.schedule, g, people, checkins, svc.clock.now()),
                kb.booked_staff_keyboard(view, c))
    return st.idle_screen(view, svc.schedule, g, rules.may_open(g)), None


async def poll_screen(svc: Services, view: Viewer, c: Coaching, user_id: int,
                      *, reminder: bool = False) -> Screen:
    """The poll as one member sees it, with their answers marked."""
    store = svc.repo.coaching
    slots = await store.slots(c.id, c.round)
    mine = rules.my_answers(slots, await store.answers(c.id, c.round), user_id)
    return (ct.poll_text(view, svc.schedule, c, slots, mine, reminder=reminder),
            kb.poll_keyboard(view, slots, mine))


async def member_screens(svc: Services, view: Viewer, person: Participant) -> list[Screen]:
    """A member's /coaching: the coaching under way (poll or booking), then the ones held."""
    assert person.country is not None
    schedule, now = svc.schedule, svc.clock.now()
    coachings = [c for c in await svc.repo.coaching.all(person.country)
                 if c.status != "cancelled"]
    mine = {r.coaching_id: r for r in await svc.repo.coaching.checkins()
            if r.user_id == person.user_id}
    screens: list[Screen] = []
    under_way = rules.current(coachings, now)
    held = [c for c in coachings if rules.state(c, now) == "done"]
    if under_way is None and not held:
        screens.append((ct.nothing_yet(view, schedule, person.country), None))
    elif under_way is None:
        pass
    elif under_way.status == "polling":
        screens.append(await poll_screen(svc, view, under_way, person.user_id))
    else:
        record = mine.get(under_way.id)
        open_now = rules.checkin_open(under_way, schedule, now) and record is None
        screens.append((ct.member_booked(view, schedule, under_way, record, now),
                        kb.booked_keyboard(view, under_way, person.user_id, open_now)))
    if held:
        screens.append(("\n".join([ct.heading(view, schedule, person.country)] + [
            ct.member_done(view, schedule, c, mine.get(c.id)) for c in held]), None))
    return screens
