"""/status (organizers): version, uptime, storage, people, next jobs, pending deliveries,
last errors."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.operations.health import status_report
from bot.operations.texts import status_text
from handlers.common import restricted


@restricted("organizer")
async def status_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.effective_message is not None
    report = await status_report(context.application)
    await update.effective_message.reply_text(status_text(w.view, report))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("status", status_command))
