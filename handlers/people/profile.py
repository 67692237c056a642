"""/profile: name, organization and sector; also the two optional last steps of onboarding.

Typed answers (a name, an organization) are pending input "profile", data {"field": "org_ob"
(onboarding), "org" or "name" (from /profile)}; any command abandons the question.
"""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.onboarding.texts import done_text
from bot.people import texts
from bot.people.keyboards import (
    PickSector,
    ProfileAction,
    one_button,
    profile_keyboard,
    sector_keyboard,
)
from bot.people.rules import CLEAR, MAX_NAME, MAX_ORGANIZATION, SECTORS, clean_text
from bot.roster.texts import printed_name
from bot.storage.pending import Pending
from handlers import input
from handlers.common import personal, show

PROFILE = "profile"


async def ask_organization(update: Update, context: BotContext, w: Who) -> None:
    """Onboarding, after the time zone: optional organization, then optional sector."""
    _ = w.view.tr.gettext
    await input.ask(update, context, PROFILE, {"field": "org_ob"})
    text = _("Almost done. Which organization do you work for? Type its name, or press Skip.")
    await show(update, text, one_button("⏭ " + _("Skip"), "skip"))


async def ask_missing(update: Update, context: BotContext, w: Who) -> None:
    """The end of onboarding: organization and sector unless known (a roster gives them)."""
    if w.person.organization is None:
        await ask_organization(update, context, w)
    elif w.person.sector is None:
        await _ask_sector(update, w, "ob")
    else:
        await show(update, finished_text(w))


def finished_text(w: Who) -> str:
    """All set; with the printed name when one was given (a roster's), to be checked."""
    text = done_text(w.view)
    if w.person.display_name:
        text += "\n\n" + printed_name(w.view, w.person.display_name)
    return text


async def _ask_sector(update: Update, w: Who, mode: str) -> None:
    await show(update, w.view.tr.gettext("Which sector do you work in?"),
               sector_keyboard(w.view, mode))  # type: ignore[arg-type]


def _summary(w: Who) -> tuple[str, object]:
    return texts.profile_text(w.view, w.svc.schedule, w.person), profile_keyboard(w.view)


@personal
async def profile_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    text, keyboard = _summary(w)
    await show(update, text, keyboard)  # type: ignore[arg-type]


async def on_profile_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(ProfileAction)
    await query.answer()
    w = await context.who()
    _ = w.view.tr.gettext
    cancel = one_button("↩️ " + _("Cancel"), "cancel")
    if pressed.action == "name":
        await input.ask(update, context, PROFILE, {"field": "name"})
        await query.edit_message_text(_(
            "Send me your name as it should appear for the organizers and on your "
            "certificate. Send - to use your Telegram name ({name})."
        ).format(name=escape(w.person.telegram_name)), reply_markup=cancel)
    elif pressed.action == "org":
        await input.ask(update, context, PROFILE, {"field": "org"})
        await query.edit_message_text(
            _("Send me the name of your organization. Send - to remove it."),
            reply_markup=cancel)
    elif pressed.action == "sector":
        await _ask_sector(update, w, "pf")
    elif pressed.action == "skip":
        await input.done(update, context, PROFILE)
        if w.person.sector is not None:  # from the roster
            await show(update, finished_text(w))
        else:
            await _ask_sector(update, w, "ob")
    else:
        await input.done(update, context, PROFILE)
        text, keyboard = _summary(w)
        await query.edit_message_text(text, reply_markup=keyboard)  # type: ignore[arg-type]


async def on_sector(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(PickSector)
    await query.answer()
    w = await context.who()
    if pressed.key in SECTORS:
        await w.svc.repo.participants.update(w.user_id, w.svc.clock.now(), sector=pressed.key)
        w = await context.who(refresh=True)
    if pressed.mode == "ob":
        await query.edit_message_text(finished_text(w))
    else:
        text, keyboard = _summary(w)
        await query.edit_message_text(text, reply_markup=keyboard)  # type: ignore[arg-type]


async def on_typed_answer(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    _ = w.view.tr.gettext
    what = pending.data.get("field")
    limit = MAX_NAME if what == "name" else MAX_ORGANIZATION
    raw = message.text or ""
    value = None if raw.strip() == CLEAR else clean_text(raw, limit)
    if value is None and raw.strip() != CLEAR:
        await message.reply_text(
            _("Please send one line of at most {limit} characters.").format(limit=limit))
        return
    await input.done(update, context)
    now = w.svc.clock.now()
    if what == "name":
        await w.svc.repo.participants.update(w.user_id, now, display_name=value)
    else:
        await w.svc.repo.participants.update(w.user_id, now, organization=value)
    w = await context.who(refresh=True)
    if what == "org_ob" and w.person.sector is not None:
        await message.reply_text(finished_text(w))
    elif what == "org_ob":
        await _ask_sector(update, w, "ob")
    else:
        text, keyboard = _summary(w)
        await message.reply_text(_("Saved.") + "\n\n" + text,
                                 reply_markup=keyboard)  # type: ignore[arg-type]


def register(app: Application) -> None:
    input.expect(PROFILE, on_typed_answer)
    app.add_handler(CommandHandler("profile", profile_command))
    app.add_handler(CallbackQueryHandler(on_profile_button, pattern=ProfileAction.pattern()))
    app.add_handler(CallbackQueryHandler(on_sector, pattern=PickSector.pattern()))
