"""/goals, the goals export, and the buttons that show and change goals.

Buttons and their callback data: bot/goals/keyboards.py. Every button that touches a goal loads
it and checks the rights for that goal's country on the server: callback data can be forged.
The closing review is in handlers/goals/review.py, the guided forms in goal_form.py and
step_note_forms.py.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.callbacks import CallbackData
from bot.context import BotContext, Who
from bot.goals import texts as gv
from bot.goals.keyboards import (
    STALE_PREFIX,
    AllCountries,
    CountryPicker,
    GoalHistory,
    GoalList,
    OpenGoal,
    SetStatus,
    StatusMenu,
    TickStep,
    is_country_code,
)
from bot.goals.rules import STATUS_CODES, Goal, reads_all
from handlers.common import Callback, alert, private_only, restricted, show
from handlers.goals.screens import (
    Screen,
    audited,
    country_picker,
    goal_screen,
    history_screen,
    list_screen,
    load_goal,
    may_read,
    privileged,
    read_refusal,
    stale,
    status_screen,
    summary_screen,
)

# /goals -------------------------------------------------------------------------------------


async def goals_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    if w.member.staff and not await private_only(update, context):
        return  # staff see every country's goals and figures: a staff answer (restricted())
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    args = context.args or []
    if args and args[0].lower() == "all":
        await goals_all(update, context)
        return
    codes = {c.code for c in w.svc.schedule.countries}
    code = args[0].upper() if args else None
    if code is not None and code not in codes:
        await update.effective_message.reply_text(
            _("Usage: /goals, /goals all, or /goals with a country code: {codes}.").format(
                codes=", ".join(sorted(codes))))
        return
    if code is None:
        if privileged(w):
            await show(update, *await summary_screen(w))
            return
        if w.person.country in codes:
            code = w.person.country
        elif reads_all(w.member):
            await show(update, *country_picker(w))
            return
        else:
            await update.effective_message.reply_text(
                _("Choose your country in /settings first: goals belong to each country's "
                  "core group."))
            return
    assert code is not None
    if not may_read(w, code):
        await update.effective_message.reply_text(read_refusal(w))
        return
    await show(update, *await list_screen(w, code))


@restricted("facilitator")
async def goals_all(update: Update, context: BotContext) -> None:
    w = await context.who()
    if update.callback_query is not None:
        await update.callback_query.answer()
    await show(update, *await summary_screen(w))


async def on_list(update: Update, context: BotContext) -> None:
    w = await context.who()
    code = context.pressed(GoalList).country
    if not is_country_code(code):
        await stale(update, w)
        return
    if w.svc.schedule.country(code) is None or not may_read(w, code):
        await alert(update, read_refusal(w))
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *await list_screen(w, code))


async def on_countries(update: Update, context: BotContext) -> None:
    w = await context.who()
    if not reads_all(w.member):
        await alert(update, read_refusal(w))
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *country_picker(w))


async def _goal_view(
    update: Update,
    context: BotContext,
    codec: type[OpenGoal] | type[GoalHistory] | type[StatusMenu],
    screen: Callable[[Who, Goal], Awaitable[Screen]],
    edit: bool,
) -> None:
    """Open one goal's screen after the server-side right check (edit or read)."""
    w = await context.who()
    goal = await load_goal(update, w, context.pressed(codec).goal, edit=edit)
    if goal is None:
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *await screen(w, goal))


async def _status(w: Who, goal: Goal) -> Screen:
    return status_screen(w, goal)


async def on_open(update: Update, context: BotContext) -> None:
    await _goal_view(update, context, OpenGoal, goal_screen, edit=False)


async def on_history(update: Update, context: BotContext) -> None:
    await _goal_view(update, context, GoalHistory, history_screen, edit=False)


async def on_status_menu(update: Update, context: BotContext) -> None:
    await _goal_view(update, context, StatusMenu, _status, edit=True)


async def on_set_status(update: Update, context: BotContext) -> None:
    w = await context.who()
    data = context.pressed(SetStatus)
    goal = await load_goal(update, w, data.goal, edit=True)
    if goal is None:
        return
    status = STATUS_CODES[data.code]
    async with audited(w, "goal_status", goal.id, status) as entry:
        changed = await w.svc.repo.goals.set_status(goal.id, status, w.user_id,
                                                    w.svc.clock.now())
        if not changed:
            entry.skip()
    assert update.callback_query is not None
    await update.callback_query.answer(
        w.view.tr.gettext("Status: {status}").format(status=gv.status_label(w.view, status)))
    fresh = await w.svc.repo.goals.get_goal(goal.id)
    assert fresh is not None
    await show(update, *await goal_screen(w, fresh))


async def on_tick(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    data = context.pressed(TickStep)
    goal = await load_goal(update, w, data.goal, edit=True)
    if goal is None:
        return
    async with audited(w, "goal_step", goal.id) as entry:
        step = await w.svc.repo.goals.toggle_step(goal.id, data.step, w.user_id,
                                                  w.svc.clock.now())
        if step is None:
            entry.skip()
        else:
            entry.detail = f"{step.id}:{'done' if step.done else 'not done'}"
    if step is None:
        await alert(update, _("This step no longer exists."))
        return
    assert update.callback_query is not None
    await update.callback_query.answer(_("Step done ✅") if step.done else _("Step not done ⬜"))
    fresh = await w.svc.repo.goals.get_goal(goal.id)
    assert fresh is not None
    await show(update, *await goal_screen(w, fresh))


async def on_stale(update: Update, context: BotContext) -> None:
    """Goal button data that no handler above accepts (old or forged)."""
    await stale(update, await context.who())


# /export goals ------------------------------------------------------------------------------


def register(app: Application) -> None:
    app.add_handler(CommandHandler("goals", goals_command))
    buttons: list[tuple[type[CallbackData], Callback]] = [
        (GoalList, on_list),
        (CountryPicker, on_countries),
        (AllCountries, goals_all),
        (OpenGoal, on_open),
        (GoalHistory, on_history),
        (StatusMenu, on_status_menu),
        (SetStatus, on_set_status),
        (TickStep, on_tick),
    ]
    for codec, callback in buttons:
        app.add_handler(CallbackQueryHandler(callback, pattern=codec.pattern()))


def register_fallback(app: Application) -> None:
    """After every goal handler (and the forms' "gf:" fallback): stale "g:" data."""
    app.add_handler(CallbackQueryHandler(on_stale, pattern=re.compile(STALE_PREFIX)))
