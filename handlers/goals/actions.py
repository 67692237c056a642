"""/goals, /review, the goals export, and the goal buttons (see handlers/goal_screens.py).

Every button that touches a goal loads it and checks the rights for that goal's country on the
server: callback data can be forged.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from tempfile import TemporaryDirectory

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.goals import texts as gv
from bot.goals.export import write_goals
from bot.goals.jobs import announce_results, invite_to_review
from bot.goals.rules import (
    RATING_CODES,
    STATUS_CODES,
    Goal,
    closing_session,
    reads_all,
    review_is_open,
    review_result,
    review_results,
)
from handlers.common import restricted, show
from handlers.goals.screens import (
    country_picker,
    edit_refusal,
    goal_screen,
    history_screen,
    list_screen,
    may_edit,
    may_read,
    privileged,
    read_refusal,
    review_screen,
    status_screen,
    summary_screen,
)


def _parts(update: Update) -> list[str]:
    assert update.callback_query is not None and update.callback_query.data is not None
    return update.callback_query.data.split(":")


async def _alert(update: Update, text: str) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(text, show_alert=True)


async def _load(update: Update, w: Who, goal_id: str, *, edit: bool) -> Goal | None:
    """The goal, if it exists and this person may read (or edit) it; else a refusal."""
    goal = await w.svc.repo.goals.get_goal(int(goal_id))
    if goal is None:
        await _alert(update, w.view.tr.gettext("This goal no longer exists."))
        return None
    if edit and not may_edit(w, goal.country):
        await _alert(update, edit_refusal(w, goal.country))
        return None
    if not may_read(w, goal.country):
        await _alert(update, read_refusal(w))
        return None
    return goal


async def _audit(w: Who, action: str, goal: Goal, detail: str | None = None) -> None:
    """Changes made with facilitator/organizer rights go to the audit log too."""
    if privileged(w):
        await w.svc.repo.participants.audit(w.user_id, action, w.svc.clock.now(),
                               target=f"goal:{goal.id}", detail=detail)


# /goals -------------------------------------------------------------------------------------


async def goals_command(update: Update, context: BotContext) -> None:
    w = await context.who()
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
        elif reads_all(w.role, w.person.group):
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
    code = _parts(update)[2]
    if w.svc.schedule.country(code) is None or not may_read(w, code):
        await _alert(update, read_refusal(w))
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *await list_screen(w, code))


async def on_countries(update: Update, context: BotContext) -> None:
    w = await context.who()
    if not reads_all(w.role, w.person.group):
        await _alert(update, read_refusal(w))
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *country_picker(w))


async def _goal_view(
    update: Update,
    context: BotContext,
    screen: Callable[[Who, Goal], Awaitable[tuple[str, InlineKeyboardMarkup]]],
    edit: bool,
) -> None:
    """Open one goal's screen after the server-side right check (edit or read)."""
    w = await context.who()
    goal = await _load(update, w, _parts(update)[2], edit=edit)
    if goal is None:
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *await screen(w, goal))


async def _status(w: Who, goal: Goal) -> tuple[str, InlineKeyboardMarkup]:
    return status_screen(w, goal)


async def on_open(update: Update, context: BotContext) -> None:
    await _goal_view(update, context, goal_screen, edit=False)


async def on_history(update: Update, context: BotContext) -> None:
    await _goal_view(update, context, history_screen, edit=False)


async def on_status_menu(update: Update, context: BotContext) -> None:
    await _goal_view(update, context, _status, edit=True)


async def on_set_status(update: Update, context: BotContext) -> None:
    w = await context.who()
    _prefix, _kind, goal_id, code = _parts(update)
    goal = await _load(update, w, goal_id, edit=True)
    if goal is None:
        return
    status = STATUS_CODES[code]
    changed = await w.svc.repo.goals.set_status(goal.id, status, w.user_id,
                                                w.svc.clock.now())
    if changed:
        await _audit(w, "goal_status", goal, status)
    assert update.callback_query is not None
    await update.callback_query.answer(
        w.view.tr.gettext("Status: {status}").format(status=gv.status_label(w.view, status)))
    fresh = await w.svc.repo.goals.get_goal(goal.id)
    assert fresh is not None
    await show(update, *await goal_screen(w, fresh))


