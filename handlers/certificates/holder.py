"""/certificate: the person's certificate, or the way to it (confirm or change the name).

A corrected name is typed as the next message (pending input "certificate_name").
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.attendance.texts import not_in_group
from bot.certificates import rules, texts
from bot.certificates.document import unprintable
from bot.certificates.jobs import pdf, standing_of
from bot.certificates.keyboards import ChangeName, ConfirmName, change_keyboard, confirm_keyboard
from bot.context import BotContext, Who
from bot.people.rules import MAX_NAME, clean_text
from bot.people.texts import contact_line
from bot.storage.certificates import Certificate
from bot.storage.pending import Pending
from handlers import input
from handlers.common import alert, show

NAME = "certificate_name"


async def _send(update: Update, w: Who, c: Certificate) -> None:
    """The same certificate again: the file Telegram already has, else made anew from what
    was recorded at issue (the same document)."""
    message = update.effective_message
    assert message is not None
    text = texts.caption(w.view, c)
    if c.file_id:
        try:
            await message.reply_document(document=c.file_id, caption=text)
            return
        except BadRequest:
            pass  # the file is no longer known to Telegram: make it again
    document = await asyncio.to_thread(pdf, w.svc.schedule, w.svc.i18n, c)
    sent = await message.reply_document(document=document, filename=texts.file_name(c),
                                        caption=text)
    if c.delivery != "sent" and sent.document is not None:
        await w.svc.repo.certificates.delivered(c.code, "sent", w.svc.clock.now(),
                                                file_id=sent.document.file_id)


async def _screen(update: Update, w: Who, *, edit: bool = False) -> None:
    """What /certificate shows, by where the person stands."""
    s = await standing_of(w.svc, w.person)
    c = s.certificate
    v = w.view
    if c is not None and c.valid:
        if c.delivery in ("pending", "sending"):
            await show(update, texts.on_its_way(v), new=not edit)
        else:
            await _send(update, w, c)
        return
    if c is not None:
        lines = [texts.revoked_for_holder(v, c), contact_line(v, w.svc.schedule)]
        await show(update, "\n\n".join(line for line in lines if line), new=not edit)
    elif w.person.group is None:
        await show(update, not_in_group(v), new=not edit)
    elif s.state == "not_eligible":
        await show(update, texts.not_yet(v, s), new=not edit)
    else:
        name = rules.clean_name(w.person.name)
        missing = unprintable(name)
        if missing:  # e.g. an emoji in the Telegram name: they write the name to print
            await show(update, texts.cannot_print(v, missing), change_keyboard(v), new=not edit)
        elif s.state == "confirmed":
            await show(update, texts.name_confirmed(v, name), change_keyboard(v), new=not edit)
        else:
            await show(update, texts.confirm_name(v, name), confirm_keyboard(v, name),
                       new=not edit)


async def certificate_command(update: Update, context: BotContext) -> None:
    await _screen(update, await context.who())


async def on_confirm(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(ConfirmName)
    w = await context.who()
    s = await standing_of(w.svc, w.person)
    name = rules.clean_name(w.person.name)
    await query.answer()
    if (s.state == "eligible" and pressed.mark == rules.name_mark(name)
            and not unprintable(name)):
        await w.svc.repo.certificates.confirm_name(w.user_id, name, w.svc.clock.now())
    await _screen(update, await context.who(refresh=True), edit=True)


async def on_change(update: Update, context: BotContext) -> None:
    w = await context.who()
    s = await standing_of(w.svc, w.person)
    if s.state not in ("eligible", "confirmed"):
        await alert(update, w.view.tr.gettext("This button no longer works. Please start again."))
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await input.ask(update, context, NAME)
    await show(update, texts.ask_name(w.view, MAX_NAME))


async def on_name(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    value = clean_text(message.text or "", MAX_NAME)
    if value is None:
        await message.reply_text(w.view.tr.gettext(
            "Please send one line of at most {limit} characters.").format(limit=MAX_NAME))
        return
    name = rules.clean_name(value)
    missing = unprintable(name)
    if missing:
        await message.reply_text(texts.cannot_print(w.view, missing))
        return
    await input.done(update, context)
    # The profile name is the one name the organizers and the certificate use.
    await w.svc.repo.participants.update(w.user_id, w.svc.clock.now(), display_name=name)
    await _screen(update, await context.who(refresh=True))


def register(app: Application) -> None:
    input.expect(NAME, on_name)
    # Personal: in the private chat only, never in a group.
    app.add_handler(CommandHandler("certificate", certificate_command, filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_confirm, pattern=ConfirmName.pattern()))
    app.add_handler(CallbackQueryHandler(on_change, pattern=ChangeName.pattern()))
