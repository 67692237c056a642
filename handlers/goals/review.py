"""/review and the closing review buttons: rate a group's goals, see the results, open early.

Buttons and their callback data: bot/goals/keyboards.py (Rate, ReviewCountry, Results,
OpenReview). Rights are checked on the server for every press.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.goals import texts as gv
from bot.goals.jobs import announce_results, invite_to_review
from bot.goals.keyboards import (
    OpenReview,
    Rate,
    Results,
    ReviewCountry,
    is_country_code,
    open_review_keyboard,
    review_countries_keyboard,
)
from bot.goals.rules import (
    RATING_CODES,
    closing_session,
    review_is_open,
    review_result,
    review_results,
)
from bot.viewer import program_wide_refusal
from handlers.common import alert, restricted, show
from handlers.goals.screens import (
    audit,
    edit_refusal,
    load_goal,
    may_edit,
    pressed,
    privileged,
    review_screen,
    stale,
)


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
    is_open = await _review_open(w)
    if privileged(w):
        text = await _results_text(w)
        markup = review_countries_keyboard(w.svc.schedule)
        if not is_open:
            text = _not_open_text(w) + "\n\n" + text
            markup = open_review_keyboard(w.view)
        await show(update, text, markup)
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
    code = pressed(update, ReviewCountry).country
    if not is_country_code(code):
        await stale(update, w)
        return
    if w.svc.schedule.country(code) is None or not may_edit(w, code):
        await alert(update, edit_refusal(w, code))
        return
    if not await _review_open(w):
        await alert(update, _not_open_text(w))
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *await review_screen(w, code))


async def on_rate(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    data = pressed(update, Rate)
    goal = await load_goal(update, w, data.goal, edit=True)
    if goal is None:
        return
    if not await _review_open(w):
        await alert(update, _not_open_text(w))
        return
    if goal.status == "dropped":
        await alert(update, _("This goal was dropped: it is not rated."))
        return
    store = w.svc.repo.goals
    goals = await store.goals(goal.country)
    was_complete = review_result(goals, await store.reviews()).complete
    rating = RATING_CODES[data.code]
    await store.rate(goal.id, rating, w.user_id, w.svc.clock.now())
    await audit(w, "goal_review", goal.id, rating)
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
    now = w.svc.clock.now()
    assert update.callback_query is not None
    if not w.member.unlimited:  # the review opens for every country at once
        await update.callback_query.answer(program_wide_refusal(w.view), show_alert=True)
        return
    await update.callback_query.answer()
    if await w.svc.repo.goals.open_review(w.user_id, now):
        await w.svc.repo.participants.audit(w.user_id, "goal_review_open", now)
    invited = await invite_to_review(context.application)
    text = w.view.tr.ngettext(
        "The closing review is open. {n} core member was invited to rate the goals.",
        "The closing review is open. {n} core members were invited to rate their goals.",
        invited)
    await show(update, text.format(n=invited), new=True)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("review", review_command))
    app.add_handler(CallbackQueryHandler(on_review, pattern=ReviewCountry.pattern()))
    app.add_handler(CallbackQueryHandler(on_rate, pattern=Rate.pattern()))
    app.add_handler(CallbackQueryHandler(on_results, pattern=Results.pattern()))
    app.add_handler(CallbackQueryHandler(on_open_review, pattern=OpenReview.pattern()))
