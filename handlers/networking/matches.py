"""/matches and introductions, double opt-in: A asks to meet B (with an optional note, typed as
pending input "network_request"); B is asked in B's language and accepts, declines (A is not
told) or blocks; only on acceptance do both get each other's name and Telegram contact.

Buttons name people by profile or request id, never by Telegram id; everything is re-checked
here (visible, active, in the program, not hidden, not already asked, the open-request limit).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.models import Participant
from bot.networking import rules
from bot.networking import texts as nt
from bot.networking.jobs import Pool, card_of, deliver_request, introduce, introduction_for
from bot.networking.keyboards import (
    Answer,
    Hide,
    Meet,
    SendRequest,
    matches_keyboard,
    request_keyboard,
)
from bot.networking.rules import MAX_OPEN_REQUESTS, clean_note, may_network
from bot.storage.networking import Profile, Request
from bot.storage.pending import Pending
from handlers import input
from handlers.common import alert, personal, show, stale_button

REQUEST = "network_request"


async def _own_profile(update: Update, w: Who) -> Profile | None:
    """The person's visible profile, or None after telling them what is missing."""
    if not may_network(w.member):
        await show(update, nt.not_for_you(w.view), new=True)
        return None
    profile = await w.svc.repo.networking.profile(w.user_id)
    if profile is None or not profile.visible:
        await show(update, nt.turn_on_first(w.view), new=True)
        return None
    return profile


async def show_matches(update: Update, w: Who) -> None:
    profile = await _own_profile(update, w)
    if profile is None:
        return
    if not profile.offers and not profile.seeks:
        await show(update, nt.need_topics(w.view), new=True)
        return
    pool = await Pool.load(w.svc)
    entries = nt.fitting(w.view, w.svc.schedule, await pool.suggestions(w.person, profile))
    await show(update, nt.matches_text(w.view, w.svc.schedule, entries),
               matches_keyboard(w.view, entries), new=True)


@personal
async def matches_command(update: Update, context: BotContext) -> None:
    await show_matches(update, await context.who())


async def _target(w: Who, profile_id: int) -> tuple[Participant, Profile] | None:
    """The person behind a suggestion, if they can still be asked."""
    svc = w.svc
    store = svc.repo.networking
    profile = await store.profile_by_id(profile_id)
    if profile is None or not profile.visible or profile.user_id == w.user_id:
        return None
    person = await svc.repo.participants.get(profile.user_id)
    if person is None or not person.active or not may_network(await svc.member(person)):
        return None
    if await store.hidden_between(w.user_id, person.user_id):
        return None
    mine = await store.profile(w.user_id)
    if mine is None or rules.match(card_of(w.person, mine), card_of(person, profile),
                                   rules.continents(svc.schedule)) is None:
        return None  # forged data for someone who would never be suggested
    return person, profile


async def _refusal(w: Who, target: Participant) -> str | None:
    store = w.svc.repo.networking
    if await store.between(w.user_id, target.user_id) is not None:
        return nt.already_asked(w.view)
    if await store.open_count(w.user_id) >= MAX_OPEN_REQUESTS:
        return nt.too_many_requests(w.view, MAX_OPEN_REQUESTS)
    return None


async def _accept(update: Update, context: BotContext, w: Who, request: Request, *,
                  new: bool = False) -> None:
    """Both said yes: the presser is answered here, the other in the background."""
    svc = w.svc
    if not await svc.repo.networking.answer(request.id, "accepted", svc.clock.now()):
        await show(update, nt.request_closed(w.view))
        return
    other = request.from_user if request.to_user == w.user_id else request.to_user
    svc.spawn(f"network:intro:{request.id}", introduce(context.application, request, other))
    text = await introduction_for(svc, request, w.user_id)
    await show(update, text or nt.request_closed(w.view), new=new)


