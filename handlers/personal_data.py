"""/mydata (a JSON file of everything stored about the person) and /forget (with confirmation).

Both walk bot.storage.personal_data.PERSONAL_DATA. Callback data: "forget:<yes|no>".
"""

from __future__ import annotations

import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.storage.personal_data import FORMER, export_personal_data, forget
from handlers.common import who


async def mydata_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    data = await export_personal_data(w.svc.repo, w.person.user_id, w.svc.clock.now())
    content = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        document=content,
        filename="my-data.json",
        caption=_("Everything this bot stores about you. /forget deletes it."),
    )


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    keyboard = InlineKeyboardMarkup([
        [InlineKeyboardButton("🗑 " + _("Yes, delete my data"), callback_data="forget:yes")],
        [InlineKeyboardButton(_("No, keep it"), callback_data="forget:no")],
    ])
    assert update.effective_message is not None
    await update.effective_message.reply_text(_(
        "This deletes your profile and settings. Your goals stay with the group, signed "
        "\"former participant\"; your attendance stays only in anonymous counts. You will "
        "get no more messages from this bot. Delete your data?"
    ), reply_markup=keyboard)


async def on_forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    w = await who(update, context)
    _ = w.view.tr.gettext
    if query.data == "forget:no":
        await query.edit_message_text(_("Nothing was deleted."))
        return
    now = w.svc.clock.now()
    await forget(w.svc.repo, w.person.user_id)
    await w.svc.repo.audit(FORMER, "forget", now)
    if context.user_data is not None:
        context.user_data.clear()  # pending questions of the old profile
    # Nothing below may call who(): it would register the person again.
    await query.edit_message_text(_(
        "Done: your data has been deleted and you will get no more messages. If you write to "
        "me again, you start afresh."
    ))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("mydata", mydata_command))
    app.add_handler(CommandHandler("forget", forget_command))
    app.add_handler(CallbackQueryHandler(on_forget_button, pattern=r"^forget:(yes|no)$"))