async def on_tick(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    _prefix, _kind, goal_id, step_id = _parts(update)
    goal = await _load(update, w, goal_id, edit=True)
    if goal is None:
        return
    step = await w.svc.repo.goals.toggle_step(goal.id, int(step_id), w.user_id,
                                              w.svc.clock.now())
    if step is None:
        await _alert(update, _("This step no longer exists."))
        return
    await _audit(w, "goal_step", goal, f"{step.id}:{'done' if step.done else 'not done'}")
    assert update.callback_query is not None
    await update.callback_query.answer(_("Step done ✅") if step.done else _("Step not done ⬜"))
    fresh = await w.svc.repo.goals.get_goal(goal.id)
    assert fresh is not None
    await show(update, *await goal_screen(w, fresh))


async def on_expired_form(update: Update, context: BotContext) -> None:
    """A form button pressed after the form ended (or after a restart)."""
    w = await context.who()
    await _alert(update, w.view.tr.gettext(
        "This form is no longer open. Start again from /goals."))


async def on_stale(update: Update, context: BotContext) -> None:
    """Button data that matches no goal action (old or forged)."""
    w = await context.who()
    await _alert(update, w.view.tr.gettext("This button no longer works. Open /goals again."))


# Closing review ---------------------------------------------------------------------------


async def _review_open(w: Who) -> bool:
    opened = await w.svc.repo.goals.review_opened_at()
    return review_is_open(w.svc.schedule, w.svc.clock.now(), opened)


def _not_open_text(w: Who) -> str:
    closing = closing_session(w.svc.schedule)
    return w.view.tr.gettext(
        "The closing review opens at the start of session {number} ({date})."
    ).format(number=closing.number, date=w.view.date(closing.start, "medium"))


async def _results_text(w: Who) -> str:
    store = w.svc.repo.goals
    per_country, overall = review_results([c.code for c in w.svc.schedule.countries],
                                          await store.goals(), await store.reviews())
    return gv.results_text(w.view, w.svc.schedule, per_country, overall)


async def review_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    is_open = await _review_open(w)
    if privileged(w):
        rows = [[InlineKeyboardButton(c.code, callback_data=f"g:rv:{c.code}")
                 for c in w.svc.schedule.countries]]
        text = await _results_text(w)
        if not is_open:
            text = _not_open_text(w) + "\n\n" + text
            rows = [[InlineKeyboardButton("🏁 " + _("Open the review now"),
                                          callback_data="g:ro")]]
        await show(update, text, InlineKeyboardMarkup(rows))
        return
    if not is_open:
        await show(update, _not_open_text(w))
        return
    country = w.person.country
    if country is not None and may_edit(w, country):
        await show(update, *await review_screen(w, country))
        return
    await show(update, await _results_text(w))


async def on_review(update: Update, context: BotContext) -> None:
    w = await context.who()
    code = _parts(update)[2]
    if w.svc.schedule.country(code) is None or not may_edit(w, code):
        await _alert(update, edit_refusal(w, code))
        return
    if not await _review_open(w):
        await _alert(update, _not_open_text(w))
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *await review_screen(w, code))


async def on_rate(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    _prefix, _kind, goal_id, code = _parts(update)
    goal = await _load(update, w, goal_id, edit=True)
    if goal is None:
        return
    if not await _review_open(w):
        await _alert(update, _not_open_text(w))
        return
    if goal.status == "dropped":
        await _alert(update, _("This goal was dropped: it is not rated."))
        return
    store = w.svc.repo.goals
    goals = await store.goals(goal.country)
    was_complete = review_result(goals, await store.reviews()).complete
    rating = RATING_CODES[code]
    await store.rate(goal.id, rating, w.user_id, w.svc.clock.now())
    await _audit(w, "goal_review", goal, rating)
    assert update.callback_query is not None
    await update.callback_query.answer(gv.rating_label(w.view, rating))
    await show(update, *await review_screen(w, goal.country))
    if not was_complete and review_result(goals, await store.reviews()).complete:
        # In the background: a fan-out must not hold up everyone else's updates.
        context.application.create_task(
            announce_results(context.application, goal.country), update=update)


async def on_results(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, await _results_text(w), new=True)


@restricted("facilitator")
async def on_open_review(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    now = w.svc.clock.now()
    assert update.callback_query is not None
    await update.callback_query.answer()
    if await w.svc.repo.goals.open_review(w.user_id, now):
        await w.svc.repo.participants.audit(w.user_id, "goal_review_open", now)
    invited = await invite_to_review(context.application)
    text = w.view.tr.ngettext(
        "The closing review is open. {n} core member was invited to rate the goals.",
        "The closing review is open. {n} core members were invited to rate their goals.",
        invited)
    await show(update, text.format(n=invited), new=True)


# /export goals ------------------------------------------------------------------------------


@restricted("organizer")
async def send_goals_export(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.effective_message is not None
    with TemporaryDirectory() as folder:
        for fmt in ("csv", "xlsx"):
            path = Path(folder) / f"goals.{fmt}"
            await write_goals(w.svc.repo, w.svc.schedule, fmt, path)
            await update.effective_message.reply_document(
                document=path.read_bytes(), filename=path.name)
    await w.svc.repo.participants.audit(w.user_id, "export", w.svc.clock.now(), target="goals")


def register(app: Application) -> None:
    app.add_handler(CommandHandler("goals", goals_command))
    app.add_handler(CommandHandler("review", review_command))
    for pattern, callback in [
        (r"^g:l:[A-Z]{2}$", on_list),
        (r"^g:c$", on_countries),
        (r"^g:all$", goals_all),
        (r"^g:o:\d{1,12}$", on_open),
        (r"^g:h:\d{1,12}$", on_history),
        (r"^g:s:\d{1,12}$", on_status_menu),
        (r"^g:st:\d{1,12}:[npdx]$", on_set_status),
        (r"^g:t:\d{1,12}:\d{1,12}$", on_tick),
        (r"^g:rv:[A-Z]{2}$", on_review),
        (r"^g:r:\d{1,12}:[apn]$", on_rate),
        (r"^g:res$", on_results),
        (r"^g:ro$", on_open_review),
        (r"^gf:", on_expired_form),
        (r"^g:", on_stale),
    ]:
        app.add_handler(CallbackQueryHandler(callback, pattern=re.compile(pattern)))
