"""/stats: charts for facilitators (their countries) and organizers, sent as photos.

The menu lists bot.charts.catalog.CHARTS; a button draws one chart (the counting and the
drawing run in a worker thread) and sends it with a caption stating its key numbers.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatAction
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.charts import catalog, texts
from bot.charts.keyboards import PickChart, menu_keyboard
from bot.context import BotContext, Who
from handlers.common import restricted, stale_button

log = logging.getLogger(__name__)


def _scope(w: Who) -> catalog.Scope:
    svc = w.svc
    return catalog.Scope(svc.repo, svc.schedule, svc.clock.now(), w.member,
                         frozenset(svc.settings.organizer_ids))


@restricted("facilitator")
async def stats_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    message = update.effective_message
    assert message is not None
    charts = [(c.key, c.icon, c.title(w.view)) for c in catalog.CHARTS]
    await message.reply_text(texts.menu_text(w.view, w.svc.schedule, w.member.scope),
                             reply_markup=menu_keyboard(w.view, charts))


@restricted("facilitator")
async def on_pick(update: Update, context: BotContext) -> None:
    w = await context.who()
    query, message = update.callback_query, update.effective_message
    assert query is not None and message is not None
    picked = PickChart.parse(query.data)
    chart = catalog.BY_KEY.get(picked.chart) if picked else None
    if chart is None:
        await stale_button(update, context)
        return
    await query.answer()
    await message.reply_chat_action(ChatAction.UPLOAD_PHOTO)
    try:
        picture = await catalog.picture(chart, w.view, _scope(w))
    except Exception:
        log.exception("chart %s could not be drawn", chart.key)
        await message.reply_text(texts.drawing_failed(w.view))
        return
    if picture is None:
        await message.reply_text(texts.nothing_to_draw(w.view, chart.key))
        return
    await message.reply_photo(photo=picture.png, caption=picture.caption,
                              filename=f"{chart.key}.png")


def register(app: Application) -> None:
    app.add_handler(CommandHandler("stats", stats_command))
    app.add_handler(CallbackQueryHandler(on_pick, pattern=PickChart.pattern()))
