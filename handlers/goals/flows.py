"""Guided conversations: add or edit a goal, add an action step, add a progress note.

The bot asks for each field, shows a preview and saves on "Save"; /cancel leaves without
saving. The draft lives in memory (user_data); only saved things reach SQLite. Rights are
checked when a flow starts and again on save.

The conversation runs in handler group -1 and every step raises ApplicationHandlerStop, so
the catch-all text and command handlers of group 0 never answer the same message twice.
Commands other than /cancel are not taken by the conversation: they work as usual.
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import date
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import BotContext, Who
from bot.goals import texts as gv
from bot.goals.rules import (
    DESCRIPTION_MAX,
    GOALS_MAX,
    NOTE_MAX,
    RESPONSIBLE_MAX,
    STEP_MAX,
    STEPS_MAX,
    TITLE_MAX,
    Goal,
    clean_text,
    parse_date,
)
from handlers.common import Group
from handlers.goals.screens import edit_refusal, goal_screen, may_edit, privileged

(TITLE, DESCRIPTION, TARGET, CONFIRM_GOAL, STEP_TEXT, RESPONSIBLE, DUE, CONFIRM_STEP,
 NOTE_TEXT, CONFIRM_NOTE) = range(10)
TEXT_STATES = {TITLE, DESCRIPTION, TARGET, STEP_TEXT, RESPONSIBLE, DUE, NOTE_TEXT}
END = ConversationHandler.END
DRAFT = "goal_draft"
TEXT = filters.TEXT & ~filters.COMMAND

Step = Callable[[Update, BotContext], Awaitable[int]]


def _stop(
    step: Step,
) -> Callable[[Update, BotContext], Coroutine[Any, Any, None]]:
    """Run a step, remember the state it leads to, and stop group 0 from also answering."""

    async def run(update: Update, context: BotContext) -> None:
        state = await step(update, context)
        draft = _draft(context)
        if state == END:
            draft.clear()
        else:
            draft["state"] = state
        raise ApplicationHandlerStop(state)

    run.__name__ = step.__name__
    return run


def _draft(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


def _keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in buttons])


def _cancel_button(w: Who) -> tuple[str, str]:
    return "✖️ " + w.view.tr.gettext("Cancel"), "gf:cancel"


async def _say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


def _text(update: Update) -> str:
    assert update.effective_message is not None
    return clean_text(update.effective_message.text)


async def _too_long(update: Update, w: Who, size: int, limit: int) -> None:
    await _say(update, w.view.tr.gettext(
        "That is {size} characters; the limit is {limit}. Please send a shorter text."
    ).format(size=size, limit=limit))


async def _bad_date(update: Update, w: Who) -> None:
    await _say(update, w.view.tr.gettext(
        "I could not read that date. Please write it like 2021-05-30 or 30/05/2021."))


async def _editable_goal(update: Update, w: Who, goal_id: int) -> Goal | None:
    goal = await w.svc.repo.goals.get_goal(goal_id)
    if goal is None:
        await _say(update, w.view.tr.gettext("This goal no longer exists."))
        return None
    if not may_edit(w, goal.country):
        if update.callback_query is not None:
            await update.callback_query.answer(edit_refusal(w, goal.country), show_alert=True)
        else:
            await _say(update, edit_refusal(w, goal.country))
        return None
    return goal


async def _show_goal(update: Update, w: Who, goal_id: int, headline: str) -> None:
    goal = await w.svc.repo.goals.get_goal(goal_id)
    assert goal is not None and update.effective_message is not None
    text, markup = await goal_screen(w, goal)
    await update.effective_message.reply_text(headline)
    await update.effective_message.reply_text(text, reply_markup=markup)


async def _audit(w: Who, action: str, goal_id: int) -> None:
    if privileged(w):
        await w.svc.repo.participants.audit(w.user_id, action, w.svc.clock.now(),
                               target=f"goal:{goal_id}")


# Goal: add and edit ---------------------------------------------------------------------------


async def _start_goal(update: Update, context: BotContext, w: Who,
                      country: str, goal: Goal | None) -> int:
    _ = w.view.tr.gettext
    draft = _draft(context)
    draft.clear()
    draft.update(kind="goal", country=country, goal_id=goal.id if goal else None)
    if goal is None:
        await _say(update, _("New goal for {country}. Send the title (up to {limit} "
                             "characters). /cancel stops without saving.").format(
            country=gv.country_title(w.view, w.svc.schedule, country), limit=TITLE_MAX),
            _keyboard(_cancel_button(w)))
    else:
        draft.update(title=goal.title, description=goal.description,
                     target_date=goal.target_date)
        await _say(update, _("Editing the goal. Current title:\n<b>{title}</b>\n\nSend a new "
                             "title (up to {limit} characters) or keep it.").format(
            title=escape(goal.title), limit=TITLE_MAX),
            _keyboard(("✔️ " + _("Keep"), "gf:keep"), _cancel_button(w)))
    return TITLE


async def start_add(update: Update, context: BotContext) -> int:
    w = await context.who()
    _ = w.view.tr.gettext
    if update.callback_query is not None:
        assert update.callback_query.data is not None
        country: str | None = update.callback_query.data.split(":")[2]
    else:
        args = context.args or []
        country = args[0].upper() if args else w.person.country
    if country is None or w.svc.schedule.country(country) is None:
        await _say(update, _("Which country? For example /addgoal PE."))
        return END
    if not may_edit(w, country):
        if update.callback_query is not None:
            await update.callback_query.answer(edit_refusal(w, country), show_alert=True)
        else:
            await _say(update, edit_refusal(w, country))
        return END
    if len(await w.svc.repo.goals.goals(country)) >= GOALS_MAX:
        await _say(update, _("A group can have at most {limit} goals.").format(limit=GOALS_MAX))
        return END
    return await _start_goal(update, context, w, country, None)


async def start_edit(update: Update, context: BotContext) -> int:
    w = await context.who()
    assert update.callback_query is not None and update.callback_query.data is not None
    goal = await _editable_goal(update, w, int(update.callback_query.data.split(":")[2]))
    if goal is None:
        return END
    return await _start_goal(update, context, w, goal.country, goal)


def _editing(context: BotContext) -> bool:
    return _draft(context).get("goal_id") is not None


async def _ask_description(update: Update, context: BotContext, w: Who) -> int:
    _ = w.view.tr.gettext
    draft = _draft(context)
    if _editing(context):
        current = draft.get("description")
        text = _("Current description:\n{text}\n\nSend a new description (up to {limit} "
                 "characters), keep it or remove it.").format(
            text=escape(current) if current else "—", limit=DESCRIPTION_MAX)
        markup = _keyboard(("✔️ " + _("Keep"), "gf:keep"), ("🗑 " + _("Remove"), "gf:clear"),
                           _cancel_button(w))
    else:
        text = _("Now a short description (up to {limit} characters), or press Skip.").format(
            limit=DESCRIPTION_MAX)
        markup = _keyboard(("⏭ " + _("Skip"), "gf:skip"), _cancel_button(w))
    await _say(update, text, markup)
    return DESCRIPTION


async def got_title(update: Update, context: BotContext) -> int:
    w = await context.who()
    title = _text(update)
    if not title:
        await _say(update, w.view.tr.gettext("Please send the title as text."))
        return TITLE
    if len(title) > TITLE_MAX:
        await _too_long(update, w, len(title), TITLE_MAX)
        return TITLE
    _draft(context)["title"] = title
    return await _ask_description(update, context, w)


async def keep_title(update: Update, context: BotContext) -> int:
    if not _draft(context).get("title"):  # "Keep" exists only when editing
        return await unexpected(update, context)
    w = await context.who()
    return await _ask_description(update, context, w)


async def _ask_target(update: Update, context: BotContext, w: Who) -> int:
    _ = w.view.tr.gettext
    example = _("Write it like 2021-05-30 or 30/05/2021.")
    if _editing(context):
        current = _draft(context).get("target_date")
        text = _("Current target date: {date}. Send a new one, keep it or remove it.").format(
            date=gv.day(w.view, current) if isinstance(current, date) else "—")
        markup = _keyboard(("✔️ " + _("Keep"), "gf:keep"), ("🗑 " + _("Remove"), "gf:clear"),
                           _cancel_button(w))
    else:
        text = _("By when should the goal be reached? Send a target date, or press Skip.")
        markup = _keyboard(("⏭ " + _("Skip"), "gf:skip"), _cancel_button(w))
    await _say(update, text + "\n" + example, markup)
    return TARGET


async def got_description(update: Update, context: BotContext) -> int:
    w = await context.who()
    text = _text(update)
    if len(text) > DESCRIPTION_MAX:
        await _too_long(update, w, len(text), DESCRIPTION_MAX)
        return DESCRIPTION
    _draft(context)["description"] = text or None
    return await _ask_target(update, context, w)


async def skip_description(update: Update, context: BotContext) -> int:
    w = await context.who()
    assert update.callback_query is not None
    if update.callback_query.data in ("gf:skip", "gf:clear"):
        _draft(context)["description"] = None
    return await _ask_target(update, context, w)


async def _preview_goal(update: Update, context: BotContext, w: Who) -> int:
    _ = w.view.tr.gettext
    draft = _draft(context)
    await _say(update, gv.draft_text(w.view, w.svc.schedule, draft["country"], draft),
               _keyboard(("💾 " + _("Save"), "gf:save"), _cancel_button(w)))
    return CONFIRM_GOAL


async def got_target(update: Update, context: BotContext) -> int:
    w = await context.who()
    target = parse_date(_text(update))
    if target is None:
        await _bad_date(update, w)
        return TARGET
    _draft(context)["target_date"] = target
    return await _preview_goal(update, context, w)


async def skip_target(update: Update, context: BotContext) -> int:
    w = await context.who()
    assert update.callback_query is not None
    if update.callback_query.data in ("gf:skip", "gf:clear"):
        _draft(context)["target_date"] = None
    return await _preview_goal(update, context, w)


async def save_goal(update: Update, context: BotContext) -> int:
    w = await context.who()
    _ = w.view.tr.gettext
    draft = _draft(context)
    country, goal_id = draft["country"], draft.get("goal_id")
    if not may_edit(w, country):  # rights may have changed while the person typed
        await _say(update, edit_refusal(w, country))
        return END
    store, now = w.svc.repo.goals, w.svc.clock.now()
    fields = {k: draft.get(k) for k in ("title", "description", "target_date")}
    if goal_id is None:
        goal_id = await store.add_goal(country, str(fields["title"]), fields["description"],
                                       fields["target_date"], w.user_id, now)
        await _audit(w, "goal_add", goal_id)
        headline = "✅ " + _("Goal saved.")
    else:
        if await store.get_goal(goal_id) is None:
            await _say(update, _("This goal no longer exists."))
            return END
        changed = await store.edit_goal(goal_id, w.user_id, now, **fields)
        if changed:
            await _audit(w, "goal_edit", goal_id)
        headline = "✅ " + (_("Goal updated.") if changed else _("Nothing changed."))
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _show_goal(update, w, goal_id, headline)
    return END


# Action step ------------------------------------------------------------------------------------


async def start_step(update: Update, context: BotContext) -> int:
    w = await context.who()
    _ = w.view.tr.gettext
    assert update.callback_query is not None and update.callback_query.data is not None
    goal = await _editable_goal(update, w, int(update.callback_query.data.split(":")[2]))
    if goal is None:
        return END
    if len((await w.svc.repo.goals.steps([goal.id])).get(goal.id, [])) >= STEPS_MAX:
        await _say(update, _("A goal can have at most {limit} action steps.").format(
            limit=STEPS_MAX))
        return END
    draft = _draft(context)
    draft.clear()
    draft.update(kind="step", goal_id=goal.id, country=goal.country)
    await _say(update, _("New action step for: {title}\nWhat needs to be done? (up to {limit} "
                         "characters)").format(title=f"<b>{escape(goal.title)}</b>",
                                                limit=STEP_MAX),
               _keyboard(_cancel_button(w)))
    return STEP_TEXT


async def got_step_text(update: Update, context: BotContext) -> int:
    w = await context.who()
    _ = w.view.tr.gettext
    text = _text(update)
    if not text:
        await _say(update, _("Please send the step as text."))
        return STEP_TEXT
    if len(text) > STEP_MAX:
        await _too_long(update, w, len(text), STEP_MAX)
        return STEP_TEXT
    draft = _draft(context)
    draft["text"] = text
    members = await w.svc.repo.goals.core_members(draft["country"])
    buttons = [("👤 " + m.name, f"gf:who:{m.user_id}") for m in members[:12]]
    await _say(update, _("Who is responsible? Pick a member of the group or type a name."),
               _keyboard(*buttons, ("⏭ " + _("Skip"), "gf:skip"), _cancel_button(w)))
    return RESPONSIBLE


async def _ask_due(update: Update, w: Who) -> int:
    _ = w.view.tr.gettext
    await _say(update, _("When is it due? Write it like 2021-05-30 or 30/05/2021, or press "
                         "Skip."),
               _keyboard(("⏭ " + _("Skip"), "gf:skip"), _cancel_button(w)))
    return DUE


async def got_responsible(update: Update, context: BotContext) -> int:
    w = await context.who()
    name = _text(update)
    if not name:
        await _say(update, w.view.tr.gettext("Please type a name or pick one with the buttons."))
        return RESPONSIBLE
    if len(name) > RESPONSIBLE_MAX:
        await _too_long(update, w, len(name), RESPONSIBLE_MAX)
        return RESPONSIBLE
    _draft(context).update(responsible=name, responsible_id=None)
    return await _ask_due(update, w)


async def pick_responsible(update: Update, context: BotContext) -> int:
    w = await context.who()
    assert update.callback_query is not None and update.callback_query.data is not None
    draft = _draft(context)
    data = update.callback_query.data
    if data == "gf:skip":
        draft.update(responsible=None, responsible_id=None)
        return await _ask_due(update, w)
    user_id = int(data.split(":")[2])
    members = {m.user_id: m for m in await w.svc.repo.goals.core_members(draft["country"])}
    if user_id not in members:  # forged, or no longer in the group
        await update.callback_query.answer(
            w.view.tr.gettext("Please type a name or pick one with the buttons."),
            show_alert=True)
        return RESPONSIBLE
    draft.update(responsible=members[user_id].name, responsible_id=user_id)
    return await _ask_due(update, w)


async def _preview_step(update: Update, context: BotContext, w: Who) -> int:
    _ = w.view.tr.gettext
    draft = _draft(context)
    goal = await w.svc.repo.goals.get_goal(draft["goal_id"])
    if goal is None:
        await _say(update, _("This goal no longer exists."))
        return END
    await _say(update, gv.step_draft_text(w.view, goal, draft),
               _keyboard(("💾 " + _("Save"), "gf:save"), _cancel_button(w)))
    return CONFIRM_STEP


async def got_due(update: Update, context: BotContext) -> int:
    w = await context.who()
    due = parse_date(_text(update))
    if due is None:
        await _bad_date(update, w)
        return DUE
    _draft(context)["due_date"] = due
    return await _preview_step(update, context, w)


async def skip_due(update: Update, context: BotContext) -> int:
    w = await context.who()
    _draft(context)["due_date"] = None
    return await _preview_step(update, context, w)


async def save_step(update: Update, context: BotContext) -> int:
    w = await context.who()
    draft = _draft(context)
    goal = await _editable_goal(update, w, draft["goal_id"])
    if goal is None:
        return END
    await w.svc.repo.goals.add_step(
        goal.id, draft["text"], draft.get("responsible"), draft.get("responsible_id"),
        draft.get("due_date"), w.user_id, w.svc.clock.now())
    await _audit(w, "goal_step_add", goal.id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _show_goal(update, w, goal.id, "✅ " + w.view.tr.gettext("Step saved."))
    return END


# Progress note ------------------------------------------------------------------------------------


async def start_note(update: Update, context: BotContext) -> int:
    w = await context.who()
    _ = w.view.tr.gettext
    assert update.callback_query is not None and update.callback_query.data is not None
    goal = await _editable_goal(update, w, int(update.callback_query.data.split(":")[2]))
    if goal is None:
        return END
    draft = _draft(context)
    draft.clear()
    draft.update(kind="note", goal_id=goal.id, country=goal.country)
    await _say(update, _("Progress note for: {title}\nWhat happened? (up to {limit} "
                         "characters)").format(title=f"<b>{escape(goal.title)}</b>",
                                                limit=NOTE_MAX),
               _keyboard(_cancel_button(w)))
    return NOTE_TEXT


async def got_note(update: Update, context: BotContext) -> int:
    w = await context.who()
    _ = w.view.tr.gettext
    text = _text(update)
    if not text:
        await _say(update, _("Please send the note as text."))
        return NOTE_TEXT
    if len(text) > NOTE_MAX:
        await _too_long(update, w, len(text), NOTE_MAX)
        return NOTE_TEXT
    draft = _draft(context)
    draft["text"] = text
    goal = await w.svc.repo.goals.get_goal(draft["goal_id"])
    if goal is None:
        await _say(update, _("This goal no longer exists."))
        return END
    await _say(update, gv.note_draft_text(w.view, goal, text),
               _keyboard(("💾 " + _("Save"), "gf:save"), _cancel_button(w)))
    return CONFIRM_NOTE


async def save_note(update: Update, context: BotContext) -> int:
    w = await context.who()
    draft = _draft(context)
    goal = await _editable_goal(update, w, draft["goal_id"])
    if goal is None:
        return END
    await w.svc.repo.goals.add_note(goal.id, draft["text"], w.user_id, w.svc.clock.now())
    await _audit(w, "goal_note", goal.id)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _show_goal(update, w, goal.id, "✅ " + w.view.tr.gettext("Note saved."))
    return END


# Leaving, and input that does not fit the step ------------------------------------------------


async def cancel(update: Update, context: BotContext) -> int:
    w = await context.who()
    await _say(update, w.view.tr.gettext("Cancelled: nothing was saved."))
    return END


async def unexpected(update: Update, context: BotContext) -> int:
    """Anything a step cannot use: say what is expected, stay in the same step."""
    w = await context.who()
    _ = w.view.tr.gettext
    state = int(_draft(context).get("state", TITLE))
    if state in TEXT_STATES:
        text = _("Please answer with a text message, or send /cancel to stop.")
    else:
        text = _("Please press Save or Cancel under the preview, or send /cancel.")
    if update.callback_query is not None:
        await update.callback_query.answer(
            _("That button belongs to an earlier step.") + " " + text, show_alert=True)
    else:
        await _say(update, text)
    return state


def register(app: Application) -> None:
    def text_step(step: Step) -> BaseHandler[Any, Any, Any]:
        return MessageHandler(TEXT, _stop(step))

    def button(step: Step, pattern: str) -> BaseHandler[Any, Any, Any]:
        return CallbackQueryHandler(_stop(step), pattern=pattern)

    keep_skip = r"^gf:(skip|keep|clear)$"
    with warnings.catch_warnings():
        # per_message=False is right here (text steps); ptb warns about the button steps.
        warnings.filterwarnings("ignore", category=PTBUserWarning,
                                message=".*per_message=False.*")
        conversation = ConversationHandler(
            entry_points=[
                CommandHandler("addgoal", _stop(start_add)),
                button(start_add, r"^g:add:[A-Z]{2}$"),
                button(start_edit, r"^g:e:\d{1,12}$"),
                button(start_step, r"^g:as:\d{1,12}$"),
                button(start_note, r"^g:n:\d{1,12}$"),
            ],
            states={
                TITLE: [text_step(got_title), button(keep_title, r"^gf:keep$")],
                DESCRIPTION: [text_step(got_description), button(skip_description, keep_skip)],
                TARGET: [text_step(got_target), button(skip_target, keep_skip)],
                CONFIRM_GOAL: [button(save_goal, r"^gf:save$")],
                STEP_TEXT: [text_step(got_step_text)],
                RESPONSIBLE: [text_step(got_responsible),
                              button(pick_responsible, r"^gf:(who:\d{1,12}|skip)$")],
                DUE: [text_step(got_due), button(skip_due, r"^gf:skip$")],
                CONFIRM_STEP: [button(save_step, r"^gf:save$")],
                NOTE_TEXT: [text_step(got_note)],
                CONFIRM_NOTE: [button(save_note, r"^gf:save$")],
            },
            fallbacks=[
                CommandHandler("cancel", _stop(cancel)),
                button(cancel, r"^gf:cancel$"),
                button(unexpected, r"^gf:"),
                MessageHandler(~filters.COMMAND, _stop(unexpected)),
            ],
            per_user=True,
            per_chat=True,
            per_message=False,
            allow_reentry=True,
            name="goals",
        )
    app.add_handler(conversation, group=Group.FORMS)
