"""/export [attendance|goals|feedback|coaching|certificates|networking]: organizer exports."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from handlers.attendance.staff import send_attendance_export
from handlers.certificates.staff import send_certificates_export
from handlers.coaching.staff import send_coaching_export
from handlers.common import personal, restricted
from handlers.feedback import send_feedback_export
from handlers.goals.actions import send_goals_export
from handlers.networking.staff import send_networking_export

SENDERS = {"attendance": send_attendance_export, "goals": send_goals_export,
           "feedback": send_feedback_export, "coaching": send_coaching_export,
           "certificates": send_certificates_export, "networking": send_networking_export}


@personal
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
        )
        + "\n" + _("/export feedback: the session ratings and comments (feedback.csv and "
                    "feedback.xlsx).")
        + "\n" + _("/export coaching: coaching.csv and coaching.xlsx.")
        + "\n" + _("/export certificates: the register of certificates (certificates.csv and "
                    "certificates.xlsx).")
        + "\n" + _("/export networking: anonymous networking counts (networking.csv and "
                    "networking.xlsx).")
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("export", export_command))
