"""The command menus Telegram shows (setMyCommands).

Everyone: the participant menu, per language (language_code) and a default for the others.
Staff: their own menu in their private chat (BotCommandScopeChat), in their language, with
their role's tools (declared by each feature, bot/features.py). Published at every start, and
again by publish() when a person's role or language changes; a person back to participant
loses the chat scope, so the participant menu shows again. A failed call is logged, never
raised: a menu is a convenience.
"""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault
from telegram.error import TelegramError
from telegram.ext import Application

from bot.config import LANGUAGES
from bot.features import staff_menu
from bot.help.texts import command_menu
from bot.models import Participant
from bot.notify import all_staff
from bot.roles import effective_role
from bot.services import get_services

log = logging.getLogger(__name__)


async def publish_all(app: Application) -> None:
    """At start: the participant menus, then every staff member's (facilitators in the
    database, organizers from ORGANIZER_IDS who have written to the bot)."""
    svc = get_services(app)
    default = svc.settings.default_language
    menu = command_menu(svc.viewer_for(default, None))
    await app.bot.set_my_commands([BotCommand(c, d) for c, d in menu],
                                  scope=BotCommandScopeDefault())
    for lang in LANGUAGES:
        menu = command_menu(svc.viewer_for(lang, None))
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in menu], language_code=lang)
    for person in await all_staff(app):
        await _publish(app, person.user_id, person)


async def publish(app: Application, user_id: int) -> None:
    """After a role or language change: the person's menu as their role is now."""
    await _publish(app, user_id, await get_services(app).repo.participants.get(user_id))


async def _publish(app: Application, user_id: int, person: Participant | None) -> None:
    svc = get_services(app)
    role = effective_role(user_id, person, svc.settings.organizer_ids)
    scope = BotCommandScopeChat(chat_id=user_id)
    try:
        if role == "participant":
            await app.bot.delete_my_commands(scope=scope)
            return
        menu = staff_menu(svc.viewer(person), role)  # stored language, else the default
        await app.bot.set_my_commands([BotCommand(c, d) for c, d in menu], scope=scope)
    except TelegramError as exc:
        log.warning("command menu for user %s not published: %s", user_id, exc)
