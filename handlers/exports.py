"""/export [attendance|goals|coaching]: organizer exports sent as documents in the chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from handlers.attendance.staff import send_attendance_export
from handlers.coaching.staff import send_coaching_export
from handlers.common import restricted
from handlers.goals.actions import send_goals_export

SENDERS = {"attendance": send_attendance_export, "goals": send_goals_export,
           "coaching": send_coaching_export}


@restricted("organizer")
async def export_command(update: Update, context: BotContext) -> None:
    args = [a.lower() for a in context.args or []] or ["attendance"]
    if len(args) == 1 and args[0] in SENDERS:
        await SENDERS[args[0]](update, context)
        return
    w = await context.who()
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        w.view.tr.gettext(
            "Usage: /export (attendance.csv and attendance.xlsx) or /export goals "
            "(goals.csv and goals.xlsx)."
        )
        + "\n" + w.view.tr.gettext("/export coaching: coaching.csv and coaching.xlsx.")
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export_command))
