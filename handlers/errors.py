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
from bot.notify import notify
from bot.operations.texts import error_notice
from handlers.common import not_understood, stale_button

log = logging.getLogger(__name__)


async def not_text(update: Update, context: BotContext) -> None:
    """Stickers, locations, contacts, files... that no feature was waiting for."""
    w = await context.who()
    if update.effective_message is not None:
        await update.effective_message.reply_text(w.view.tr.gettext(
            "Sorry, I can only read text messages and buttons here. /help lists what I can "
            "do."))


def update_kind(update: object, context: BotContext) -> str:
    """What was being handled, without anyone's data: 'message (/goals)', 'callback_query',
    'job reminder:3:60'."""
    if isinstance(update, Update):
        kind = next((k for k in update.to_dict() if k != "update_id"), "update")
        text = update.message.text if update.message and update.message.text else ""
        if text.startswith("/"):
            command = text.split()[0].split("@")[0][:33]
            return f"{kind} ({command})"
        return kind
    if context.job is not None:
        return f"job {context.job.name}"
    return "background work"


async def tell_organizers(context: BotContext, kind: str, where: str) -> None:
    """One notice per error kind per hour (ErrorLog decides), in each organizer's language."""
    svc = context.svc
    if not svc.errors.record(kind, where, svc.clock.now()):
        return
    try:
        organizers = await svc.repo.participants.many(svc.settings.organizer_ids)
    except Exception:  # the database may be what failed; the log has it
        log.warning("could not look up the organizers to tell them about %s", kind)
        return
    seen = svc.errors.seen(kind)
    notify(context.application, [p for p in organizers.values() if p.active],
           lambda v, _p: error_notice(v, kind, where, seen))


async def on_error(update: object, context: BotContext) -> None:
    if isinstance(context.error, RetryAfter):
        # The outbound limiter waited out flood control for its whole bound and logged the
        # reply it gave up; an apology would meet the same flood control.
        return
    kind, where = type(context.error).__name__, update_kind(update, context)
    storage = isinstance(context.error, StorageUnavailable)
    if storage:  # expected while the disk is full or the database locked: no traceback
        log.warning("could not save while handling %s: %s", where, context.error)
    else:
        log.error("error while handling %s", where, exc_info=context.error)
    await tell_organizers(context, kind, where)
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
