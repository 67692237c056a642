"""/grant and /revoke facilitator rights (organizers)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from handlers.common import restricted, who


async def _change(update: Update, context: ContextTypes.DEFAULT_TYPE, grant: bool) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    args = context.args or []
    assert update.effective_message is not None
    if len(args) != 2 or args[0] != "facilitator" or not args[1].lstrip("-").isdigit():
        usage = "/grant facilitator 123456789" if grant else "/revoke facilitator 123456789"
        await update.effective_message.reply_text(
            _("Usage: {example} (the person's Telegram user id).").format(example=usage)
        )
        return
    target = int(args[1])
    now = w.svc.clock.now()
    changed = await w.svc.repo.set_role(target, "facilitator" if grant else "participant", now)
    if not changed:
        await update.effective_message.reply_text(
            _("I don't know user {id} yet: they must open the bot and press Start first.")
            .format(id=target)
        )
        return
    await w.svc.repo.audit(w.person.user_id, "grant" if grant else "revoke", now,
                           target=str(target), detail="facilitator")
    if grant:
        text = _("User {id} is now a facilitator.")
    else:
        text = _("User {id} is no longer a facilitator.")
    await update.effective_message.reply_text(text.format(id=target))


@restricted("organizer")
async def grant(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _change(update, context, grant=True)


@restricted("organizer")
async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _change(update, context, grant=False)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("grant", grant))
    app.add_handler(CommandHandler("revoke", revoke))
