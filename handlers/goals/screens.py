"""Goal screens (text + buttons) and the per-goal rights check shared by the goal handlers.

Callback data (all under 64 bytes): "g:l:CC" list, "g:o:ID" open, "g:s:ID" status picker,
"g:st:ID:c" set status, "g:t:ID:STEP" tick a step, "g:h:ID" history, "g:c" pick a country,
"g:all" all countries, "g:rv:CC" review, "g:r:ID:c" rate, "g:res" results, "g:ro" open review;
the guided flows start from "g:add:CC", "g:e:ID", "g:as:ID", "g:n:ID" and use "gf:*".
"""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import Who
from bot.goals import texts as gv
from bot.goals.rules import (
    STATUS_CODES,
    STEPS_MAX,
    Goal,
    can_edit_goals,
    can_read_goals,
    reads_all,
    review_is_open,
    review_result,
)
from bot.viewer import country_name, flag


def may_read(w: Who, country: str) -> bool:
    return can_read_goals(w.role, w.person.group, w.person.country, country)


def may_edit(w: Who, country: str) -> bool:
    return can_edit_goals(w.role, w.person.group, w.person.country, country)


def privileged(w: Who) -> bool:
    return w.role in ("facilitator", "organizer")


def edit_refusal(w: Who, country: str) -> str:
    _ = w.view.tr.gettext
    c = w.svc.schedule.country(country)
    return _("Sorry, only the core group of {country} and the facilitators can change these "
             "goals.").format(country=country_name(c, w.view.lang) if c else country)


def read_refusal(w: Who) -> str:
    return w.view.tr.gettext("Sorry, you can only see your own country's goals.")


def _button(text: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text, callback_data=data)


def _back_to_countries(w: Who) -> list[InlineKeyboardButton]:
    _ = w.view.tr.gettext
    if privileged(w):
        return [_button("🌍 " + _("All countries"), "g:all")]
    if reads_all(w.role, w.person.group):
        return [_button("🌍 " + _("Other countries"), "g:c")]
    return []


async def list_screen(w: Who, country: str) -> tuple[str, InlineKeyboardMarkup]:
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
    text = gv.goal_list_text(w.view, w.svc.schedule, country, goals, steps, note)
    rows = [[_button(f"{i}. {gv.shorten(g.title, 40)}", f"g:o:{g.id}")]
            for i, g in enumerate(goals, start=1)]
    if editable:
        rows.append([_button("➕ " + _("Add a goal"), f"g:add:{country}")])
        opened = await store.review_opened_at()
        if goals and review_is_open(w.svc.schedule, w.svc.clock.now(), opened):
            rows.append([_button("🏁 " + _("Closing review"), f"g:rv:{country}")])
    nav = _back_to_countries(w)
    if nav:
        rows.append(nav)
    return text, InlineKeyboardMarkup(rows)


async def goal_screen(w: Who, goal: Goal) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    store = w.svc.repo.goals
    steps = (await store.steps([goal.id])).get(goal.id, [])
    notes = list(reversed(await store.history(goal.id, action="note", newest_first=True,
                                              limit=3)))
    text = gv.goal_text(w.view, w.svc.schedule, goal, steps, notes)
    rows: list[list[InlineKeyboardButton]] = []
    if may_edit(w, goal.country):
        ticks = [_button(f"{'✅' if s.done else '⬜'} {i}", f"g:t:{goal.id}:{s.id}")
                 for i, s in enumerate(steps[:STEPS_MAX], start=1)]
        rows += [ticks[i:i + 5] for i in range(0, len(ticks), 5)]
        rows += [
            [_button("🔄 " + _("Status"), f"g:s:{goal.id}"),
             _button("➕ " + _("Add a step"), f"g:as:{goal.id}")],
            [_button("🗒 " + _("Progress note"), f"g:n:{goal.id}"),
             _button("✏️ " + _("Edit goal"), f"g:e:{goal.id}")],
        ]
    rows.append([_button("🕓 " + _("History"), f"g:h:{goal.id}"),
                 _button("« " + _("Goals"), f"g:l:{goal.country}")])
    return text, InlineKeyboardMarkup(rows)


def status_screen(w: Who, goal: Goal) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    text = _("New status for: {title}").format(title=f"<b>{escape(goal.title)}</b>")
    rows = [[_button(f"{gv.STATUS_ICONS[s]} {gv.status_label(w.view, s)}"
                     + (" ←" if s == goal.status else ""), f"g:st:{goal.id}:{code}")]
            for code, s in STATUS_CODES.items()]
    rows.append([_button("« " + _("Back"), f"g:o:{goal.id}")])
    return text, InlineKeyboardMarkup(rows)


async def history_screen(w: Who, goal: Goal) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    entries = await w.svc.repo.goals.history(goal.id, newest_first=True, limit=60)
    text = gv.history_text(w.view, goal, entries)
    return text, InlineKeyboardMarkup([[_button("« " + _("Back"), f"g:o:{goal.id}")]])


def country_picker(w: Who) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    buttons = [_button(f"{flag(c.code)} {country_name(c, w.view.lang)}", f"g:l:{c.code}")
               for c in w.svc.schedule.countries]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return _("Which country's goals?"), InlineKeyboardMarkup(rows)


async def summary_screen(w: Who) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    store = w.svc.repo.goals
    goals = await store.goals()
    steps = await store.steps([g.id for g in goals])
    text = gv.summary_text(w.view, w.svc.schedule, goals, steps)
    buttons = [_button(f"{flag(c.code)} {country_name(c, w.view.lang)}", f"g:l:{c.code}")
               for c in w.svc.schedule.countries]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button("🏁 " + _("Closing review"), "g:res")])
    return text, InlineKeyboardMarkup(rows)


async def review_screen(w: Who, country: str) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    store = w.svc.repo.goals
    goals = await store.goals(country)
    reviews = await store.reviews()
    text = gv.review_text(w.view, w.svc.schedule, country, goals, reviews,
                          review_result(goals, reviews))
    rows = []
    for i, goal in enumerate([g for g in goals if g.status != "dropped"], start=1):
        rows.append([_button(f"{i} {gv.RATING_ICONS[r]}", f"g:r:{goal.id}:{code}")
                     for code, r in (("a", "achieved"), ("p", "partly"), ("n", "not_achieved"))])
    rows.append([_button("📊 " + _("All results"), "g:res"),
                 _button("« " + _("Goals"), f"g:l:{country}")])
    return text, InlineKeyboardMarkup(rows)
