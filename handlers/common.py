"""What every handler shares: the role check, the handler groups, short answers."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from bot.context import BotContext
from bot.models import Role
from bot.roles import allows
from bot.viewer import private_chat_note


class Group(IntEnum):
    """Handler groups, in the order ptb runs them (lowest first). Within one group only the
    first matching handler runs; ApplicationHandlerStop keeps later groups from seeing it."""

    SHIELD = -5  # edits and empty button data, before anything else (handlers/shield.py)
    GATE = -4  # REGISTRATION=closed: no invitation, only /start (handlers/gate.py)
    RELAY = -3  # replies to broadcasts and to relayed messages (handlers/broadcasts/relay.py)
    FORWARD = -2  # an organizer's forwarded message: whose is it? (handlers/people/roles.py)
    INPUT = -1  # typed answers to a pending question, for every feature (handlers/input.py)
    MAIN = 0  # commands, buttons, and the catch-all answers (handlers/errors.py)


Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]


async def not_understood(update: Update, context: BotContext) -> None:
    w = await context.who()
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            w.view.tr.gettext("Sorry, I did not understand that. /help lists what I can do.")
        )


def restricted(minimum: Role, *, in_groups: bool = False) -> Callable[[Callback], Callback]:
    """The one place privileged commands and buttons check the role, and where they answer.

    Anyone below `minimum` gets a polite, localized refusal and nothing runs. Staff answers
    show people, figures or links, so they go to the private chat only: in any other chat the
    only answer is private_only()'s short note, checked first (before the role, so a group
    learns nothing either way). `in_groups=True` declares the few that act on the group chat
    itself (/link, /unlink).
    """

    def decorate(handler: Callback) -> Callback:
        @functools.wraps(handler)
        async def checked(update: Update, context: BotContext) -> None:
            if not in_groups and not await private_only(update, context):
                return
            w = await context.who()
            if allows(w.role, minimum):
                await handler(update, context)
                return
            _ = w.view.tr.gettext
            text = (
                _("Sorry, only organizers can do that.")
                if minimum == "organizer"
                else _("Sorry, only facilitators and organizers can do that.")
            )
            if update.callback_query is not None:
                await update.callback_query.answer(text, show_alert=True)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)

        checked.required_role = minimum  # type: ignore[attr-defined]
        checked.private_only = not in_groups  # type: ignore[attr-defined]
        return checked

    return decorate


def personal(handler: Callback) -> Callback:
    """A command whose answer is about a person: it runs in the private chat only (in a group,
    private_only() answers with the note and the button instead)."""

    @functools.wraps(handler)
    async def checked(update: Update, context: BotContext) -> None:
        if await private_only(update, context):
            await handler(update, context)

    return checked


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the chat of the update (answering a pressed button first)."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None,
               *, new: bool = False) -> None:
    """Edit the pressed message in place, or reply with a new one."""
    query = update.callback_query
    if query is not None and query.message is not None and not new:
        try:
            await query.edit_message_text(text, reply_markup=markup)
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise
        return
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


async def alert(update: Update, text: str) -> None:
    """A pop-up answer to a pressed button."""
    assert update.callback_query is not None
    await update.callback_query.answer(text, show_alert=True)


async def private_only(update: Update, context: BotContext) -> bool:
    """Personal answers go to the private chat only: anywhere else the person gets a short note
    and a button that opens the private chat (nothing about them is posted), and False."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return True
    w = await context.who()
    text, label = private_chat_note(w.view)
    button = InlineKeyboardButton(label, url=f"https://t.me/{context.bot.username}")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(
            text, reply_markup=InlineKeyboardMarkup([[button]]))
    return False


async def stale_button(update: Update, context: BotContext) -> None:
    """Button data that no handler accepts (old, forged or malformed): a polite pop-up."""
    w = await context.who()
    await alert(update, w.view.tr.gettext("This button no longer works. Please start again."))
