"""/materials N (facilitators): list a session's materials, add files and links (sent as the
next messages: pending input "materials", data {"session": N}), remove one. Participants get
them with the 📎 Materials button (on /session N and on the follow-up after the session)."""

from __future__ import annotations

from telegram import Message, MessageEntity, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.materials import rules
from bot.materials import texts as mt
from bot.materials.jobs import after_attach
from bot.materials.keyboards import (
    GetMaterials,
    MaterialsDone,
    RemoveMaterial,
    staff_keyboard,
)
from bot.membership import in_audience
from bot.parsing import parse_int
from bot.roles import allows
from bot.schedule import Session, is_web_link
from bot.storage.materials import Material
from bot.storage.pending import Pending
from handlers import input
from handlers.common import alert, restricted, show, stale_button

KIND = "materials"


def _removable(w: Who, items: list[Material]) -> set[int]:
    return {item.id for item in items if rules.may_remove(w.member, item)}


async def _list(update: Update, w: Who, session: Session, *, waiting: bool,
                new: bool = False) -> None:
    items = await w.svc.repo.materials.for_session(session.number)
    await show(update, mt.staff_list(w.view, session, items, waiting),
               staff_keyboard(w.view, session.number, items, _removable(w, items), waiting),
               new=new)


@restricted("facilitator")
async def materials_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    message = update.effective_message
    assert message is not None
    args = context.args or []
    number = parse_int(args[0]) if len(args) == 1 else None
    session = w.svc.schedule.session(number) if number is not None else None
    if session is None:
        numbers = [s.number for s in w.svc.schedule.sessions]
        await message.reply_text(w.view.tr.gettext(
            "Please give a session number from {first} to {last}, for example {example}.")
            .format(first=min(numbers), last=max(numbers), example="/materials 3"))
        return
    await input.ask(update, context, KIND, {"session": session.number})
    await _list(update, w, session, waiting=True)


def _file(message: Message) -> tuple[str, str, str | None] | None:
    """(kind, file_id, file name) of a file message (an animation also carries a document)."""
    if message.animation:
        return "animation", message.animation.file_id, message.animation.file_name
    if message.document:
        return "document", message.document.file_id, message.document.file_name
    if message.photo:
        return "photo", message.photo[-1].file_id, None
    if message.video:
        return "video", message.video.file_id, message.video.file_name
    if message.audio:
        return "audio", message.audio.file_id, message.audio.file_name
    if message.voice:
        return "voice", message.voice.file_id, None
    return None


def _urls(message: Message) -> list[str]:
    """The addresses Telegram marked in the text, then any other word that is one."""
    text = message.text or ""
    marked = [entity.url if entity.type == MessageEntity.TEXT_LINK else found
              for entity, found in message.parse_entities(
                  [MessageEntity.URL, MessageEntity.TEXT_LINK]).items()]
    return [u for u in marked if u] + [word for word in text.split() if is_web_link(word)]


async def on_item(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    session = w.svc.schedule.session(int(pending.data["session"]))
    if session is None or not allows(w.role, "facilitator"):
        await input.done(update, context, KIND)
        return
    store, now = w.svc.repo.materials, w.svc.clock.now()
    done = staff_keyboard(w.view, session.number, [], set(), waiting=True)
    count = len(await store.for_session(session.number))
    if count >= rules.MAX_ITEMS:
        await message.reply_text(mt.too_many(w.view, session.number), reply_markup=done)
        return
    file = _file(message)
    link = None if file is not None else rules.link_from(message.text or "", _urls(message))
    if file is None and link is None:
        await message.reply_text(mt.not_material(w.view), reply_markup=done)
        return
    async with w.svc.repo.audited(w.user_id, "material_add", now,
                                  target=f"session {session.number}") as entry:
        if file is not None:
            kind, file_id, name = file
            caption = " ".join((message.caption or "").split())[:rules.CAPTION_MAX]
            item_id = await store.add(session.number, kind, caption=caption, by=w.user_id,
                                      now=now, file_id=file_id, file_name=name)
        else:
            assert link is not None
            item_id = await store.add(session.number, "link", caption=link[1], by=w.user_id,
                                      now=now, url=link[0])
        entry.detail = str(item_id)
    item = await store.get(item_id)
    assert item is not None
    await message.reply_text(mt.added(w.view, item, count + 1), reply_markup=done)
    await after_attach(context.application, session)


@restricted("facilitator")
async def on_done(update: Update, context: BotContext) -> None:
    w = await context.who()
    pressed = MaterialsDone.parse(update.callback_query.data if update.callback_query else None)
    session = w.svc.schedule.session(pressed.session) if pressed else None
    if session is None:
        await stale_button(update, context)
        return
    await input.done(update, context, KIND)
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _list(update, w, session, waiting=False)


@restricted("facilitator")
async def on_remove(update: Update, context: BotContext) -> None:
    w = await context.who()
    query = update.callback_query
    assert query is not None
    pressed = RemoveMaterial.parse(query.data)
    item = await w.svc.repo.materials.get(pressed.item) if pressed else None
    session = w.svc.schedule.session(pressed.session) if pressed else None
    if item is None or session is None or item.session_number != session.number:
        await stale_button(update, context)
        return
    if not rules.may_remove(w.member, item):
        await alert(update, mt.not_yours(w.view))
        return
    async with w.svc.repo.audited(w.user_id, "material_remove", w.svc.clock.now(),
                                  target=f"session {session.number}", detail=str(item.id)):
        await w.svc.repo.materials.remove(item.id)
    await query.answer(mt.removed(w.view))
    pending = await input.waiting(update, context)
    waiting = (pending is not None and pending.kind == KIND
               and pending.data.get("session") == session.number)
    await _list(update, w, session, waiting=waiting)


async def _send_file(context: BotContext, chat_id: int, item: Material) -> None:
    send = getattr(context.bot, f"send_{item.kind}")
    await send(chat_id, item.file_id, caption=mt.file_caption(item) or None)


async def on_get(update: Update, context: BotContext) -> None:
    """A participant's 📎 Materials button: the links in one message, then each file."""
    query = update.callback_query
    assert query is not None
    w = await context.who()
    pressed = GetMaterials.parse(query.data)
    session = w.svc.schedule.session(pressed.session) if pressed else None
    if session is None:
        await stale_button(update, context)
        return
    if not in_audience(session, w.member):
        await alert(update, mt.not_for_you(w.view))
        return
    items = await w.svc.repo.materials.for_session(session.number)
    if not items:
        await alert(update, mt.none_yet(w.view))
        return
    await query.answer()
    chat_id = query.from_user.id
    if any(not item.is_file for item in items):
        await context.bot.send_message(chat_id, mt.links_message(w.view, session, items))
    for item in items:
        if item.is_file:
            try:
                await _send_file(context, chat_id, item)
            except TelegramError:
                await context.bot.send_message(chat_id, mt.not_sent(w.view, item))


def register(app: Application) -> None:
    input.expect(KIND, on_item)
    app.add_handler(CommandHandler("materials", materials_command))
    app.add_handler(CallbackQueryHandler(on_done, pattern=MaterialsDone.pattern()))
    app.add_handler(CallbackQueryHandler(on_remove, pattern=RemoveMaterial.pattern()))
    app.add_handler(CallbackQueryHandler(on_get, pattern=GetMaterials.pattern()))
