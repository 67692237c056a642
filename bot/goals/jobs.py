"""Goal nudges and review announcements: scheduled jobs that fan out to core members.

Each message leaves through the delivery engine (bot/delivery/), claimed in goal_nudges
(kind, session, person) right before it is sent, so a restart or a second run never sends it
twice and a crash leaves only the one request in flight without an outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import InlineKeyboardMarkup
from telegram.ext import Application

from bot import jobs
from bot.clock import Clock
from bot.context import BotContext
from bot.delivery import Delivery, Text, kind, run
from bot.goals import rules
from bot.goals import texts as gv
from bot.goals.keyboards import kickoff_keyboard, open_list_keyboard, rate_keyboard
from bot.goals.rules import ReviewBoard, closing_session, nudge_plan
from bot.models import Participant
from bot.schedule import Schedule
from bot.sender import Outcome
from bot.services import get_services
from bot.storage import Repository
from bot.storage.goals import GoalStore
from bot.viewer import Viewer

log = logging.getLogger(__name__)
NUDGE = kind("goal_nudge", what="goals: the kickoff and pre-session nudges, review announcements",
             settle=lambda repo, now: repo.goals.nudges_in_flight_to_unknown(now))

RECENT = timedelta(days=7)  # missed nudges older than this are not worth a log line

Render = Callable[[Viewer, Participant], tuple[str, InlineKeyboardMarkup | None]]


async def build_goal_jobs(app: Application) -> None:
    """Registered in svc.job_builders: rebuilt from schedule.json at every start."""
    svc = get_services(app)
    jobs.cancel(app, "goals:")
    now = svc.clock.now()
    for plan in nudge_plan(svc.schedule):
        if plan.deadline < now:
            if now - plan.deadline < RECENT:  # missed while the bot was down: say so
                log.info("dropped missed goal nudge %s (due %s, grace ended %s)",
                         plan.job_name, plan.due, plan.deadline)
            continue
        jobs.schedule_at(
            app, svc.clock, name=plan.job_name, due=plan.due, callback=run_nudge,
            grace=plan.deadline - plan.due,
            data={"kind": plan.kind, "session": plan.session, "deadline": plan.deadline},
        )


class _Nudges:
    """The Ledger of one nudge: goal_nudges rows (kind, session, person)."""

    def __init__(self, store: GoalStore, clock: Clock, kind: str, session: int) -> None:
        self.store, self.clock, self.kind, self.session = store, clock, kind, session

    async def claim(self, user_id: int) -> bool:
        return await self.store.claim_nudge(self.kind, self.session, user_id, self.clock.now())

    async def record(self, user_id: int, outcome: Outcome) -> None:
        await self.store.nudge_outcome(self.kind, self.session, user_id, outcome.status)


async def send_once(app: Application, kind: str, session: int, people: list[Participant],
                    render: Render, deadline: datetime | None = None) -> int:
    """Send render(person) to each person not yet sent this (kind, session); returns sent.
    While storage is unavailable, claims are retried until `deadline`."""
    svc = get_services(app)
    store = svc.repo.goals
    already = await store.nudged(kind, session)
    todo = {p.user_id: p for p in people if p.user_id not in already}

    async def message(user_id: int) -> Text:
        person = todo[user_id]
        return Text(*render(svc.viewer(person), person))

    def in_time() -> bool:  # claims not written by the deadline: dropped (the engine logs it)
        return deadline is None or svc.clock.now() <= deadline

    report = await run(app, Delivery(
        NUDGE, f"goals {kind}:{session}", list(todo), message,
        ledger=_Nudges(store, svc.clock, kind, session), keep_trying=in_time))
    return report.sent


def _country(person: Participant) -> str:
    """Nudges go to core members of a country in the schedule only."""
    assert person.country is not None
    return person.country


async def run_nudge(context: BotContext) -> None:
    assert context.job is not None and isinstance(context.job.data, dict)
    data = context.job.data
    svc = context.svc
    now = svc.clock.now()
    if now > data["deadline"]:
        log.info("dropped goal nudge %s %s: due %s, now %s is past its grace period",
                 data["kind"], data["session"], data["due"], now)
        return
    kind, number = data["kind"], data["session"]
    codes = {c.code for c in svc.schedule.countries}
    members = [m for m in await svc.repo.goals.core_members() if m.country in codes]
    if kind == "review":
        await invite_to_review(context.application)
        return
    session = svc.schedule.session(number)
    if kind == "kickoff":
        with_goals = {g.country for g in await svc.repo.goals.goals()}
        members = [m for m in members if m.country not in with_goals]

        def render(v: Viewer, person: Participant) -> tuple[str, InlineKeyboardMarkup]:
            _ = v.tr.gettext
            text = _("Your core group has no goals in the bot yet. At the kick-off each group "
                     "drafts its goals and action plan: add them here so the whole group can "
                     "follow them.")
            return text, kickoff_keyboard(v, _country(person))
    else:
        assert session is not None

        def render(v: Viewer, person: Participant) -> tuple[str, InlineKeyboardMarkup]:
            _ = v.tr.gettext
            text = _("Session {number} is {when} ({date}). Anything to update on your "
                     "group's goals?").format(
                number=session.number, when=v.until(session.start, now),
                date=v.date(session.start, "medium"))
            return text, open_list_keyboard(v, _country(person))

    sent = await send_once(context.application, kind, number, members, render,
                           data["deadline"])
    log.info("goal nudge %s for session %s: %d sent", kind, number, sent)


async def invite_to_review(app: Application) -> int:
    """Ask every core member to rate their group's goals (once each)."""
    svc = get_services(app)
    codes = {c.code for c in svc.schedule.countries}
    members = [m for m in await svc.repo.goals.core_members() if m.country in codes]

    def render(v: Viewer, person: Participant) -> tuple[str, InlineKeyboardMarkup]:
        _ = v.tr.gettext
        text = _("The closing review is open. For each of your group's goals, say whether it "
                 "was achieved, partly achieved or not achieved.")
        return text, rate_keyboard(v, _country(person))

    return await send_once(app, "review", closing_session(svc.schedule).number, members, render)


async def review_board(repo: Repository, schedule: Schedule) -> ReviewBoard:
    """The results as they stand: every answer, every group's members, the closed reviews."""
    store = repo.goals
    members: dict[str, set[int]] = {}
    for m in await store.core_members():
        assert m.country is not None
        members.setdefault(m.country, set()).add(m.user_id)
    return rules.review_board([c.code for c in schedule.countries], await store.goals(),
                              await store.ratings(), members, await store.closed_reviews())


async def announce_results(app: Application, country: str) -> int:
    """Once a group's review is closed: the results to that group and the facilitators."""
    svc = get_services(app)
    store = svc.repo.goals
    people = {p.user_id: p for p in await store.core_members(country)}
    for p in await svc.repo.participants.staff():
        people.setdefault(p.user_id, p)
    organizers = await svc.repo.participants.many(svc.settings.organizer_ids)
    for user_id, found in organizers.items():
        if found.active:
            people.setdefault(user_id, found)
    board = await review_board(svc.repo, svc.schedule)

    def render(v: Viewer, person: Participant) -> tuple[str, None]:
        return gv.results_text(v, svc.schedule, board), None

    session = closing_session(svc.schedule).number
    return await send_once(app, f"result:{country}", session, list(people.values()), render)
