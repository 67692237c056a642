"""The guided forms to add an action step or a progress note to a goal.

Step: starts from "Add a step" (AddStep); pending input "step_form", data {"step": "text" |
"responsible" | "due" | "confirm", "goal_id", "country", "text", "responsible",
"responsible_id", "due_date" (ISO text)}. The responsible person is a member of the group
picked with a button (PickResponsible) or any typed name.

Note: starts from "Progress note" (AddNote); pending input "note_form", data {"step": "text" |
"confirm", "goal_id", "country", "text"}.
"""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext, Who
from bot.goals import texts as gv
from bot.goals.keyboards import (
    AddNote,
    AddStep,
    FormButton,
    PickResponsible,
    form_keyboard,
    responsible_keyboard,
)
from bot.goals.rules import NOTE_MAX, RESPONSIBLE_MAX, STEP_MAX, STEPS_MAX, parse_date
from bot.storage.pending import Pending
from handlers.common import alert, reply
from handlers.goals.forms import (
    CONFIRM,
    FormPress,
    bad_date,
    begin,
    day_of,
    editable_goal,
    end,
    end_any,
    move,
    register_form,
    show_goal,
    too_long,
    typed,
    unexpected,
)
from handlers.goals.screens import audited

STEP_FORM, NOTE_FORM = "step_form", "note_form"
TEXT, RESPONSIBLE, DUE = "text", "responsible", "due"


# Action step ------------------------------------------------------------------------------------


