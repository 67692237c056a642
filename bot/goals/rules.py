"""Group goals and action plans: the rules, plain Python (no Telegram, no SQL).

A goal belongs to one country's core group. Dates typed by people are calendar days and are
stored as ISO text; change times are aware UTC datetimes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Literal

from bot.membership import Member, may_act_on
from bot.schedule import Schedule, Session
from bot.storage.goals import (
    STATUSES,
    Goal,
    Rating,
    Review,
    Status,
    Step,
)

# Short codes keep callback data well under Telegram's 64 bytes (bot/goals/keyboards.py).
StatusCode = Literal["n", "p", "d", "x"]
RatingCode = Literal["a", "p", "n"]
STATUS_CODES: dict[StatusCode, Status] = {"n": "not_started", "p": "in_progress", "d": "done",
                                          "x": "dropped"}
RATING_CODES: dict[RatingCode, Rating] = {"a": "achieved", "p": "partly", "n": "not_achieved"}
SCORES: dict[Rating, float] = {"achieved": 1.0, "partly": 0.5, "not_achieved": 0.0}
SCORE_FRACTIONS: dict[Rating, Fraction] = {r: Fraction(v) for r, v in SCORES.items()}

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
STEP_MAX = 300
RESPONSIBLE_MAX = 100
NOTE_MAX = 1000
# Every goal and step gets a button; Telegram allows 100 buttons per message.
GOALS_MAX = 30
STEPS_MAX = 30


# Who may do what -------------------------------------------------------------------------


def can_edit_goals(m: Member, goal_country: str) -> bool:
    """A core member edits their own group's goals; staff those of the countries they may act
    on (bot.membership: organizers and unlimited facilitators every country)."""
    if m.group == "core" and m.country is not None and m.country == goal_country:
        return True
    return may_act_on(m, goal_country)


def can_read_goals(m: Member, goal_country: str) -> bool:
    """Program members (core and wider) and staff read every group's goals; others only their
    country's."""
    return reads_all(m) or m.country == goal_country


def reads_all(m: Member) -> bool:
    return m.staff or m.group in ("core", "wider")


# Typed input -------------------------------------------------------------------------------

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")


def parse_date(text: str) -> date | None:
    """2021-05-30 or 30/05/2021 (also 30.05.2021); None when it is not a real day."""
    text = text.strip()
    if m := _ISO.match(text):
        year, month, day = (int(g) for g in m.groups())
    elif m := _DMY.match(text):
        day, month, year = (int(g) for g in m.groups())
    else:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def clean_text(text: str | None) -> str:
    """Text as written, minus surrounding blanks (an all-blank answer is empty)."""
    return (text or "").strip()


# Progress ------------------------------------------------------------------------------------


def step_progress(steps: list[Step]) -> tuple[int, int]:
    return sum(1 for s in steps if s.done), len(steps)


def group_progress(goals: list[Goal], steps_by_goal: dict[int, list[Step]]) -> tuple[int, int]:
    """Steps done over all steps of the group's goals that were not dropped."""
    done = total = 0
    for goal in goals:
        if goal.status == "dropped":
            continue
        d, t = step_progress(steps_by_goal.get(goal.id, []))
        done, total = done + d, total + t
    return done, total


def bar(done: int, total: int, width: int = 10) -> str:
    """A text progress bar: ▰▰▰▱▱▱▱▱▱▱ for 3 of 10."""
    filled = round(width * done / total) if total else 0
    if total and done and not filled:
        filled = 1  # any progress shows
    if total and done < total and filled == width:
        filled = width - 1  # never full before it is done
    return "▰" * filled + "▱" * (width - filled)


def share(done: int, total: int) -> float:
    return done / total if total else 0.0


def status_counts(goals: Iterable[Goal]) -> dict[Status, int]:
    """How many goals have each status (every status listed, in the stored order)."""
    counts = dict.fromkeys(STATUSES, 0)
    for goal in goals:
        counts[goal.status] += 1
    return counts