async def on_meet(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(Meet)
    w = await context.who()
    profile = await w.svc.repo.networking.profile(w.user_id)
    if not may_network(w.member) or profile is None or not profile.visible:
        await alert(update, nt.turn_on_first(w.view))
        return
    target = await _target(w, pressed.profile)
    if target is None:
        await alert(update, nt.unavailable(w.view))
        return
    theirs = await w.svc.repo.networking.between(target[0].user_id, w.user_id)
    if theirs is not None and theirs.status == "open":  # they asked first: that is a yes
        await query.answer()
        await _accept(update, context, w, theirs, new=True)
        return
    refusal = await _refusal(w, target[0])
    if refusal is not None:
        await alert(update, refusal)
        return
    await query.answer()
    await input.ask(update, context, REQUEST, {"profile": pressed.profile})
    await show(update, nt.request_prompt(w.view), request_keyboard(w.view), new=True)


async def _send_request(update: Update, context: BotContext, w: Who, profile_id: int,
                        note: str | None) -> None:
    target = await _target(w, profile_id)
    mine = await w.svc.repo.networking.profile(w.user_id)
    if target is None:
        await show(update, nt.unavailable(w.view))
        return
    if mine is None or not mine.visible:
        await show(update, nt.turn_on_first(w.view))
        return
    refusal = await _refusal(w, target[0])
    if refusal is not None:
        await show(update, refusal)
        return
    request_id = await w.svc.repo.networking.add_request(
        w.user_id, target[0].user_id, note, w.svc.clock.now(), MAX_OPEN_REQUESTS)
    if request_id is None:  # a second tap at the same moment
        await show(update, nt.already_asked(w.view))
        return
    w.svc.spawn(f"network:request:{request_id}", deliver_request(context.application,
                                                                 request_id))
    await show(update, nt.request_sent(w.view))


async def on_request_note(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    note = clean_note(message.text or "")
    if note is None:
        await message.reply_text(nt.bad_note(w.view))
        return
    await input.done(update, context, REQUEST)
    await _send_request(update, context, w, int(pending.data["profile"]), note)


async def on_send_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(SendRequest)
    w = await context.who()
    pending = await input.waiting(update, context)
    if pending is None or pending.kind != REQUEST:
        await stale_button(update, context)
        return
    await query.answer()
    await input.done(update, context, REQUEST)
    if pressed.action == "cancel":
        await show(update, nt.request_cancelled(w.view))
        return
    await _send_request(update, context, w, int(pending.data["profile"]), None)


async def on_hide(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(Hide)
    w = await context.who()
    profile = await w.svc.repo.networking.profile_by_id(pressed.profile)
    if profile is None or profile.user_id == w.user_id:
        await stale_button(update, context)
        return
    await w.svc.repo.networking.hide(w.user_id, profile.user_id, w.svc.clock.now())
    await alert(update, nt.hidden(w.view))


async def on_answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(Answer)
    w = await context.who()
    store = w.svc.repo.networking
    request = await store.request(pressed.request)
    if request is None or request.to_user != w.user_id:
        await stale_button(update, context)
        return
    await query.answer()
    if request.status != "open":
        await show(update, nt.request_closed(w.view))
        return
    now = w.svc.clock.now()
    if pressed.answer == "yes":
        asker = await w.svc.repo.participants.get(request.from_user)
        if asker is None or not asker.active:
            await show(update, nt.request_closed(w.view))
            return
        await _accept(update, context, w, request)
        return
    if pressed.answer == "block":
        await store.hide(w.user_id, request.from_user, now)
    await store.answer(request.id, "declined", now)
    await show(update, nt.blocked(w.view) if pressed.answer == "block" else nt.declined(w.view))


def register(app: Application) -> None:
    input.expect(REQUEST, on_request_note)
    app.add_handler(CommandHandler("matches", matches_command))
    app.add_handler(CallbackQueryHandler(on_meet, pattern=Meet.pattern()))
    app.add_handler(CallbackQueryHandler(on_hide, pattern=Hide.pattern()))
    app.add_handler(CallbackQueryHandler(on_send_button, pattern=SendRequest.pattern()))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=Answer.pattern()))
