"""/help: what the bot can do, in the person's language; staff also get their tools."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.help.texts import help_text
from bot.questions.keyboards import contact_keyboard


async def help_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        help_text(w.view, w.svc.schedule, w.role, set(w.member.scope or ()),
                  core=w.member.group == "core"),
        reply_markup=contact_keyboard(w.view))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("help", help_command))
