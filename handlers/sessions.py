"""/next, /schedule, /session N (with its buttons: join, add to calendar, materials, rate)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.feedback.rules import may_answer
from bot.membership import in_audience, shown
from bot.parsing import parse_int
from bot.sessions import texts
from bot.sessions.keyboards import next_keyboard, session_keyboard


async def next_session(update: Update, context: BotContext) -> None:
    w = await context.who()
    now = w.svc.clock.now()
    schedule = w.svc.schedule
    session = schedule.next_session(now, shown(schedule, w.member))
    join = session is not None and in_audience(session, w.member)
    text = texts.next_text(w.view, schedule, session, now, join=join)
    if w.person.zone is None:
        text += "\n\n" + w.view.tr.gettext(
            "Times are in UTC. Choose your country in /settings to see your local time."
        )
    markup = None
    if session is not None:
        markup = next_keyboard(w.view, session.number,
                               schedule.join_link(session) if join else None)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


async def full_schedule(update: Update, context: BotContext) -> None:
    w = await context.who()
    sessions = shown(w.svc.schedule, w.member)
    text = texts.schedule_text(w.view, w.svc.schedule, sessions, w.svc.clock.now())
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)


async def one_session(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    svc = w.svc
    numbers = [s.number for s in svc.schedule.sessions]
    args = context.args or []
    number = parse_int(args[0]) if len(args) == 1 else None
    session = svc.schedule.session(number) if number is not None else None
    assert update.effective_message is not None
    if session is None:
        await update.effective_message.reply_text(
            _("Please give a session number from {first} to {last}, for example /session 3.")
            .format(first=min(numbers), last=max(numbers))
        )
        return
    now = svc.clock.now()
    mine = in_audience(session, w.member)
    items = await svc.repo.materials.for_session(session.number) if mine else []
    # Their own rating only in their private chat: nothing about a person goes to a group.
    private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
    record = await svc.repo.attendance.get(w.user_id, session.number) if private else None
    rate = private and may_answer(session, record, now) == "ok"
    answer = await svc.repo.feedback.get(w.user_id, session.number) if rate else None
    link = svc.schedule.join_link(session) if mine and session.end > now else None
    await update.effective_message.reply_text(
        texts.session_text(w.view, svc.schedule, session, now, join=mine, materials=items,
                           rating=answer.rating if answer else None),
        reply_markup=session_keyboard(w.view, session.number, link=link, materials=len(items),
                                      rate=rate, rated=answer is not None),
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("next", next_session))
    app.add_handler(CommandHandler("schedule", full_schedule))
    app.add_handler(CommandHandler("session", one_session))
