"""What no feature should see: edited messages and button presses without data.

Runs first (handler group SHIELD) and stops both:
- Edits: a command or a reply runs once, when it is sent. An edited command does not run
  again, an edited reply to a broadcast is not relayed again; someone who edits a message that
  was passed on (or a facilitator's relayed answer) is told that edits are not passed on.
- A callback query with empty data: ptb hands it to every CallbackQueryHandler, whatever its
  pattern; it gets the polite "this button no longer works" pop-up instead.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, MessageHandler, TypeHandler, filters

from bot.context import BotContext
from handlers.common import Group, stale_button


async def on_edit(update: Update, context: BotContext) -> None:
    message = update.edited_message
    reply = message.reply_to_message if message is not None else None
    if message is not None and reply is not None and message.chat.type == ChatType.PRIVATE:
        store = context.svc.repo.broadcasts
        relayed = (await store.link(message.chat_id, reply.message_id) is not None
                   or await store.delivery(message.chat_id, reply.message_id) is not None)
        if relayed:
            w = await context.who()
            await message.reply_text(w.view.tr.gettext(
                "Edits are not passed on. To correct your message, send a new reply."))
    raise ApplicationHandlerStop


async def on_empty_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is not None and not query.data and not query.game_short_name:
        await stale_button(update, context)
        raise ApplicationHandlerStop


def register(app: Application) -> None:
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, on_edit), group=Group.SHIELD)
    app.add_handler(TypeHandler(Update, on_empty_button), group=Group.SHIELD)
