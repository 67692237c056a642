"""REGISTRATION=closed: people without an invitation reach nothing but /start.

Runs first (handler group GATE): a refused stranger cannot walk around the refusal through
/settings, /goals or old onboarding buttons.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import BotContext
from bot.membership import admitted
from bot.people.texts import invitation_needed
from handlers.common import Group

OPEN = ("/start", "/verify")  # what a stranger may send under REGISTRATION=closed


def command_of(text: str | None, bot_username: str | None) -> str:
    """'/verify' for '/verify CODE' and '/verify@ThisBot CODE' (as ptb's CommandHandler reads
    it); '' for anything else (another bot's command stays another bot's)."""
    words = (text or "").split(maxsplit=1)
    if not words or not words[0].startswith("/"):
        return ""
    command, _at, mention = words[0].partition("@")
    if mention and mention.lower() != (bot_username or "").lower():
        return ""
    return command.lower()


async def gate(update: Update, context: BotContext) -> None:
    svc = context.svc
    chat, user = update.effective_chat, update.effective_user
    if svc.settings.registration == "open" or user is None or chat is None:
        return
    if chat.type != ChatType.PRIVATE or update.my_chat_member is not None:
        return
    message = update.message
    if message is not None and command_of(message.text, context.bot.username) in OPEN:
        return  # /start and /start CODE: the admission decides; /verify is for anyone
    if update.message is None and update.callback_query is None:
        return
    w = await context.who()
    if admitted(w.member, w.person.joined_via, svc.settings.registration):
        return
    if update.callback_query is not None:
        await update.callback_query.answer(w.view.tr.gettext(
            "This program needs an invitation: send /start to see how to join."),
            show_alert=True)
    elif message is not None:
        await message.reply_text(invitation_needed(w.view, svc.schedule))
    raise ApplicationHandlerStop


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, gate), group=Group.GATE)
