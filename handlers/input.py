"""Typed answers: the one way a feature waits for what a person types next.

A feature asks a question with `await ask(context, kind, data)`; the state is a row in
SQLite (bot/storage/pending.py), so it survives a restart. The next private message of that
person goes to the handler the feature registered for `kind` with `expect()`, in handler group
INPUT, before the ordinary handlers. A command ends the wait (unless the kind keeps it, as the
guided forms do) and runs as usual; /cancel ends any wait.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext
from bot.storage.pending import Pending
from handlers.common import Group

InputHandler = Callable[[Update, BotContext, Pending], Awaitable[None]]


@dataclass(frozen=True)
class Expect:
    handle: InputHandler
    keep_on_command: bool = False  # other commands leave the question open (guided forms)


EXPECTED: dict[str, Expect] = {}


def expect(kind: str, handle: InputHandler, *, keep_on_command: bool = False) -> None:
    """Register what handles typed answers of this kind (at start-up, in register())."""
    EXPECTED[kind] = Expect(handle, keep_on_command)


def _where(update: Update) -> tuple[int, int]:
    """(person, chat); a button whose message is gone counts as their private chat."""
    assert update.effective_user is not None
    user_id = update.effective_user.id
    return user_id, update.effective_chat.id if update.effective_chat else user_id


async def ask(update: Update, context: BotContext, kind: str,
              data: dict[str, Any] | None = None) -> Pending:
    """Wait for this person's next message in this chat (replaces any earlier question)."""
    user_id, chat_id = _where(update)
    return await context.svc.repo.pending.set(user_id, chat_id, kind, data or {},
                                              context.svc.clock.now())


async def waiting(update: Update, context: BotContext) -> Pending | None:
    user_id, chat_id = _where(update)
    return await context.svc.repo.pending.get(user_id, chat_id)


async def done(update: Update, context: BotContext, kind: str | None = None) -> bool:
    """Stop waiting (only for `kind`, when given)."""
    user_id, chat_id = _where(update)
    return await context.svc.repo.pending.clear(user_id, chat_id, kind)


async def on_message(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or update.effective_user is None:
        return
    pending = await waiting(update, context)
    if pending is None:
        return
    spec = EXPECTED.get(pending.kind)
    if spec is None:  # a question of a feature that no longer exists
        await done(update, context)
        return
    text = message.text or ""
    if text.startswith("/"):
        if not spec.keep_on_command and not text.startswith("/cancel"):
            await done(update, context)
        return  # the command runs as usual
    await spec.handle(update, context, pending)
    raise ApplicationHandlerStop


async def cancel(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    if await done(update, context):
        await update.effective_message.reply_text(_("Cancelled: nothing was saved."))
    else:
        await update.effective_message.reply_text(_("There is nothing to cancel."))


def register(app: Application) -> None:
    app.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED, on_message),
        group=Group.INPUT,
    )
    app.add_handler(CommandHandler("cancel", cancel, filters.ChatType.PRIVATE))