# Closing review ----------------------------------------------------------------------------


def closing_session(schedule: Schedule) -> Session:
    """The closing session is the last one in schedule.json."""
    return schedule.sessions[-1]


def review_is_open(schedule: Schedule, now: datetime, opened_at: datetime | None) -> bool:
    """Open from the closing session's start, or earlier when a facilitator opened it."""
    return opened_at is not None or now >= closing_session(schedule).start


# Every core member of a group rates each goal that was not dropped: achieved 1, partly 0.5,
# not achieved 0; one answer per member and goal, their latest wins. A goal's result is the mean
# of its answers; a group's result is the mean over its rated goals (each goal weighs the same);
# overall, each rated goal of every group weighs the same. A group's review closes, and its
# result is published, when every core member has answered every goal, or when a facilitator
# closes it; after that no answer is taken. Answers of people who left the group (or used
# /forget) stay and still count: they were given by a member.
#
# Facilitators and organizers do not rate: their answer would not be a member's. They follow
# the answers and may close the review. One who is also a core member of the group (in
# core_members()) rates as that member.

Answers = Mapping[int, Sequence[Review]]  # goal id -> the members' answers


def rateable(goals: Sequence[Goal]) -> list[Goal]:
    """Dropped goals are not rated."""
    return [g for g in goals if g.status != "dropped"]


def can_rate(user_id: int, member_ids: Collection[int]) -> bool:
    """Only the group's core members (core_members(country)) rate its goals."""
    return user_id in member_ids


def goal_score(answers: Sequence[Review]) -> Fraction | None:
    """The mean of the members' answers; None without any answer."""
    if not answers:
        return None
    return sum((SCORE_FRACTIONS[a.rating] for a in answers), Fraction(0)) / len(answers)


@dataclass(frozen=True)
class ReviewResult:
    rated: int  # goals with at least one answer
    achieved: int  # answers of each kind, over those goals
    partly: int
    not_achieved: int
    goals: int  # goals that can be rated (not dropped)
    points: Fraction = Fraction(0)  # the sum of the rated goals' means

    @property
    def score(self) -> float | None:
        """The mean of the rated goals' means; None when nothing is rated yet."""
        if not self.rated:
            return None
        return float(self.points / self.rated)

    @property
    def answers(self) -> int:
        return self.achieved + self.partly + self.not_achieved

    @property
    def complete(self) -> bool:
        """Every goal that can be rated has at least one answer."""
        return self.goals > 0 and self.rated == self.goals


def review_result(goals: Sequence[Goal], answers: Answers) -> ReviewResult:
    """Over the goals that were not dropped."""
    open_goals = rateable(goals)
    given = [list(answers.get(g.id, ())) for g in open_goals]
    given = [a for a in given if a]
    ratings = [r.rating for a in given for r in a]
    return ReviewResult(
        rated=len(given),
        achieved=ratings.count("achieved"),
        partly=ratings.count("partly"),
        not_achieved=ratings.count("not_achieved"),
        goals=len(open_goals),
        points=sum((s for a in given if (s := goal_score(a)) is not None), Fraction(0)),
    )


def review_results(
    countries: Sequence[str], goals: Sequence[Goal], answers: Answers,
    closed: Collection[str] | None = None,
) -> tuple[dict[str, ReviewResult], ReviewResult]:
    """Per country, and overall over all rated goals together (each goal weighs the same);
    with `closed`, overall counts only the goals of those countries (the published results)."""
    per_country = {c: review_result([g for g in goals if g.country == c], answers)
                   for c in countries}
    counted = goals if closed is None else [g for g in goals if g.country in closed]
    return per_country, review_result(counted, answers)


@dataclass(frozen=True)
class Turnout:
    answered: int  # members who answered every goal
    members: int

    @property
    def everyone(self) -> bool:
        return self.members > 0 and self.answered == self.members


