"""/mydata (a JSON file of everything stored about the person) and /forget (with confirmation).

Both walk bot.storage.personal_data.PERSONAL_DATA.
"""

from __future__ import annotations

import json

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.certificates.texts import forget_question
from bot.context import BotContext
from bot.help import menus
from bot.people.keyboards import Forget, forget_keyboard
from bot.storage.personal_data import FORMER, export_personal_data, forget
from handlers.common import personal


@personal
async def mydata_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    data = await export_personal_data(w.svc.repo.db, w.user_id, w.svc.clock.now())
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        document=content,
        filename="my-data.json",
        caption=_("Everything this bot stores about you. /forget deletes it."),
    )


@personal
async def forget_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    text = _(
        "This deletes your profile and settings. Your goals stay with the group, signed "
        "\"former participant\"; your attendance stays only in anonymous counts. You will "
        "get no more messages from this bot. Delete your data?"
    )
    certificate = await w.svc.repo.certificates.of_user(w.user_id)
    holds = certificate is not None and certificate.valid
    if certificate is not None and holds:
        text += "\n\n" + forget_question(w.view, certificate)
    await update.effective_message.reply_text(
        text, reply_markup=forget_keyboard(w.view, certificate=holds))


@personal
async def on_forget_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(Forget)
    await query.answer()
    w = await context.who()
    _ = w.view.tr.gettext
    if pressed.answer == "no":
        await query.edit_message_text(_("Nothing was deleted."))
        return
    now = w.svc.clock.now()
    async with w.svc.repo.audited(FORMER, "forget", now):
        if pressed.answer != "keep":  # a certificate stays verifiable only if they said so
            await w.svc.repo.certificates.forget_revoke(w.user_id, now)
        await forget(w.svc.repo.db, w.user_id)
    context.forget_who()
    # Nothing below may call context.who(): it would register the person again.
    if w.staff:  # a facilitator's own menu goes with their rights (organizers keep theirs)
        await menus.publish(context.application, w.user_id)
    await query.edit_message_text(_(
        "Done: your data has been deleted and you will get no more messages. If you write to "
        "me again, you start afresh."
    ))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("mydata", mydata_command))
    app.add_handler(CommandHandler("forget", forget_command))
    app.add_handler(CallbackQueryHandler(on_forget_button, pattern=Forget.pattern()))
