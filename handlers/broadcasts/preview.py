"""/broadcast, step 2: the content (and versions in other languages), its exact preview, then
send now, schedule (the time is typed), or cancel."""

from __future__ import annotations

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler

from bot.broadcasts import jobs as engine
from bot.broadcasts import texts as bv
from bot.broadcasts.keyboards import PreviewAction, actions_keyboard, languages_keyboard
from bot.config import LANGUAGES
from bot.context import BotContext, Who
from bot.parsing import WhenError, parse_when
from bot.roles import allows
from bot.storage.broadcast_records import Broadcast
from bot.storage.pending import Pending
from handlers import input
from handlers.broadcasts.drafts import (
    KIND,
    counted,
    draft_for,
    open_draft,
    stop_waiting,
    wait_for,
)
from handlers.common import restricted, stale_button


async def actions_text(w: Who, draft: Broadcast) -> str:
    active, _inactive = await counted(w, draft.audience)
    versions = await w.svc.repo.broadcasts.versions(draft.id)
    languages = [v.language for v in versions[1:] if v.language]
    return bv.actions_text(w.view, w.svc.schedule, draft, active, languages, w.member.scope)


async def take_content(update: Update, context: BotContext, w: Who, message: Message,
                       draft: Broadcast, language: str | None) -> None:  # fmt: skip
    """The author sent the message to broadcast (or its version in `language`): preview it
    exactly, then offer the actions."""
    active, _inactive = await counted(w, draft.audience)
    await message.reply_text(bv.preview_header(w.view, language, active))
    try:
        await message.copy(message.chat_id)
    except TelegramError as exc:
        await message.reply_text(bv.not_copyable(w.view, exc.message))
        return  # still waiting for something that can be copied
    await w.svc.repo.broadcasts.add_version(draft.id, language, message.chat_id,
                                            message.message_id)  # fmt: skip
    await stop_waiting(update, context)
    await message.reply_text(
        await actions_text(w, draft), reply_markup=actions_keyboard(w.view, draft.id)
    )


async def take_when(update: Update, context: BotContext, w: Who, message: Message,
                    draft: Broadcast) -> None:  # fmt: skip
    now = w.svc.clock.now()
    try:
        when = parse_when(message.text or "", w.view.zone, now)
    except WhenError as exc:
        await message.reply_text(bv.when_refusal(w.view, exc.reason, now))
        return  # still waiting for a time
    await stop_waiting(update, context)
    async with w.svc.repo.audited(w.user_id, "broadcast_schedule", now, target=str(draft.id),
                                  detail=when.isoformat()) as entry:
        # Fixed now in the author's countries; checked again when due (bot/broadcasts/jobs.py).
        await w.svc.repo.broadcasts.set_audience(draft.id, draft.audience.fixed(w.member.scope))
        if not await w.svc.repo.broadcasts.schedule(draft.id, when):
            entry.skip()
    if entry.skipped:
        await message.reply_text(
            w.view.tr.gettext("This draft is no longer open. Start again with /broadcast.")
        )
        return
    engine.schedule_broadcast(context.application, draft.id, when)
    await message.reply_text(bv.scheduled_text(w.view, draft.id, when))


async def on_input(update: Update, context: BotContext, pending: Pending) -> None:
    """The next message of an author whose draft waits for content or a time (any kind of
    message; commands leave the wait open)."""
    message = update.effective_message
    assert message is not None
    w = await context.who()
    _ = w.view.tr.gettext
    if not allows(w.role, "facilitator"):  # no longer staff since the question was asked
        await stop_waiting(update, context)
        await message.reply_text(_("Sorry, only facilitators and organizers can do that."))
        return
    draft_id, awaiting = pending.data.get("draft"), pending.data.get("awaiting")
    draft = await open_draft(w, draft_id) if isinstance(draft_id, int) else None
    language = None
    if isinstance(awaiting, str) and awaiting.startswith("content:"):
        language = awaiting.removeprefix("content:")
    if draft is None or not (awaiting in ("content", "when") or language in LANGUAGES):
        await stop_waiting(update, context)
        await message.reply_text(_("This draft is no longer open. Start again with /broadcast."))
        return
    if awaiting == "when":
        await take_when(update, context, w, message, draft)
    else:
        await take_content(update, context, w, message, draft, language)


@restricted("facilitator")
async def on_preview_action(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    pressed = PreviewAction.parse(query.data)
    if pressed is None:
        await stale_button(update, context)
        return
    w = await context.who()
    _ = w.view.tr.gettext
    draft = await draft_for(update, w, pressed.draft)
    if draft is None:
        return
    store = w.svc.repo.broadcasts
    op = pressed.op
    if not await store.versions(draft.id) and op in ("send", "when", "ver"):
        await query.answer(_("Send me the message to broadcast first."), show_alert=True)
        return
    if op == "send":
        await query.answer(_("Sending…"))
        active, _inactive = await counted(w, draft.audience)
        await w.svc.repo.participants.audit(w.user_id, "broadcast", w.svc.clock.now(),
                                            target=str(draft.id),
                                            detail=f"{draft.audience.to_json()} active={active}")
        await stop_waiting(update, context)
        await engine.begin(context.application, draft.id,
                           status_message=(query.message.chat.id, query.message.message_id))
    elif op == "when":
        await query.answer()
        await wait_for(update, context, draft.id, "when")
        await query.edit_message_text(bv.when_prompt(w.view, w.svc.clock.now()))
    elif op == "ver":
        await query.answer()
        await query.edit_message_text(_("Which language is the new version in?"),
                                      reply_markup=languages_keyboard(draft.id))
    elif op == "v" and pressed.language is not None and pressed.language in LANGUAGES:
        await query.answer()
        await wait_for(update, context, draft.id, f"content:{pressed.language}")
        await query.edit_message_text(bv.version_prompt(w.view, pressed.language))
    elif op == "cancel":
        await query.answer()
        await store.delete_draft(draft.id)
        await stop_waiting(update, context)
        await query.edit_message_text(_("Cancelled. Nothing was sent."))
    else:
        await query.answer()


def register(app: Application) -> None:
    input.expect(KIND, on_input, keep_on_command=True)
    app.add_handler(CallbackQueryHandler(on_preview_action, pattern=PreviewAction.pattern()))
