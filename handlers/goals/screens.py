"""Goal screens (load the data, render text + keyboard) and the per-goal rights checks.

Texts come from bot/goals/texts.py, buttons and their callback data from
bot/goals/keyboards.py; this module only puts them together for one person.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from html import escape
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Update

from bot.callbacks import CallbackData
from bot.context import Who
from bot.goals import keyboards as kb
from bot.goals import texts as gv
from bot.goals.rules import (
    Goal,
    can_edit_goals,
    can_rate,
    can_read_goals,
    reads_all,
    review_is_open,
    turnout,
)
from bot.membership import may_act_on
from bot.storage.audit import AuditEntry
from bot.viewer import country_name, scope_refusal
from handlers.common import alert

Screen = tuple[str, InlineKeyboardMarkup]
Data = TypeVar("Data", bound=CallbackData)


def may_read(w: Who, country: str) -> bool:
    return can_read_goals(w.member, country)


def may_edit(w: Who, country: str) -> bool:
    return can_edit_goals(w.member, country)


def privileged(w: Who) -> bool:
    return w.role in ("facilitator", "organizer")


def edit_refusal(w: Who, country: str) -> str:
    """Staff beyond their countries get the one scope refusal; others, who may change which
    goals."""
    _ = w.view.tr.gettext
    if w.member.staff:
        return scope_refusal(w.view, w.svc.schedule, w.member.scope, "goals")
    c = w.svc.schedule.country(country)
    return _("Sorry, only the core group of {country} and the facilitators can change these "
             "goals.").format(country=country_name(c, w.view.lang) if c else country)


def read_refusal(w: Who) -> str:
    return w.view.tr.gettext("Sorry, you can only see your own country's goals.")


async def stale(update: Update, w: Who) -> None:
    """Goal button data that matches no goal action (old or forged)."""
    await alert(update, w.view.tr.gettext("This button no longer works. Open /goals again."))


async def load_goal(update: Update, w: Who, goal_id: int, *, edit: bool) -> Goal | None:
    """The goal of a pressed button, if it exists and this person may read (or edit) it;
    else a refusal pop-up and None."""
    goal = await w.svc.repo.goals.get_goal(goal_id)
    if goal is None:
        await alert(update, w.view.tr.gettext("This goal no longer exists."))
        return None
    if edit and not may_edit(w, goal.country):
        await alert(update, edit_refusal(w, goal.country))
        return None
    if not may_read(w, goal.country):
        await alert(update, read_refusal(w))
        return None
    return goal


@asynccontextmanager
async def audited(w: Who, action: str, goal_id: int | None = None,
                  detail: str | None = None) -> AsyncIterator[AuditEntry]:
    """A change to goals, in one transaction with its audit entry when it was made with
    facilitator/organizer rights (entry.target = goal_ref(id) once a new goal has one)."""
    async with w.svc.repo.audited(w.user_id, action, w.svc.clock.now(),
                                  target=goal_ref(goal_id), detail=detail) as entry:
        if not privileged(w):
            entry.skip()
        yield entry


def goal_ref(goal_id: int | None) -> str | None:
    return None if goal_id is None else f"goal:{goal_id}"


def _nav(w: Who) -> kb.Nav:
    if privileged(w):
        return "all"
    if reads_all(w.member):
        return "other"
    return None


async def list_screen(w: Who, country: str) -> Screen:
    _ = w.view.tr.gettext
    store = w.svc.repo.goals
    goals = await store.goals(country)
    steps = await store.steps([g.id for g in goals])
    editable = may_edit(w, country)
    note = None
    if not editable:
        own = w.person.country == country
        note = (_("You can read your country's goals. Only core group members can change them.")
                if own else _("Read only: only this country's core group can change its goals."))
    opened = await store.review_opened_at()
    review_open = bool(goals) and review_is_open(w.svc.schedule, w.svc.clock.now(), opened)
    if review_open:  # /goals says who sees the closing review's answers
        note = " ".join(n for n in (note, gv.privacy_note(w.view)) if n)
    text = gv.goal_list_text(w.view, w.svc.schedule, country, goals, steps, note)
    review_open = review_open and editable
    return text, kb.list_keyboard(w.view, country, goals, editable=editable,
                                  review_open=review_open, nav=_nav(w))


async def goal_screen(w: Who, goal: Goal) -> Screen:
    store = w.svc.repo.goals
    steps = (await store.steps([goal.id])).get(goal.id, [])
    notes = list(reversed(await store.history(goal.id, action="note", newest_first=True,
                                              limit=3)))
    text = gv.goal_text(w.view, w.svc.schedule, goal, steps, notes)
    return text, kb.goal_keyboard(w.view, goal, steps, editable=may_edit(w, goal.country))


def status_screen(w: Who, goal: Goal) -> Screen:
    text = w.view.tr.gettext("New status for: {title}").format(
        title=f"<b>{escape(goal.title)}</b>")
    return text, kb.status_keyboard(w.view, goal)


async def history_screen(w: Who, goal: Goal) -> Screen:
    entries = await w.svc.repo.goals.history(goal.id, newest_first=True, limit=60)
    return gv.history_text(w.view, goal, entries), kb.back_to_goal_keyboard(w.view, goal)


def country_picker(w: Who) -> Screen:
    return (w.view.tr.gettext("Which country's goals?"),
            kb.country_keyboard(w.view, w.svc.schedule))


async def summary_screen(w: Who) -> Screen:
    store = w.svc.repo.goals
    goals = await store.goals()
    steps = await store.steps([g.id for g in goals])
    text = gv.summary_text(w.view, w.svc.schedule, goals, steps)
    return text, kb.summary_keyboard(w.view, w.svc.schedule)


async def review_members(w: Who, country: str) -> set[int]:
    """The group's members, who rate its goals: core_members() is the one source."""
    return {m.user_id for m in await w.svc.repo.goals.core_members(country)}


async def review_screen(w: Who, country: str) -> Screen:
    """A member sees their own answers and how many answered; staff see the answers as they
    come in and may close the review (in their countries)."""
    store = w.svc.repo.goals
    goals = await store.goals(country)
    answers = await store.ratings(country)
    members = await review_members(w, country)
    closure = (await store.closed_reviews()).get(country)
    member = can_rate(w.user_id, members)
    staff = privileged(w)
    text = gv.review_text(w.view, w.svc.schedule, country, goals, answers, w.user_id,
                          turnout(goals, answers, members), closure, member=member,
                          staff=staff)
    can_close = staff and closure is None and may_act_on(w.member, country)
    return text, kb.review_keyboard(w.view, w.svc.schedule, country, goals,
                                    can_rate=member and closure is None, can_close=can_close)
