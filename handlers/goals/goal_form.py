"""The guided form to add or edit a goal: title, description, target date, preview, Save.

Starts from /addgoal [CC], the "Add a goal" button (AddGoal) or "Edit goal" (EditGoal).
Pending input "goal_form"; data {"step": "title" | "description" | "target" | "confirm",
"country", "goal_id" (None for a new goal), "title", "description", "target_date" (ISO text)}.
When editing, the answers start as the goal's current values, and each step offers Keep.
"""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.goals import texts as gv
from bot.goals.keyboards import AddGoal, EditGoal, FormButton, form_keyboard, is_country_code
from bot.goals.rules import DESCRIPTION_MAX, GOALS_MAX, TITLE_MAX, Goal, parse_date
from bot.storage.pending import Pending
from handlers.common import personal, reply
from handlers.goals.forms import (
    CONFIRM,
    FormPress,
    bad_date,
    begin,
    day_of,
    editable_goal,
    end,
    end_any,
    iso_day,
    move,
    refuse,
    register_form,
    show_goal,
    too_long,
    typed,
    unexpected,
)
from handlers.goals.screens import audited, edit_refusal, goal_ref, may_edit, stale

GOAL_FORM = "goal_form"
TITLE, DESCRIPTION, TARGET = "title", "description", "target"


async def _start(update: Update, context: BotContext, w: Who, country: str,
                 goal: Goal | None) -> None:
    _ = w.view.tr.gettext
    if goal is None:
        await begin(update, context, GOAL_FORM, TITLE, country=country, goal_id=None)
        await reply(update, _("New goal for {country}. Send the title (up to {limit} "
                              "characters). /cancel stops without saving.").format(
            country=gv.country_title(w.view, w.svc.schedule, country), limit=TITLE_MAX),
            form_keyboard(w.view))
        return
    await begin(update, context, GOAL_FORM, TITLE, country=country, goal_id=goal.id,
                title=goal.title, description=goal.description,
                target_date=iso_day(goal.target_date))
    await reply(update, _("Editing the goal. Current title:\n<b>{title}</b>\n\nSend a new "
                          "title (up to {limit} characters) or keep it.").format(
        title=escape(goal.title), limit=TITLE_MAX),
        form_keyboard(w.view, "keep"))


@personal
async def start_add(update: Update, context: BotContext) -> None:
    """/addgoal [CC], or the "Add a goal" button."""
    w = await context.who()
    _ = w.view.tr.gettext
    country: str | None
    if update.callback_query is not None:
        country = context.pressed(AddGoal).country
        if not is_country_code(country):
            await stale(update, w)
            return
    else:
        args = context.args or []
        country = args[0].upper() if args else w.person.country
    if country is None or w.svc.schedule.country(country) is None:
        await end_any(update, context)
        await reply(update, _("Which country? For example /addgoal PE."))
        return
    if not may_edit(w, country):
        await end_any(update, context)
        await refuse(update, edit_refusal(w, country))
        return
    if len(await w.svc.repo.goals.goals(country)) >= GOALS_MAX:
        await end_any(update, context)
        await reply(update, _("A group can have at most {limit} goals.").format(
            limit=GOALS_MAX))
        return
    await _start(update, context, w, country, None)


async def start_edit(update: Update, context: BotContext) -> None:
    w = await context.who()
    goal = await editable_goal(update, w, context.pressed(EditGoal).goal)
    if goal is None:
        await end_any(update, context)
        return
    await _start(update, context, w, goal.country, goal)


def _editing(data: dict[str, Any]) -> bool:
    return data.get("goal_id") is not None


async def _ask_description(update: Update, context: BotContext, w: Who, pending: Pending,
                           **answers: Any) -> None:
    _ = w.view.tr.gettext
    data = await move(update, context, pending, DESCRIPTION, **answers)
    if _editing(data):
        current = data.get("description")
        text = _("Current description:\n{text}\n\nSend a new description (up to {limit} "
                 "characters), keep it or remove it.").format(
            text=escape(current) if current else "—", limit=w.view.number(DESCRIPTION_MAX))
        markup = form_keyboard(w.view, "keep", "clear")
    else:
        text = _("Now a short description (up to {limit} characters), or press Skip.").format(
            limit=w.view.number(DESCRIPTION_MAX))
        markup = form_keyboard(w.view, "skip")
    await reply(update, text, markup)