async def start_step(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    goal = await editable_goal(update, w, context.pressed(AddStep).goal)
    if goal is None:
        await end_any(update, context)
        return
    if len((await w.svc.repo.goals.steps([goal.id])).get(goal.id, [])) >= STEPS_MAX:
        await end_any(update, context)
        await reply(update, _("A goal can have at most {limit} action steps.").format(
            limit=STEPS_MAX))
        return
    await begin(update, context, STEP_FORM, TEXT, goal_id=goal.id, country=goal.country)
    await reply(update, _("New action step for: {title}\nWhat needs to be done? (up to {limit} "
                          "characters)").format(title=f"<b>{escape(goal.title)}</b>",
                                                 limit=STEP_MAX),
                form_keyboard(w.view))


async def _ask_due(update: Update, context: BotContext, w: Who, pending: Pending,
                   **answers: Any) -> None:
    await move(update, context, pending, DUE, **answers)
    await reply(update, w.view.tr.gettext("When is it due? Write it like 2021-05-30 or "
                                          "30/05/2021, or press Skip."),
                form_keyboard(w.view, "skip"))


async def _preview_step(update: Update, context: BotContext, w: Who, pending: Pending,
                        **answers: Any) -> None:
    goal = await w.svc.repo.goals.get_goal(pending.data["goal_id"])
    if goal is None:
        await end(update, context, pending)
        await reply(update, w.view.tr.gettext("This goal no longer exists."))
        return
    data = await move(update, context, pending, CONFIRM, **answers)
    draft = {**data, "due_date": day_of(data.get("due_date"))}
    await reply(update, gv.step_draft_text(w.view, goal, draft), form_keyboard(w.view, "save"))


async def on_step_text(update: Update, context: BotContext, pending: Pending) -> None:
    text = typed(update)
    step = pending.data.get("step")
    if text is None or step not in (TEXT, RESPONSIBLE, DUE):
        await unexpected(update, context, pending)
        return
    w = await context.who()
    _ = w.view.tr.gettext
    if step == TEXT:
        if not text:
            await reply(update, _("Please send the step as text."))
        elif len(text) > STEP_MAX:
            await too_long(update, w, len(text), STEP_MAX)
        else:
            await move(update, context, pending, RESPONSIBLE, text=text)
            members = await w.svc.repo.goals.core_members(pending.data["country"])
            await reply(update, _("Who is responsible? Pick a member of the group or type a "
                                  "name."), responsible_keyboard(w.view, members))
    elif step == RESPONSIBLE:
        if not text:
            await reply(update, _("Please type a name or pick one with the buttons."))
        elif len(text) > RESPONSIBLE_MAX:
            await too_long(update, w, len(text), RESPONSIBLE_MAX)
        else:
            await _ask_due(update, context, w, pending, responsible=text, responsible_id=None)
    else:
        due = parse_date(text)
        if due is None:
            await bad_date(update, w)
        else:
            await _preview_step(update, context, w, pending, due_date=due.isoformat())


async def on_step_button(update: Update, context: BotContext, pending: Pending,
                         press: FormPress) -> None:
    step = pending.data.get("step")
    action = press.action if isinstance(press, FormButton) else None
    w = await context.who()
    if step == RESPONSIBLE and isinstance(press, PickResponsible):
        members = {m.user_id: m
                   for m in await w.svc.repo.goals.core_members(pending.data["country"])}
        if press.user not in members:  # forged, or no longer in the group
            await alert(update, w.view.tr.gettext(
                "Please type a name or pick one with the buttons."))
            return
        await _ask_due(update, context, w, pending, responsible=members[press.user].name,
                       responsible_id=press.user)
    elif step == RESPONSIBLE and action == "skip":
        await _ask_due(update, context, w, pending, responsible=None, responsible_id=None)
    elif step == DUE and action == "skip":
        await _preview_step(update, context, w, pending, due_date=None)
    elif step == CONFIRM and action == "save":
        await end(update, context, pending)
        goal = await editable_goal(update, w, pending.data["goal_id"])
        if goal is None:
            return
        data = pending.data
        async with audited(w, "goal_step_add", goal.id):
            await w.svc.repo.goals.add_step(
                goal.id, data["text"], data.get("responsible"), data.get("responsible_id"),
                day_of(data.get("due_date")), w.user_id, w.svc.clock.now())
        await show_goal(update, w, goal.id, "✅ " + w.view.tr.gettext("Step saved."))
    else:
        await unexpected(update, context, pending)


# Progress note ------------------------------------------------------------------------------------


async def start_note(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    goal = await editable_goal(update, w, context.pressed(AddNote).goal)
    if goal is None:
        await end_any(update, context)
        return
    await begin(update, context, NOTE_FORM, TEXT, goal_id=goal.id, country=goal.country)
    await reply(update, _("Progress note for: {title}\nWhat happened? (up to {limit} "
                          "characters)").format(title=f"<b>{escape(goal.title)}</b>",
                                                 limit=w.view.number(NOTE_MAX)),
                form_keyboard(w.view))


async def on_note_text(update: Update, context: BotContext, pending: Pending) -> None:
    text = typed(update)
    if text is None or pending.data.get("step") != TEXT:
        await unexpected(update, context, pending)
        return
    w = await context.who()
    _ = w.view.tr.gettext
    if not text:
        await reply(update, _("Please send the note as text."))
        return
    if len(text) > NOTE_MAX:
        await too_long(update, w, len(text), NOTE_MAX)
        return
    goal = await w.svc.repo.goals.get_goal(pending.data["goal_id"])
    if goal is None:
        await end(update, context, pending)
        await reply(update, _("This goal no longer exists."))
        return
    await move(update, context, pending, CONFIRM, text=text)
    await reply(update, gv.note_draft_text(w.view, goal, text), form_keyboard(w.view, "save"))


async def on_note_button(update: Update, context: BotContext, pending: Pending,
                         press: FormPress) -> None:
    if not (pending.data.get("step") == CONFIRM and isinstance(press, FormButton)
            and press.action == "save"):
        await unexpected(update, context, pending)
        return
    w = await context.who()
    await end(update, context, pending)
    goal = await editable_goal(update, w, pending.data["goal_id"])
    if goal is None:
        return
    async with audited(w, "goal_note", goal.id):
        await w.svc.repo.goals.add_note(goal.id, pending.data["text"], w.user_id,
                                        w.svc.clock.now())
    await show_goal(update, w, goal.id, "✅ " + w.view.tr.gettext("Note saved."))


def register(app: Application) -> None:
    register_form(STEP_FORM, on_step_text, on_step_button)
    register_form(NOTE_FORM, on_note_text, on_note_button)
    app.add_handler(CallbackQueryHandler(start_step, pattern=AddStep.pattern()))
    app.add_handler(CallbackQueryHandler(start_note, pattern=AddNote.pattern()))
