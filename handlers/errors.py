"""Last-resort handlers: unknown commands, stray input, and errors. Never silence."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import RetryAfter, TelegramError
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from bot.faults import StorageUnavailable
from bot.i18n import normalize_language
from handlers.common import not_understood, stale_button


async def not_text(update: Update, context: BotContext) -> None:
    """Stickers, locations, contacts, files... that no feature was waiting for."""
    w = await context.who()
    if update.effective_message is not None:
        await update.effective_message.reply_text(w.view.tr.gettext(
            "Sorry, I can only read text messages and buttons here. /help lists what I can "
            "do."))

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    if isinstance(context.error, RetryAfter):
        # The outbound limiter waited out flood control for its whole bound and logged the
        # reply it gave up; an apology would meet the same flood control.
        return
    storage = isinstance(context.error, StorageUnavailable)
    if storage:  # expected while the disk is full or the database locked: no traceback
        log.warning("could not save while handling an update: %s", context.error)
    else:
        log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    svc = context.svc
    user = update.effective_user
    lang = svc.settings.default_language
    try:
        person = await svc.repo.participants.get(user.id) if user else None
        lang = (person.language if person else None) or normalize_language(
            user.language_code if user else None, lang
        )
    except Exception:  # the database may be what failed
        pass
    _ = svc.i18n.get(lang).gettext
    text = (
        _("Sorry, I could not save that just now (a temporary problem on my side). Please "
          "try again in a minute.")
        if storage
        else _("Sorry, something went wrong on my side. Please try again in a moment.")
    )
    try:
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):  # it may have been answered already
                await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, text)
    except Exception:
        log.exception("could not tell the user about the error")


def register(app: Application) -> None:
    app.add_handler(MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, not_understood))
    app.add_handler(MessageHandler(filters.TEXT & filters.ChatType.PRIVATE, not_understood))
    app.add_handler(MessageHandler(
        filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL, not_text))
    app.add_handler(CallbackQueryHandler(stale_button))
    app.add_error_handler(on_error)
