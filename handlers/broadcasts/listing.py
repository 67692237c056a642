"""/broadcasts: the latest broadcasts with their reports; details, and cancelling one that is
scheduled or being sent."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.broadcasts import jobs as engine
from bot.broadcasts import texts as bv
from bot.broadcasts.keyboards import ListAction, list_keyboard
from bot.context import BotContext, Who
from handlers.common import restricted, stale_button

LIST_LIMIT = 10


async def list_screen(w: Who) -> tuple[str, InlineKeyboardMarkup | None]:
    """Staff for every country see every broadcast; a facilitator limited to some countries
    sees (and may cancel) only their own."""
    store = w.svc.repo.broadcasts
    author = None if w.member.unlimited else w.user_id
    recent = await store.recent(LIST_LIMIT, author=author)
    items = [(b, await store.report(b.id)) for b in recent]
    scopes = {a: await author_scope(w, a) for a in {b.author_id for b in recent}}
    return bv.list_text(w.view, w.svc.schedule, items, scopes), list_keyboard(w.view, recent)


async def author_scope(w: Who, author_id: int) -> frozenset[str] | None:
    """The countries a broadcast reaches as its author's scope limits it (as when it is sent)."""
    author = await w.svc.repo.participants.get(author_id)
    return (await w.svc.member(author)).scope if author is not None else frozenset()


@restricted("facilitator")
async def list_broadcasts(update: Update, context: BotContext) -> None:
    w = await context.who()
    text, keyboard = await list_screen(w)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=keyboard)


@restricted("facilitator")
async def on_list_action(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = ListAction.parse(query.data)
    if pressed is None:
        await stale_button(update, context)
        return
    w = await context.who()
    _ = w.view.tr.gettext
    store = w.svc.repo.broadcasts
    broadcast = await store.get(pressed.broadcast)
    mine = w.member.unlimited or (broadcast is not None and broadcast.author_id == w.user_id)
    if broadcast is None or broadcast.status == "draft" or not mine:
        await query.answer(_("There is no such broadcast."), show_alert=True)
        return
    if pressed.op == "d":
        await query.answer()
        text = bv.details_text(w.view, w.svc.schedule, broadcast, await store.report(broadcast.id),
                               await store.undelivered(broadcast.id),
                               await author_scope(w, broadcast.author_id))  # fmt: skip
        assert query.message is not None
        await context.bot.send_message(query.message.chat.id, text)
        return
    async with w.svc.repo.audited(w.user_id, "broadcast_cancel", w.svc.clock.now(),
                                  target=str(broadcast.id)) as entry:
        if not await engine.cancel(context.application, broadcast.id):
            entry.skip()
    if entry.skipped:
        await query.answer(_("This broadcast can no longer be cancelled."), show_alert=True)
        return
    await query.answer(_("Broadcast #{id} is cancelled.").format(id=broadcast.id))
    text, keyboard = await list_screen(w)
    await query.edit_message_text(text, reply_markup=keyboard)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("broadcasts", list_broadcasts))
    app.add_handler(CallbackQueryHandler(on_list_action, pattern=ListAction.pattern()))
