"""/verify CODE and the QR code's link (/start verify-CODE): anyone checks a certificate.

The person asking is not registered (no participants row): only read, in their language.
Under REGISTRATION=closed the gate lets /verify through (handlers/gate.py).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, filters

from bot.certificates import lookup, rules, texts
from bot.context import BotContext


def is_link(args: list[str] | None) -> bool:
    """/start verify-CODE (the QR code's deep link)."""
    return bool(args) and args[0].lower().startswith(rules.LINK_PREFIX)  # type: ignore[index]


async def reply(update: Update, context: BotContext, typed: str) -> None:
    svc = context.svc
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    view = svc.viewer(await svc.repo.participants.get(user.id), user.language_code)
    if not typed.strip():
        await message.reply_text(texts.verify_usage(view))
        return
    code = rules.parse_code(typed)
    found = await lookup.find(svc.repo, svc.settings.earlier_databases, code) if code else None
    await message.reply_text(texts.verification(view, svc.schedule, found,
                                                typed.removeprefix(rules.LINK_PREFIX)))


async def verify_command(update: Update, context: BotContext) -> None:
    await reply(update, context, " ".join(context.args or []))


def register(app: Application) -> None:
    # A certificate names a person: answered in private chats only, never in a group.
    app.add_handler(CommandHandler("verify", verify_command, filters.ChatType.PRIVATE))
