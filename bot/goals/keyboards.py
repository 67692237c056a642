"""Goal buttons: the callback data of every goal button, and the keyboards that carry them.

Callback data (all well under 64 bytes): "g:l:CC" list, "g:o:ID" open, "g:s:ID" status picker,
"g:st:ID:c" set status, "g:t:ID:STEP" tick a step, "g:h:ID" history, "g:c" pick a country,
"g:all" all countries, "g:rv:CC" review, "g:r:ID:c" rate, "g:res" results, "g:ro" open review,
"g:rc:CC" / "g:rc:CC:y" close a country's review (ask / confirm);
the guided forms start from "g:add:CC", "g:e:ID", "g:as:ID", "g:n:ID" and use "gf:keep",
"gf:skip", "gf:clear", "gf:save", "gf:cancel" and "gf:who:ID".

Callback data can be forged: handlers load the goal and check the rights on the server.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.goals import texts as gv
from bot.goals.rules import RATING_CODES, STATUS_CODES, STEPS_MAX, RatingCode, StatusCode
from bot.membership import Member, may_act_on
from bot.models import Participant
from bot.schedule import Schedule
from bot.storage.goals import Goal, Step
from bot.viewer import Viewer, country_name, flag

COUNTRY = re.compile(r"[A-Z]{2}")  # what the country fields below carry (schedule.json codes)


def is_country_code(code: str) -> bool:
    return COUNTRY.fullmatch(code) is not None


# Screens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalList(CallbackData, prefix="g:l"):
    country: str


@dataclass(frozen=True)
class OpenGoal(CallbackData, prefix="g:o"):
    goal: int


@dataclass(frozen=True)
class StatusMenu(CallbackData, prefix="g:s"):
    goal: int


@dataclass(frozen=True)
class SetStatus(CallbackData, prefix="g:st"):
    goal: int
    code: StatusCode


@dataclass(frozen=True)
class TickStep(CallbackData, prefix="g:t"):
    goal: int
    step: int


@dataclass(frozen=True)
class GoalHistory(CallbackData, prefix="g:h"):
    goal: int


@dataclass(frozen=True)
class CountryPicker(CallbackData, prefix="g:c"):
    pass


@dataclass(frozen=True)
class AllCountries(CallbackData, prefix="g:all"):
    pass


# Closing review ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewCountry(CallbackData, prefix="g:rv"):
    country: str


@dataclass(frozen=True)
class Rate(CallbackData, prefix="g:r"):
    """With `confirm` "y": the answer that completes the group, confirmed (it closes the
    review and publishes the result)."""

    goal: int
    code: RatingCode
    confirm: Literal["y"] | None = None


@dataclass(frozen=True)
class Results(CallbackData, prefix="g:res"):
    pass


@dataclass(frozen=True)
class OpenReview(CallbackData, prefix="g:ro"):
    pass


@dataclass(frozen=True)
class CloseReview(CallbackData, prefix="g:rc"):
    """Without `confirm`: ask; with "y": close the country's review (facilitators)."""

    country: str
    confirm: Literal["y"] | None = None


# Guided forms: how they start, and their buttons ------------------------------------------


@dataclass(frozen=True)
class AddGoal(CallbackData, prefix="g:add"):
    country: str


@dataclass(frozen=True)
class EditGoal(CallbackData, prefix="g:e"):
    goal: int


@dataclass(frozen=True)
class AddStep(CallbackData, prefix="g:as"):
    goal: int


@dataclass(frozen=True)
class AddNote(CallbackData, prefix="g:n"):
    goal: int


FormAction = Literal["keep", "skip", "clear", "save", "cancel"]


@dataclass(frozen=True)
class FormButton(CallbackData, prefix="gf"):
    action: FormAction


@dataclass(frozen=True)
class PickResponsible(CallbackData, prefix="gf:who"):
    user: int


STALE_PREFIX = r"^g:"  # goal data no codec above accepts (old or forged)
FORM_PREFIX = r"^gf:"  # form button data


def _button(text: str, data: CallbackData) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data.pack())


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def _countries(v: Viewer, schedule: Schedule) -> list[list[InlineKeyboardButton]]:
    return _rows([_button(f"{flag(c.code)} {country_name(c, v.lang)}", GoalList(c.code))
                  for c in schedule.countries], 2)


# Screens ------------------------------------------------------------------------------------

Nav = Literal["all", "other"] | None  # back to all countries (staff), to the picker, or none


def list_keyboard(v: Viewer, country: str, goals: list[Goal], *, editable: bool,
                  review_open: bool, nav: Nav) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    rows = [[_button(f"{i}. {gv.shorten(g.title, 40)}", OpenGoal(g.id))]
            for i, g in enumerate(goals, start=1)]
    if editable:
        rows.append([_button("➕ " + _("Add a goal"), AddGoal(country))])
        if goals and review_open:
            rows.append([_button("🏁 " + _("Closing review"), ReviewCountry(country))])
    if nav == "all":
        rows.append([_button("🌍 " + _("All countries"), AllCountries())])
    elif nav == "other":
        rows.append([_button("🌍 " + _("Other countries"), CountryPicker())])
    return InlineKeyboardMarkup(rows)


