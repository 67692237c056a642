"""What the /broadcast steps share: the author's open draft, audience counts, and waiting
for what the author types next.

A draft waits for typed input as pending input (handlers/input.py) of kind "broadcast", with
data {"draft": <id>, "awaiting": "content" | "content:<lang>" | "when"}: it survives a
restart, and other commands leave it open. Starting a new draft, sending, scheduling or
cancelling one ends the wait.
"""

from __future__ import annotations

from telegram import Update

from bot.broadcasts.rules import Audience
from bot.context import BotContext, Who
from bot.storage.broadcast_records import Broadcast
from handlers import input

KIND = "broadcast"


async def counted(w: Who, audience: Audience) -> tuple[int, int]:
    """(active, inactive) people matching, the author left out."""
    return await w.svc.repo.broadcasts.count_audience(
        audience.effective(w.svc.schedule, w.member.scope), exclude=w.user_id,
        staff=w.svc.settings.organizer_ids,
    )


async def open_draft(w: Who, draft_id: int) -> Broadcast | None:
    """The person's own draft, if it is still open."""
    draft = await w.svc.repo.broadcasts.get(draft_id)
    if draft is not None and draft.status == "draft" and draft.author_id == w.user_id:
        return draft
    return None


async def draft_for(update: Update, w: Who, draft_id: int) -> Broadcast | None:
    """For a pressed button: the caller's own open draft, else a short alert."""
    draft = await open_draft(w, draft_id)
    if draft is None:
        assert update.callback_query is not None
        await update.callback_query.answer(
            w.view.tr.gettext("This draft is no longer open. Start again with /broadcast."),
            show_alert=True,
        )
    return draft


async def wait_for(update: Update, context: BotContext, draft_id: int, awaiting: str) -> None:
    """The author's next message is this draft's content ("content"), its version in a
    language ("content:<lang>"), or its time ("when")."""
    await input.ask(update, context, KIND, {"draft": draft_id, "awaiting": awaiting})


async def stop_waiting(update: Update, context: BotContext) -> None:
    await input.done(update, context, KIND)
