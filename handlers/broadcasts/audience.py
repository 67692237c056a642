"""/broadcast, step 1: a new draft and its audience; Continue asks for the content."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.broadcasts import texts as bv
from bot.broadcasts.keyboards import AudiencePress, audience_keyboard, sessions_keyboard
from bot.broadcasts.rules import GROUPS, Audience
from bot.config import LANGUAGES
from bot.context import BotContext, Who
from bot.storage.broadcast_records import AttendanceKind, Broadcast
from handlers.broadcasts.drafts import counted, draft_for, stop_waiting, wait_for
from handlers.common import personal, restricted, stale_button


async def _screen(w: Who, draft: Broadcast) -> tuple[str, InlineKeyboardMarkup]:
    counts = await counted(w, draft.audience)
    text = bv.audience_screen(w.view, w.svc.schedule, draft.id, draft.audience, *counts)
    return text, audience_keyboard(w.view, w.svc.schedule, draft.id, draft.audience,
                                  w.member.scope)


@personal
@restricted("facilitator")
async def start_broadcast(update: Update, context: BotContext) -> None:
    await start_with(update, context)


async def start_with(update: Update, context: BotContext, audience: Audience | None = None
                     ) -> None:
    """A new draft (its audience preset, e.g. from the digest's "write to those who missed
    it"), then the audience screen, as /broadcast shows it. The caller checks the role."""
    w = await context.who()
    store = w.svc.repo.broadcasts
    draft_id = await store.create_draft(w.user_id, w.svc.clock.now())  # drops older drafts
    if audience is not None:
        await store.set_audience(draft_id, audience)
    await stop_waiting(update, context)
    draft = await store.get(draft_id)
    assert draft is not None and update.effective_message is not None
    text, keyboard = await _screen(w, draft)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


def _changed(w: Who, a: Audience, pressed: AudiencePress) -> Audience:
    """The audience after a toggle; unchanged for a value that is not offered."""
    value = pressed.value
    codes = {c.code for c in w.svc.schedule.countries
             if w.member.scope is None or c.code in w.member.scope}
    if pressed.op == "all":
        return Audience()
    if pressed.op == "g" and value in GROUPS:
        return a.toggle("groups", value)
    if pressed.op == "c" and value in codes:
        return a.toggle("countries", value)
    if pressed.op == "l" and value in LANGUAGES:
        return a.toggle("languages", value)
    session = pressed.session
    if (pressed.op == "s" and value in ("absent", "present") and session is not None
            and w.svc.schedule.session(session) is not None):  # fmt: skip
        return a.with_attendance("absent" if value == "absent" else "present", session)
    return a


@restricted("facilitator")
async def on_audience(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = AudiencePress.parse(query.data)
    if pressed is None:
        await stale_button(update, context)
        return
    w = await context.who()
    _ = w.view.tr.gettext
    draft = await draft_for(update, w, pressed.draft)
    if draft is None:
        return
    a = draft.audience
    if pressed.op == "att":
        await query.answer()
        if pressed.value in ("absent", "present"):
            kind: AttendanceKind = "absent" if pressed.value == "absent" else "present"
            await query.edit_message_text(
                bv.session_question(w.view, kind),
                reply_markup=sessions_keyboard(w.view, w.svc.schedule, draft.id, a, kind,
                                               w.svc.clock.now()),
            )  # fmt: skip
        return
    if pressed.op == "next":
        active, _inactive = await counted(w, a)
        if active == 0:
            await query.answer(_("Nobody active matches this audience yet."), show_alert=True)
            return
        await query.answer()
        await wait_for(update, context, draft.id, "content")
        await query.edit_message_text(
            bv.content_prompt(w.view, w.svc.schedule,
                              a.effective(w.svc.schedule, w.member.scope), active)
        )
        return
    changed = _changed(w, a, pressed)
    await query.answer()
    if changed == a and pressed.op != "back":
        return  # nothing changed (or a button that is not offered): the screen stays
    store = w.svc.repo.broadcasts
    await store.set_audience(draft.id, changed)
    draft = await store.get(draft.id)
    assert draft is not None
    text, keyboard = await _screen(w, draft)
    await query.edit_message_text(text, reply_markup=keyboard)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("broadcast", start_broadcast))
    app.add_handler(CallbackQueryHandler(on_audience, pattern=AudiencePress.pattern()))