def goal_keyboard(v: Viewer, goal: Goal, steps: list[Step], *,
                  editable: bool) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    rows: list[list[InlineKeyboardButton]] = []
    if editable:
        ticks = [_button(f"{'✅' if s.done else '⬜'} {i}", TickStep(goal.id, s.id))
                 for i, s in enumerate(steps[:STEPS_MAX], start=1)]
        rows += _rows(ticks, 5)
        rows += [
            [_button("🔄 " + _("Status"), StatusMenu(goal.id)),
             _button("➕ " + _("Add a step"), AddStep(goal.id))],
            [_button("🗒 " + _("Progress note"), AddNote(goal.id)),
             _button("✏️ " + _("Edit goal"), EditGoal(goal.id))],
        ]
    rows.append([_button("🕓 " + _("History"), GoalHistory(goal.id)),
                 _button("« " + _("Goals"), GoalList(goal.country))])
    return InlineKeyboardMarkup(rows)


def status_keyboard(v: Viewer, goal: Goal) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    rows = [[_button(f"{gv.STATUS_ICONS[s]} {gv.status_label(v, s)}"
                     + (" ←" if s == goal.status else ""), SetStatus(goal.id, code))]
            for code, s in STATUS_CODES.items()]
    rows.append([_button("« " + _("Back"), OpenGoal(goal.id))])
    return InlineKeyboardMarkup(rows)


def back_to_goal_keyboard(v: Viewer, goal: Goal) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("« " + v.tr.gettext("Back"), OpenGoal(goal.id))]])


def country_keyboard(v: Viewer, schedule: Schedule) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(_countries(v, schedule))


def summary_keyboard(v: Viewer, schedule: Schedule) -> InlineKeyboardMarkup:
    rows = _countries(v, schedule)
    rows.append([_button("🏁 " + v.tr.gettext("Closing review"), Results())])
    return InlineKeyboardMarkup(rows)


# Closing review ---------------------------------------------------------------------------


def review_keyboard(v: Viewer, schedule: Schedule, country: str, goals: list[Goal], *,
                    can_rate: bool, can_close: bool) -> InlineKeyboardMarkup:
    """One row of ratings per goal that is not dropped (for a member, while the review is
    open); Close the review (for a facilitator, while it is open)."""
    _ = v.tr.gettext
    rows = []
    if can_rate:
        for i, goal in enumerate([g for g in goals if g.status != "dropped"], start=1):
            rows.append([_button(f"{i} {gv.RATING_ICONS[r]}", Rate(goal.id, code))
                         for code, r in RATING_CODES.items()])
    if can_close:
        c = schedule.country(country)
        name = country_name(c, v.lang) if c else country
        rows.append([_button("🔒 " + _("Close the review for {country}").format(country=name),
                             CloseReview(country))])
    rows.append([_button("📊 " + _("All results"), Results()),
                 _button("« " + _("Goals"), GoalList(country))])
    return InlineKeyboardMarkup(rows)


def last_answer_keyboard(v: Viewer, goal: Goal, code: RatingCode) -> InlineKeyboardMarkup:
    """The member whose answer completes the group confirms it (or goes back)."""
    _ = v.tr.gettext
    return InlineKeyboardMarkup([
        [_button("🔒 " + _("Yes, close and publish"), Rate(goal.id, code, "y"))],
        [_button("« " + _("Back"), ReviewCountry(goal.country))],
    ])


def close_confirm_keyboard(v: Viewer, country: str) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([
        [_button("🔒 " + _("Yes, close the review"), CloseReview(country, "y"))],
        [_button("« " + _("Back"), ReviewCountry(country))],
    ])


def review_countries_keyboard(schedule: Schedule, m: Member) -> InlineKeyboardMarkup:
    """The countries whose review this staff member follows (bot.membership.may_act_on)."""
    return InlineKeyboardMarkup([[_button(c.code, ReviewCountry(c.code))
                                  for c in schedule.countries if may_act_on(m, c.code)]])


def open_review_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("🏁 " + v.tr.gettext("Open the review now"),
                                          OpenReview())]])


# Nudges (bot/goals/jobs.py) ---------------------------------------------------------------


def open_list_keyboard(v: Viewer, country: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("📋 " + v.tr.gettext("Open our goals"),
                                          GoalList(country))]])


def kickoff_keyboard(v: Viewer, country: str) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([
        [_button("➕ " + _("Add a goal"), AddGoal(country))],
        [_button("📋 " + _("Open our goals"), GoalList(country))],
    ])


def rate_keyboard(v: Viewer, country: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("🏁 " + v.tr.gettext("Rate our goals"),
                                          ReviewCountry(country))]])


# Forms ------------------------------------------------------------------------------------


def _form_button(v: Viewer, action: FormAction) -> InlineKeyboardButton:
    _ = v.tr.gettext
    labels = {"keep": "✔️ " + _("Keep"), "skip": "⏭ " + _("Skip"),
              "clear": "🗑 " + _("Remove"), "save": "💾 " + _("Save"),
              "cancel": "✖️ " + _("Cancel")}
    return _button(labels[action], FormButton(action))


def form_keyboard(v: Viewer, *actions: FormAction) -> InlineKeyboardMarkup:
    """One button a row, in this order, then Cancel."""
    return InlineKeyboardMarkup([[_form_button(v, a)] for a in (*actions, "cancel")])


def responsible_keyboard(v: Viewer, members: Sequence[Participant]) -> InlineKeyboardMarkup:
    """The group's members (at most 12), then Skip and Cancel."""
    rows = [[_button("👤 " + m.name, PickResponsible(m.user_id))] for m in members[:12]]
    rows += [[_form_button(v, "skip")], [_form_button(v, "cancel")]]
    return InlineKeyboardMarkup(rows)
