"""/reminders, group chats (/link, /unlink), and block detection (my_chat_member).
/reload is with the program changes (handlers/program.py)."""

from __future__ import annotations

import logging
from html import escape

from telegram import ChatMember, ChatMemberUpdated, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext, Who
from bot.reminders.keyboards import ToggleAll, ToggleReminder, reminders_keyboard
from bot.reminders.texts import no_group_note, reminders_text
from bot.storage.reminders import ALL_OFF, MISSED_OFF
from bot.viewer import country_name
from bot.warnings.keyboards import ToggleMissed, missed_button
from handlers.common import personal, restricted

log = logging.getLogger(__name__)


async def _screen(w: Who) -> tuple[str, InlineKeyboardMarkup]:
    offsets = w.svc.schedule.reminders.offsets_minutes
    off = await w.svc.repo.reminders.optouts(w.person.user_id)
    all_off = ALL_OFF in off
    text = reminders_text(w.view, offsets, off, all_off)
    if not w.member.staff and w.member.group is None:  # bot.membership: no reminders reach them
        text = no_group_note(w.view) + "\n\n" + text
    keyboard = reminders_keyboard(w.view, offsets, off, all_off)
    if w.member.group == "core":  # the word after a missed session (bot/warnings)
        keyboard = InlineKeyboardMarkup([*keyboard.inline_keyboard,
                                         [missed_button(w.view, MISSED_OFF in off)]])
    return text, keyboard


@personal
async def reminders_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    text, keyboard = await _screen(w)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def on_toggle(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    w = await context.who()
    pressed = ToggleReminder.parse(query.data)
    offset = ALL_OFF if pressed is None else pressed.offset
    # A stale button from an older schedule changes nothing: it just shows the current state.
    if offset == ALL_OFF or offset in w.svc.schedule.reminders.offsets_minutes:
        current = await w.svc.repo.reminders.optouts(w.person.user_id)
        await w.svc.repo.reminders.set_optout(w.person.user_id, offset, offset not in current)
    text, keyboard = await _screen(w)
    await query.edit_message_text(text, reply_markup=keyboard)


async def on_toggle_missed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    w = await context.who()
    current = await w.svc.repo.reminders.optouts(w.person.user_id)
    await w.svc.repo.reminders.set_optout(w.person.user_id, MISSED_OFF, MISSED_OFF not in current)
    text, keyboard = await _screen(w)
    await query.edit_message_text(text, reply_markup=keyboard)


# group chats


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    svc = context.svc
    status = change.new_chat_member.status
    gone = status in (ChatMember.BANNED, ChatMember.LEFT)
    now = svc.clock.now()
    if change.chat.type == ChatType.PRIVATE:
        # A block arrives as "kicked"; unblocking as "member".
        if await svc.repo.participants.get(change.chat.id) is not None:
            await svc.repo.participants.update(change.chat.id, now, active=0 if gone else 1)
        return
    if gone:
        await svc.repo.reminders.unlink_group(change.chat.id)
        return
    if change.old_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT):
        _ = svc.i18n.get(svc.settings.default_language).gettext
        await context.bot.send_message(
            change.chat.id,
            _("Hello! An organizer can link this chat to a country so that session reminders "
              "are posted here: /link PE core (country code, then core or wider)."),
        )


async def on_migrate(update: Update, context: BotContext) -> None:
    """A linked group became a supergroup (a new chat id): its link follows it."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id is not None:
        await context.svc.repo.reminders.move_group(message.chat_id, message.migrate_to_chat_id)
        log.info("group %s became supergroup %s", message.chat_id, message.migrate_to_chat_id)


def _parse_link_args(w: Who, args: list[str]) -> tuple[str, str] | None:
    if len(args) != 2 or args[1].lower() not in ("core", "wider"):
        return None
    wanted = args[0].strip().lower()
    for country in w.svc.schedule.countries:
        names = {country.code.lower(), *(n.lower() for n in country.name.values())}
        if wanted in names:
            return country.code, args[1].lower()
    return None


@restricted("organizer", in_groups=True)
async def link(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(_("Send /link inside the group chat you want to link."))
        return
    parsed = _parse_link_args(w, context.args or [])
    if parsed is None:
        codes = " ".join(c.code for c in w.svc.schedule.countries)
        await message.reply_text(
            _("Usage: /link COUNTRY core|wider, for example /link PE core. Countries: {codes}")
            .format(codes=codes)
        )
        return
    code, group = parsed
    now = w.svc.clock.now()
    async with w.svc.repo.audited(w.user_id, "link_group", now, target=str(chat.id),
                                  detail=f"{code} {group}"):
        await w.svc.repo.reminders.link_group(chat.id, chat.title, code, group, w.user_id, now)
    country = w.svc.schedule.country(code)
    assert country is not None
    label = _("core group") if group == "core" else _("wider group")
    await message.reply_text(
        _("This chat is linked to {country} ({group}). Session reminders will be posted here.")
        .format(country=escape(country_name(country, w.view.lang)), group=label)
    )


@restricted("organizer", in_groups=True)
async def unlink(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    async with w.svc.repo.audited(w.user_id, "unlink_group", w.svc.clock.now(),
                                  target=str(chat.id)) as entry:
        removed = await w.svc.repo.reminders.unlink_group(chat.id)
        if not removed:
            entry.skip()
    await message.reply_text(
        _("This chat will no longer receive reminders.") if removed
        else _("This chat is not linked.")
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("reminders", reminders_command))
    app.add_handler(CallbackQueryHandler(on_toggle, pattern=ToggleReminder.pattern()))
    app.add_handler(CallbackQueryHandler(on_toggle, pattern=ToggleAll.pattern()))
    app.add_handler(CallbackQueryHandler(on_toggle_missed, pattern=ToggleMissed.pattern()))
    app.add_handler(CommandHandler("link", link))
    app.add_handler(CommandHandler("unlink", unlink))
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, on_migrate))
