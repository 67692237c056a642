"""/help: what the bot can do, in the person's language."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext


async def help_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    lines = [
        "<b>" + _("What I can do") + "</b>",
        _("/next: the next session, in your time zone"),
        _("/schedule: the whole program"),
        _("/session 3: one session in full (any number from the schedule)"),
        _("/reminders: choose which session reminders you get"),
        _("/checkin: check in to the session running now"),
        _("/me: your attendance and certificate progress"),
        _("/goals: your group's goals and action plan"),
        _("/settings: change language, country or time zone"),
        _("/profile: your name, organization and sector"),
        _("/mydata: a copy of your data · /forget: delete it"),
        _("/help: this message"),
    ]
    contact = w.svc.schedule.program.contact
    text = contact.get(w.view.lang) or contact.get("en")
    if text:
        lines += ["", _("Questions? {contact}").format(contact=escape(text))]
    assert update.effective_message is not None
    await update.effective_message.reply_text("\n".join(lines))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("help", help_command))
