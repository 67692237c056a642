"""/network: the opt-in networking profile: on or off (off by default), what one offers and
seeks (topics from schedule.json), languages spoken, and one line of free text.

The line is typed as pending input "network_note"; any command abandons it.
"""

from __future__ import annotations

from typing import Literal

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.config import LANGUAGES
from bot.context import BotContext, Who
from bot.networking import texts as nt
from bot.networking.keyboards import (
    NetworkAction,
    ToggleLanguage,
    ToggleTopic,
    back_keyboard,
    languages_keyboard,
    profile_keyboard,
    topics_keyboard,
)
from bot.networking.rules import clean_note, may_network, toggle
from bot.people.rules import CLEAR
from bot.storage.pending import Pending
from handlers import input
from handlers.common import alert, personal, show, stale_button
from handlers.networking import matches

NOTE = "network_note"


async def screen(update: Update, w: Who, *, new: bool = False, prefix: str = "") -> None:
    """The profile as others see it, with its buttons."""
    profile = await w.svc.repo.networking.profile(w.user_id)
    text = prefix + nt.profile_screen(w.view, w.svc.schedule, w.person, profile)
    await show(update, text, profile_keyboard(w.view, profile), new=new)


@personal
async def network_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    if not may_network(w.member):
        await show(update, nt.not_for_you(w.view), new=True)
        return
    await screen(update, w, new=True)


async def on_action(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(NetworkAction)
    w = await context.who()
    if not may_network(w.member):
        await alert(update, nt.not_for_you(w.view))
        return
    store = w.svc.repo.networking
    now = w.svc.clock.now()
    action = pressed.action
    if action == "matches":
        await query.answer()
        await matches.show_matches(update, w)
        return
    await query.answer()
    if action in ("on", "off"):
        await store.set_visible(w.user_id, action == "on", now)
    elif action in ("offers", "seeks"):
        profile = await store.save(w.user_id, now)
        kind: Literal["o", "s"] = "o" if action == "offers" else "s"
        chosen = profile.offers if kind == "o" else profile.seeks
        await show(update, nt.topic_prompt(w.view, kind),
                   topics_keyboard(w.view, w.svc.schedule, kind, chosen))
        return
    elif action == "langs":
        profile = await store.save(w.user_id, now)
        await show(update, nt.language_prompt(w.view, w.person.language),
                   languages_keyboard(w.view, w.person.language, profile.languages))
        return
    elif action == "note":
        await input.ask(update, context, NOTE)
        await show(update, nt.note_prompt(w.view), back_keyboard(w.view))
        return
    await input.done(update, context, NOTE)
    await screen(update, w, new=action == "open")


async def on_topic(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(ToggleTopic)
    w = await context.who()
    if w.svc.schedule.networking.topic(pressed.key) is None:
        await stale_button(update, context)
        return
    if not may_network(w.member):
        await alert(update, nt.not_for_you(w.view))
        return
    store = w.svc.repo.networking
    now = w.svc.clock.now()
    profile = await store.save(w.user_id, now)
    current = profile.offers if pressed.kind == "o" else profile.seeks
    changed = toggle(current, pressed.key)
    if changed is None:
        await alert(update, nt.too_many_topics(w.view))
        return
    if pressed.kind == "o":
        await store.save(w.user_id, now, offers=changed)
    else:
        await store.save(w.user_id, now, seeks=changed)
    await query.answer()
    await show(update, nt.topic_prompt(w.view, pressed.kind),
               topics_keyboard(w.view, w.svc.schedule, pressed.kind, changed))


async def on_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(ToggleLanguage)
    w = await context.who()
    if pressed.lang not in LANGUAGES:
        await stale_button(update, context)
        return
    if not may_network(w.member):
        await alert(update, nt.not_for_you(w.view))
        return
    store = w.svc.repo.networking
    now = w.svc.clock.now()
    profile = await store.save(w.user_id, now)
    chosen = profile.languages
    if pressed.lang != w.person.language:  # the bot language is always spoken
        changed = toggle(chosen, pressed.lang, len(LANGUAGES))
        chosen = chosen if changed is None else changed
        await store.save(w.user_id, now, languages=chosen)
    await query.answer()
    await show(update, nt.language_prompt(w.view, w.person.language),
               languages_keyboard(w.view, w.person.language, chosen))


async def on_note(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    raw = (message.text or "").strip()
    value = None if raw == CLEAR else clean_note(raw)
    if value is None and raw != CLEAR:
        await message.reply_text(nt.bad_note(w.view))
        return
    await input.done(update, context, NOTE)
    await w.svc.repo.networking.save(w.user_id, w.svc.clock.now(), note=value)
    await screen(update, w, new=True, prefix=w.view.tr.gettext("Saved.") + "\n\n")


def register(app: Application) -> None:
    input.expect(NOTE, on_note)
    app.add_handler(CommandHandler("network", network_command))
    app.add_handler(CallbackQueryHandler(on_action, pattern=NetworkAction.pattern()))
    app.add_handler(CallbackQueryHandler(on_topic, pattern=ToggleTopic.pattern()))
    app.add_handler(CallbackQueryHandler(on_language, pattern=ToggleLanguage.pattern()))
