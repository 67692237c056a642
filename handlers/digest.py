"""/digest (staff: the digest after sessions on or off), the digest's "write to those who
missed it" button (the broadcast flow, its audience preset), and the participants' toggle of
the word after a missed session (on the /reminders screen)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.broadcasts.rules import Audience
from bot.context import BotContext
from bot.warnings.keyboards import DigestMode, WriteAbsentees, digest_settings_keyboard
from bot.warnings.texts import digest_screen, links_to_paste
from handlers.broadcasts.audience import start_with
from handlers.common import personal, restricted, show


@personal
@restricted("facilitator")
async def digest_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    mode = await w.svc.repo.warnings.mode(w.user_id)
    await show(update, digest_screen(w.view, mode), digest_settings_keyboard(w.view, mode))


@restricted("facilitator")
async def on_mode(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(DigestMode)
    w = await context.who()
    await query.answer()
    await w.svc.repo.warnings.set_mode(w.user_id, pressed.mode, w.svc.clock.now())
    await show(update, digest_screen(w.view, pressed.mode),
               digest_settings_keyboard(w.view, pressed.mode))


@restricted("facilitator")
async def on_write(update: Update, context: BotContext) -> None:
    """A new broadcast to the core members who did not check in to the session (those the
    digest lists), within the author's countries (Audience.effective), through the usual
    preview and report."""
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(WriteAbsentees)
    w = await context.who()
    session = w.svc.schedule.session(pressed.session)
    if session is None:
        await query.answer(w.view.tr.gettext("This button no longer works. Please start "
                                             "again."), show_alert=True)
        return
    await query.answer()
    await start_with(update, context, Audience(groups=frozenset({"core"}),
                                               attendance=("absent", pressed.session)))
    links = links_to_paste(w.view, session, await w.svc.repo.materials.for_session(
        session.number))
    if links is not None and update.effective_message is not None:
        await update.effective_message.reply_text(links)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("digest", digest_command))
    app.add_handler(CallbackQueryHandler(on_mode, pattern=DigestMode.pattern()))
    app.add_handler(CallbackQueryHandler(on_write, pattern=WriteAbsentees.pattern()))
