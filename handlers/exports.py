"""/export [attendance|goals|networking]: organizer exports sent as documents in the chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from handlers.attendance.staff import send_attendance_export
from handlers.common import restricted
from handlers.goals.actions import send_goals_export
from handlers.networking.staff import send_networking_export

SENDERS = {"attendance": send_attendance_export, "goals": send_goals_export,
           "networking": send_networking_export}


@restricted("organizer")
async def export_command(update: Update, context: BotContext) -> None:
    args = [a.lower() for a in context.args or []] or ["attendance"]
    if len(args) == 1 and args[0] in SENDERS:
        await SENDERS[args[0]](update, context)
        return
    w = await context.who()
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        _(
            "Usage: /export (attendance.csv and attendance.xlsx) or /export goals "
            "(goals.csv and goals.xlsx)."
        ) + "\n" + _("/export networking: anonymous networking counts (networking.csv and "
                     "networking.xlsx).")
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export_command))
