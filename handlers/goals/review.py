"""/review and the closing review buttons: rate a group's goals, see the results, open the
review early, close a country's review.

Every core member rates each goal (one answer per member and goal, their latest wins); a
country's review closes when every member has answered every goal, or when a facilitator
closes it; then its result goes out once (bot/goals/jobs.py announce_results) and no more
answers are taken. The rule is in bot/goals/rules.py. Buttons and their callback data:
bot/goals/keyboards.py (Rate, ReviewCountry, Results, OpenReview, CloseReview). Rights are
checked on the server for every press.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.goals import texts as gv
from bot.goals.jobs import announce_results, invite_to_review, review_board
from bot.goals.keyboards import (
    CloseReview,
    OpenReview,
    Rate,
    Results,
    ReviewCountry,
    close_confirm_keyboard,
    is_country_code,
    last_answer_keyboard,
    open_review_keyboard,
    review_countries_keyboard,
)
from bot.goals.rules import (
    RATING_CODES,
    can_rate,
    closing_session,
    review_complete,
    review_is_open,
    turnout,
    would_close,
)
from bot.membership import may_act_on
from bot.storage.goals import Review
from bot.viewer import country_name, program_wide_refusal, scope_refusal
from handlers.common import alert, personal, restricted, show
from handlers.goals.screens import (
    audited,
    edit_refusal,
    load_goal,
    may_edit,
    privileged,
    review_members,
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


def _name(w: Who, code: str) -> str:
    country = w.svc.schedule.country(code)
    return country_name(country, w.view.lang) if country else code


def _closed_text(w: Who, code: str) -> str:
    return w.view.tr.gettext(
        "Sorry, the review for {country} is closed: no more answers are taken."
    ).format(country=_name(w, code))


async def _results_text(w: Who) -> str:
    board = await review_board(w.svc.repo, w.svc.schedule)
    return gv.results_text(w.view, w.svc.schedule, board)


@personal
async def review_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    is_open = await _review_open(w)
    if privileged(w):
        text = await _results_text(w)
        markup = review_countries_keyboard(w.svc.schedule, w.member)
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
    code = context.pressed(ReviewCountry).country
    if not is_country_code(code):
        await stale(update, w)
        return
    if w.svc.schedule.country(code) is None:
        await stale(update, w)
        return
    if w.member.staff and not may_act_on(w.member, code):
        await alert(update, scope_refusal(w.view, w.svc.schedule, w.member.scope, "review"))
        return
    if not may_edit(w, code):
        await alert(update, edit_refusal(w, code))
        return
    if not await _review_open(w):
        await alert(update, _not_open_text(w))
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, *await review_screen(w, code))


async def on_rate(update: Update, context: BotContext) -> None:
    """A member's answer for one goal; the answer that completes the group closes its review
    and publishes the result."""
    w = await context.who()
    _ = w.view.tr.gettext
    data = context.pressed(Rate)
    goal = await load_goal(update, w, data.goal, edit=True)
    if goal is None:
        return
    if not await _review_open(w):
        await alert(update, _not_open_text(w))
        return
    if goal.status == "dropped":
        await alert(update, _("This goal was dropped: it is not rated."))
        return
    members = await review_members(w, goal.country)
    if not can_rate(w.user_id, members):  # staff who are not members of this group
        await alert(update, _("Only the core members of {country} rate its goals. Facilitators "
                              "see how many have answered and can close the review.").format(
            country=_name(w, goal.country)))
        return
    store = w.svc.repo.goals
    rating = RATING_CODES[data.code]
    now = w.svc.clock.now()
    if goal.country in await store.closed_reviews():
        await alert(update, _closed_text(w, goal.country))
        return
    goals = await store.goals(goal.country)
    if data.confirm is None and would_close(goals, await store.ratings(goal.country), members,
                                            Review(goal.id, rating, w.user_id, "", now)):
        assert update.callback_query is not None
        await update.callback_query.answer()
        await show(update, gv.last_answer_text(w.view, w.svc.schedule, goal, rating),
                   last_answer_keyboard(w.view, goal, data.code))
        return
    async with audited(w, "goal_review", goal.id, rating) as entry:
        rated = await store.rate(goal.id, rating, w.user_id, now)
        if not rated:
            entry.skip()
    if not rated:
        await alert(update, _closed_text(w, goal.country))
        return
    closed = False
    if review_complete(goals, await store.ratings(goal.country), members):
        closed = await store.close_review(goal.country, None, now)
    assert update.callback_query is not None
    await update.callback_query.answer(gv.rating_label(w.view, rating))
    await show(update, *await review_screen(w, goal.country))
    if closed:
        # In the background: a fan-out must not hold up everyone else's updates.
        context.application.create_task(
            announce_results(context.application, goal.country), update=update)


@restricted("facilitator")
async def on_close(update: Update, context: BotContext) -> None:
    """Close a country's review: first a confirmation, then (":y") closed, audited, and the
    result goes out."""
    w = await context.who()
    _ = w.view.tr.gettext
    data = context.pressed(CloseReview)
    code = data.country
    if not is_country_code(code) or w.svc.schedule.country(code) is None:
        await stale(update, w)
        return
    if not may_act_on(w.member, code):
        await alert(update, scope_refusal(w.view, w.svc.schedule, w.member.scope, "review"))
        return
    if not await _review_open(w):
        await alert(update, _not_open_text(w))
        return
    store = w.svc.repo.goals
    already = _("The review for {country} is already closed.").format(country=_name(w, code))
    if code in await store.closed_reviews():
        await alert(update, already)
        return
    assert update.callback_query is not None
    if data.confirm is None:
        goals = await store.goals(code)
        progress = turnout(goals, await store.ratings(code), await review_members(w, code))
        await update.callback_query.answer()
        await show(update, gv.close_confirm_text(w.view, w.svc.schedule, code, progress),
                   close_confirm_keyboard(w.view, code))
        return
    now = w.svc.clock.now()
    async with w.svc.repo.audited(w.user_id, "goal_review_close", now, target=code) as entry:
        closed = await store.close_review(code, w.user_id, now)
        if not closed:
            entry.skip()
    if not closed:
        await alert(update, already)
        return
    await update.callback_query.answer(
        _("The review for {country} is closed.").format(country=_name(w, code)))
    await show(update, *await review_screen(w, code))
    context.application.create_task(announce_results(context.application, code),
                                    update=update)


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
    async with w.svc.repo.audited(w.user_id, "goal_review_open", now) as entry:
        if not await w.svc.repo.goals.open_review(w.user_id, now):
            entry.skip()
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
    app.add_handler(CallbackQueryHandler(on_close, pattern=CloseReview.pattern()))
