"""/next, /schedule, /session N."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.membership import shown
from bot.parsing import parse_int
from bot.sessions import texts


async def next_session(update: Update, context: BotContext) -> None:
    w = await context.who()
    now = w.svc.clock.now()
    session = w.svc.schedule.next_session(now, shown(w.svc.schedule, w.member))
    text = texts.next_text(w.view, w.svc.schedule, session, now)
    if w.person.zone is None:
        text += "\n\n" + w.view.tr.gettext(
            "Times are in UTC. Choose your country in /settings to see your local time."
        )
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)


async def full_schedule(update: Update, context: BotContext) -> None:
    w = await context.who()
    sessions = shown(w.svc.schedule, w.member)
    text = texts.schedule_text(w.view, w.svc.schedule, sessions, w.svc.clock.now())
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)


async def one_session(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    numbers = [s.number for s in w.svc.schedule.sessions]
    args = context.args or []
    number = parse_int(args[0]) if len(args) == 1 else None
    session = w.svc.schedule.session(number) if number is not None else None
    assert update.effective_message is not None
    if session is None:
        await update.effective_message.reply_text(
            _("Please give a session number from {first} to {last}, for example /session 3.")
            .format(first=min(numbers), last=max(numbers))
        )
        return
    await update.effective_message.reply_text(
        texts.session_text(w.view, w.svc.schedule, session, w.svc.clock.now())
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("next", next_session))
    app.add_handler(CommandHandler("schedule", full_schedule))
    app.add_handler(CommandHandler("session", one_session))
