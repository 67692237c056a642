"""Feedback: the 1-5 rating buttons, the optional comment (pending input "feedback_comment",
data {"session": N}), answering later from /session N, and /feedback N [COUNTRY] for staff
within their countries; /export feedback for organizers."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.feedback import rules
from bot.feedback import texts as ft
from bot.feedback.keyboards import AskFeedback, Rate, SkipComment, rating_keyboard, skip_keyboard
from bot.membership import may_act_on
from bot.parsing import parse_int
from bot.people.rules import find_country
from bot.schedule import Session
from bot.storage.pending import Pending
from bot.viewer import scope_refusal
from handlers import input
from handlers.common import alert, restricted, show, stale_button

KIND = "feedback_comment"


async def _answerable(update: Update, w: Who, number: int) -> Session | None:
    """The session, if this person may answer its question now; else a short alert."""
    session = w.svc.schedule.session(number)
    record = await w.svc.repo.attendance.get(w.user_id, number)
    why = rules.may_answer(session, record, w.svc.clock.now())
    if why != "ok":
        await alert(update, ft.refusal(w.view, why))
        return None
    return session


async def on_rate(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    w = await context.who()
    pressed = Rate.parse(query.data)
    if pressed is None or pressed.rating not in rules.RATINGS:
        await stale_button(update, context)
        return
    session = await _answerable(update, w, pressed.session)
    if session is None:
        return
    store = w.svc.repo.feedback
    before = await store.get(w.user_id, session.number)
    await store.rate(w.user_id, session.number, pressed.rating, country=w.person.country,
                     group=w.person.group, language=w.view.lang, now=w.svc.clock.now())
    await query.answer()
    await input.ask(update, context, KIND, {"session": session.number})
    await show(update, ft.rated(w.view, session, pressed.rating, bool(before and before.comment)),
               skip_keyboard(w.view, session.number))


async def on_skip(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    w = await context.who()
    pressed = SkipComment.parse(query.data)
    session = w.svc.schedule.session(pressed.session) if pressed else None
    if session is None:
        await stale_button(update, context)
        return
    await query.answer()
    await input.done(update, context, KIND)
    answer = await w.svc.repo.feedback.get(w.user_id, session.number)
    await show(update, ft.thanks(w.view, session, answer.rating if answer else None))


async def on_comment(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    number = int(pending.data["session"])
    session = w.svc.schedule.session(number)
    if session is None:
        await input.done(update, context, KIND)
        return
    text = (message.text or "").strip()
    if not text:
        await message.reply_text(ft.comment_not_text(w.view),
                                 reply_markup=skip_keyboard(w.view, number))
        return
    if len(text) > rules.COMMENT_MAX:
        await message.reply_text(ft.comment_too_long(w.view, len(text)),
                                 reply_markup=skip_keyboard(w.view, number))
        return
    await input.done(update, context, KIND)
    await w.svc.repo.feedback.comment(w.user_id, number, text, w.svc.clock.now())
    await message.reply_text(ft.comment_saved(w.view))


async def on_ask(update: Update, context: BotContext) -> None:
    """"Rate this session" on /session N: the question again, for a first or a new answer."""
    query = update.callback_query
    assert query is not None
    w = await context.who()
    pressed = AskFeedback.parse(query.data)
    if pressed is None:
        await stale_button(update, context)
        return
    session = await _answerable(update, w, pressed.session)
    if session is None:
        return
    await query.answer()
    await context.bot.send_message(query.from_user.id,
                                   ft.question(w.view, w.svc.schedule, session),
                                   reply_markup=rating_keyboard(session.number))


def _ended(w: Who, args: list[str]) -> Session | None:
    """Session N, or without N the last one that has ended."""
    if args:
        number = parse_int(args[0])
        return w.svc.schedule.session(number) if number is not None else None
    now = w.svc.clock.now()
    return next((s for s in reversed(w.svc.schedule.sessions) if s.end <= now), None)


@restricted("facilitator")
async def feedback_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    message = update.effective_message
    assert message is not None
    args = context.args or []
    session = _ended(w, args[:1])
    country = find_country(w.svc.schedule, " ".join(args[1:])) if len(args) > 1 else None
    if session is None or (len(args) > 1 and country is None):
        numbers = [s.number for s in w.svc.schedule.sessions]
        await message.reply_text(w.view.tr.gettext(
            "Please give a session number from {first} to {last}, for example {example}.")
            .format(first=min(numbers), last=max(numbers), example="/feedback 3 GH"))
        return
    if country is not None and not may_act_on(w.member, country.code):
        await message.reply_text(scope_refusal(w.view, w.svc.schedule, w.member.scope, "feedback"))
        return
    # A facilitator limited to some countries sees the answers of people from those only.
    codes = [c.code for c in w.svc.schedule.countries if may_act_on(w.member, c.code)
             and (country is None or c.code == country.code)]
    rows = [r for r in await w.svc.repo.feedback.ratings(session.number)
            if may_act_on(w.member, r.country) and (country is None or r.country in codes)]
    figures = rules.summarize(rows, codes,
                              w.svc.schedule.after_session.min_answers_shown)
    for text in ft.summary(w.view, w.svc.schedule, session, figures):
        await message.reply_text(text)


def register(app: Application) -> None:
    input.expect(KIND, on_comment)
    app.add_handler(CallbackQueryHandler(on_rate, pattern=Rate.pattern()))
    app.add_handler(CallbackQueryHandler(on_skip, pattern=SkipComment.pattern()))
    app.add_handler(CallbackQueryHandler(on_ask, pattern=AskFeedback.pattern()))
    app.add_handler(CommandHandler("feedback", feedback_command))