async def _ask_target(update: Update, context: BotContext, w: Who, pending: Pending,
                      **answers: Any) -> None:
    _ = w.view.tr.gettext
    data = await move(update, context, pending, TARGET, **answers)
    example = _("Write it like 2021-05-30 or 30/05/2021.")
    if _editing(data):
        current = day_of(data.get("target_date"))
        text = _("Current target date: {date}. Send a new one, keep it or remove it.").format(
            date=gv.day(w.view, current) if current else "—")
        markup = form_keyboard(w.view, "keep", "clear")
    else:
        text = _("By when should the goal be reached? Send a target date, or press Skip.")
        markup = form_keyboard(w.view, "skip")
    await reply(update, text + "\n" + example, markup)


async def _preview(update: Update, context: BotContext, w: Who, pending: Pending,
                   **answers: Any) -> None:
    data = await move(update, context, pending, CONFIRM, **answers)
    draft = {**data, "target_date": day_of(data.get("target_date"))}
    await reply(update, gv.draft_text(w.view, w.svc.schedule, data["country"], draft),
                form_keyboard(w.view, "save"))


async def on_text(update: Update, context: BotContext, pending: Pending) -> None:
    text = typed(update)
    step = pending.data.get("step")
    if text is None or step not in (TITLE, DESCRIPTION, TARGET):
        await unexpected(update, context, pending)
        return
    w = await context.who()
    if step == TITLE:
        if not text:
            await reply(update, w.view.tr.gettext("Please send the title as text."))
        elif len(text) > TITLE_MAX:
            await too_long(update, w, len(text), TITLE_MAX)
        else:
            await _ask_description(update, context, w, pending, title=text)
    elif step == DESCRIPTION:
        if len(text) > DESCRIPTION_MAX:
            await too_long(update, w, len(text), DESCRIPTION_MAX)
        else:
            await _ask_target(update, context, w, pending, description=text or None)
    else:
        target = parse_date(text)
        if target is None:
            await bad_date(update, w)
        else:
            await _preview(update, context, w, pending, target_date=target.isoformat())


async def on_button(update: Update, context: BotContext, pending: Pending,
                    press: FormPress) -> None:
    step = pending.data.get("step")
    action = press.action if isinstance(press, FormButton) else None
    w = await context.who()
    if step == TITLE and action == "keep" and pending.data.get("title"):  # when editing
        await _ask_description(update, context, w, pending)
    elif step == DESCRIPTION and action in ("skip", "keep", "clear"):
        answers = {} if action == "keep" else {"description": None}
        await _ask_target(update, context, w, pending, **answers)
    elif step == TARGET and action in ("skip", "keep", "clear"):
        answers = {} if action == "keep" else {"target_date": None}
        await _preview(update, context, w, pending, **answers)
    elif step == CONFIRM and action == "save":
        await _save(update, context, w, pending)
    else:
        await unexpected(update, context, pending)


async def _save(update: Update, context: BotContext, w: Who, pending: Pending) -> None:
    _ = w.view.tr.gettext
    await end(update, context, pending)
    data = pending.data
    country, goal_id = data["country"], data.get("goal_id")
    if not may_edit(w, country):  # rights may have changed while the person typed
        await reply(update, edit_refusal(w, country))
        return
    store, now = w.svc.repo.goals, w.svc.clock.now()
    title, description = str(data.get("title") or ""), data.get("description")
    target = day_of(data.get("target_date"))
    if goal_id is None:
        async with audited(w, "goal_add") as entry:
            goal_id = await store.add_goal(country, title, description, target, w.user_id, now)
            entry.target = goal_ref(goal_id)
        headline = "✅ " + _("Goal saved.")
    else:
        if await store.get_goal(goal_id) is None:
            await reply(update, _("This goal no longer exists."))
            return
        async with audited(w, "goal_edit", goal_id) as entry:
            changed = await store.edit_goal(goal_id, w.user_id, now, title=title,
                                            description=description, target_date=target)
            if not changed:
                entry.skip()
        headline = "✅ " + (_("Goal updated.") if changed else _("Nothing changed."))
    await show_goal(update, w, goal_id, headline)


def register(app: Application) -> None:
    register_form(GOAL_FORM, on_text, on_button)
    app.add_handler(CommandHandler("addgoal", start_add))
    app.add_handler(CallbackQueryHandler(start_add, pattern=AddGoal.pattern()))
    app.add_handler(CallbackQueryHandler(start_edit, pattern=EditGoal.pattern()))