def turnout(goals: Sequence[Goal], answers: Answers, member_ids: Collection[int]) -> Turnout:
    """How many of the group's members have answered every goal."""
    open_goals = rateable(goals)
    if not open_goals:
        return Turnout(0, len(member_ids))
    who = [{a.rated_by for a in answers.get(g.id, ())} for g in open_goals]
    answered = sum(1 for m in member_ids if all(m in ids for ids in who))
    return Turnout(answered, len(member_ids))


def review_complete(goals: Sequence[Goal], answers: Answers,
                    member_ids: Collection[int]) -> bool:
    """Every core member of the group has answered every goal: the review closes."""
    return turnout(goals, answers, member_ids).everyone


def with_answer(answers: Answers, answer: Review) -> dict[int, list[Review]]:
    """The answers as they would be with this one given (it replaces the member's earlier
    answer for the same goal)."""
    result = {goal: [a for a in given if not (goal == answer.goal_id
                                              and a.rated_by == answer.rated_by)]
              for goal, given in answers.items()}
    result.setdefault(answer.goal_id, []).append(answer)
    return result


def would_close(goals: Sequence[Goal], answers: Answers, member_ids: Collection[int],
                answer: Review) -> bool:
    """This answer would complete the group, so closing its review and publishing the result:
    the member is asked to confirm first."""
    return review_complete(goals, with_answer(answers, answer), member_ids)


@dataclass(frozen=True)
class ReviewBoard:
    """What the results show: each country's result (shown once its review is closed), how
    many members answered, and overall over the closed reviews."""

    per_country: dict[str, ReviewResult]
    overall: ReviewResult
    turnouts: dict[str, Turnout]
    closed: frozenset[str]


def review_board(countries: Sequence[str], goals: Sequence[Goal], answers: Answers,
                 members: Mapping[str, Collection[int]],
                 closed: Collection[str]) -> ReviewBoard:
    per_country, overall = review_results(countries, goals, answers, closed)
    turnouts = {c: turnout([g for g in goals if g.country == c], answers, members.get(c, ()))
                for c in countries}
    return ReviewBoard(per_country, overall, turnouts, frozenset(closed))


# Nudges ----------------------------------------------------------------------------------------

NudgeKind = Literal["kickoff", "checkin", "review"]


@dataclass(frozen=True)
class NudgePlan:
    kind: NudgeKind
    session: int
    due: datetime
    deadline: datetime  # after this the nudge is pointless and is not sent

    @property
    def job_name(self) -> str:
        return f"goals:{self.kind}:{self.session}"


def nudge_plan(schedule: Schedule) -> list[NudgePlan]:
    """After the kickoff (session 0) ends; N days before each later session the core group
    attends; and the review invitation at the closing session's start.

    Like reminders, a kickoff or session nudge that could not go out on time (the bot was
    down) goes out at most `nudge_grace_hours` late, never days late beside the 24-hour
    reminder. The review invitation keeps its week: it announces a review that stays open.
    """
    sessions = list(schedule.sessions)  # the core group attends every session
    if not sessions:
        return []
    kickoff = schedule.session(0) or sessions[0]
    later = [s for s in sessions if s.start > kickoff.start]
    days = timedelta(days=schedule.goals.nudge_days_before)
    grace = timedelta(hours=schedule.goals.nudge_grace_hours)
    plans = [
        NudgePlan("kickoff", kickoff.number, kickoff.end,
                  min(later[0].start if later else kickoff.end + timedelta(days=7),
                      kickoff.end + grace))
    ]
    for s in later:
        plans.append(NudgePlan("checkin", s.number, s.start - days,
                               min(s.start, s.start - days + grace)))
    closing = closing_session(schedule)
    plans.append(NudgePlan("review", closing.number, closing.start,
                           closing.end + timedelta(days=7)))
    return plans
