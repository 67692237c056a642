"""What the guided goal forms share: their state, their buttons, leaving, and stray input.

A form is pending input (handlers/input.py) of kind "goal_form", "step_form" or "note_form",
so it survives a restart. Pending.data holds the step the form is at ("step") and the answers
so far (dates as ISO text). Other commands keep working mid-form (keep_on_command); /cancel or
Cancel leaves without saving. Rights are checked when a form starts and again on save.

The form buttons ("gf:*", FormButton and PickResponsible in bot/goals/keyboards.py) go to the
form that is waiting; a form button pressed when no form waits, or one the current step has no
use for, gets a pop-up.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext, Who
from bot.goals.keyboards import FORM_PREFIX, FormButton, PickResponsible
from bot.goals.rules import Goal, clean_text
from bot.storage.pending import Pending
from handlers import input
from handlers.common import alert, reply
from handlers.goals.screens import edit_refusal, goal_screen, may_edit

CONFIRM = "confirm"  # the last step of every form: the preview waits for Save

FormPress = FormButton | PickResponsible
ButtonHandler = Callable[[Update, BotContext, Pending, FormPress], Awaitable[None]]


@dataclass(frozen=True)
class Form:
    on_button: ButtonHandler  # a form button other than Cancel, while this form waits


FORMS: dict[str, Form] = {}


def register_form(kind: str, on_text: input.InputHandler, on_button: ButtonHandler) -> None:
    input.expect(kind, on_text, keep_on_command=True)
    FORMS[kind] = Form(on_button)


# State -----------------------------------------------------------------------------------------


async def begin(update: Update, context: BotContext, kind: str, step: str,
                **answers: Any) -> None:
    """Start a form (replacing whatever question was open in this chat)."""
    await input.ask(update, context, kind, {**answers, "step": step})


async def move(update: Update, context: BotContext, pending: Pending, step: str,
               **answers: Any) -> dict[str, Any]:
    """Go to `step`, keeping the answers so far plus these; returns the new state."""
    data = {**pending.data, **answers, "step": step}
    await input.ask(update, context, pending.kind, data)
    return data


async def end(update: Update, context: BotContext, pending: Pending) -> None:
    await input.done(update, context, pending.kind)


async def end_any(update: Update, context: BotContext) -> None:
    """A form could not start: the one open before (if any) ends too, as it always did."""
    pending = await input.waiting(update, context)
    if pending is not None and pending.kind in FORMS:
        await end(update, context, pending)


def iso_day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def day_of(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


# Answers ---------------------------------------------------------------------------------------


def typed(update: Update) -> str | None:
    """The text of the message, stripped; None when it is not a text message."""
    message = update.effective_message
    if message is None or message.text is None:
        return None
    return clean_text(message.text)


async def too_long(update: Update, w: Who, size: int, limit: int) -> None:
    await reply(update, w.view.tr.gettext(
        "That is {size} characters; the limit is {limit}. Please send a shorter text."
    ).format(size=w.view.number(size), limit=w.view.number(limit)))


async def bad_date(update: Update, w: Who) -> None:
    await reply(update, w.view.tr.gettext(
        "I could not read that date. Please write it like 2021-05-30 or 30/05/2021."))


async def refuse(update: Update, text: str) -> None:
    """A pop-up under a pressed button, else a message."""
    if update.callback_query is not None:
        await alert(update, text)
    else:
        await reply(update, text)


async def editable_goal(update: Update, w: Who, goal_id: int) -> Goal | None:
    goal = await w.svc.repo.goals.get_goal(goal_id)
    if goal is None:
        await reply(update, w.view.tr.gettext("This goal no longer exists."))
        return None
    if not may_edit(w, goal.country):
        await refuse(update, edit_refusal(w, goal.country))
        return None
    return goal


async def show_goal(update: Update, w: Who, goal_id: int, headline: str) -> None:
    """After saving: the headline, then the goal's screen as a new message."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    goal = await w.svc.repo.goals.get_goal(goal_id)
    assert goal is not None and update.effective_message is not None
    text, markup = await goal_screen(w, goal)
    await update.effective_message.reply_text(headline)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def unexpected(update: Update, context: BotContext, pending: Pending) -> None:
    """Anything the current step cannot use: say what it expects, stay in the same step."""
    w = await context.who()
    _ = w.view.tr.gettext
    if pending.data.get("step") != CONFIRM:
        text = _("Please answer with a text message, or send /cancel to stop.")
    else:
        text = _("Please press Save or Cancel under the preview, or send /cancel.")
    if update.callback_query is not None:
        await alert(update, _("That button belongs to an earlier step.") + " " + text)
    else:
        await reply(update, text)


# Form buttons --------------------------------------------------------------------------------


async def _open_form(update: Update, context: BotContext) -> Pending | None:
    pending = await input.waiting(update, context)
    if pending is not None and pending.kind in FORMS:
        return pending
    w = await context.who()
    await alert(update, w.view.tr.gettext("This form is no longer open. Start again from /goals."))
    return None


async def on_form_button(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    data = update.callback_query.data
    press: FormPress | None = FormButton.parse(data) or PickResponsible.parse(data)
    assert press is not None
    pending = await _open_form(update, context)
    if pending is None:
        return
    if isinstance(press, FormButton) and press.action == "cancel":
        await end(update, context, pending)
        w = await context.who()
        await reply(update, w.view.tr.gettext("Cancelled: nothing was saved."))
        return
    await FORMS[pending.kind].on_button(update, context, pending, press)


async def on_stray_form_button(update: Update, context: BotContext) -> None:
    """"gf:" data no form button has (old or forged)."""
    pending = await _open_form(update, context)
    if pending is not None:
        await unexpected(update, context, pending)


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_form_button, pattern=FormButton.pattern()))
    app.add_handler(CallbackQueryHandler(on_form_button, pattern=PickResponsible.pattern()))


def register_fallback(app: Application) -> None:
    """After the other goal handlers: any other "gf:" data."""
    app.add_handler(CallbackQueryHandler(on_stray_form_button, pattern=re.compile(FORM_PREFIX)))
