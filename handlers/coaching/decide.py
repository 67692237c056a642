"""Facilitators decide: send the poll (or book the one time typed), book a polled time,
cancel. Each change names the state it was decided on (bot/storage/coaching.py), is written
to the audit log, and its notice goes out in the background through the shared sender.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.coaching import jobs as cj
from bot.coaching import rules, screens
from bot.coaching import staff_texts as st
from bot.coaching.keyboards import Book, Cancel, DropDraft, SendDraft, confirm_keyboard
from bot.context import BotContext, Who
from bot.services import Services
from bot.storage.base import dt
from bot.storage.coaching import Coaching
from handlers import input
from handlers.coaching.staff import KIND, in_scope, refuse_scope, show_group
from handlers.common import alert, restricted, show


def _spawn(w: Who, context: BotContext, c: Coaching, what: str) -> None:
    """The notice in the background, then the coaching's jobs follow its new state."""
    app = context.application
    send = {"poll": cj.send_poll, "booked": cj.send_booked, "cancelled": cj.send_cancelled}

    async def run() -> None:
        await cj.rebuild(app, c.id)
        await send[what](app, c.id)

    w.svc.spawn(f"coaching:{c.id}", run())


@restricted("facilitator")
async def on_send(update: Update, context: BotContext) -> None:
    """Send the poll of the times typed (or book the one time typed)."""
    w = await context.who()
    svc, now = w.svc, w.svc.clock.now()
    pending = await input.waiting(update, context)
    data = pending.data if pending is not None and pending.kind == KIND else {}
    if "slots" not in data:
        await alert(update, st.draft_gone(w.view))
        return
    country = data["country"]
    if not in_scope(w, country):
        await refuse_scope(update, w)
        return
    starts = [dt(s) for s in data["slots"]]
    if any(s <= now for s in starts):  # typed a while ago: ask again
        await input.ask(update, context, KIND, {k: v for k, v in data.items() if k != "slots"})
        await alert(update, st.bad_line(w.view, svc.schedule, rules.BadLine(
            1, data["slots"][0][:16], "past")))
        return
    people = await screens.members(svc, country)
    single = data.get("coaching") is not None and len(starts) == 1
    async with svc.repo.audited(w.user_id, "coaching_book" if single else "coaching_poll", now,
                                target=country) as entry:
        c, refused = await _decide(svc, w.user_id, data, starts, country, now)
        if c is None:
            entry.skip()
        else:
            entry.detail = f"{c.id}: {data['slots']}"
    await input.done(update, context, KIND)
    if refused is not None:
        await show(update, st.open_refusal(w.view, svc.schedule, country, refused))
        return
    if c is None:
        await show_group(update, context, w, country, prefix=st.changed_meanwhile(w.view))
        return
    _spawn(w, context, c, "booked" if single else "poll")
    sent = st.booked_done(w.view, len(people)) if single else st.poll_sent(w.view, len(people))
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, sent)
    await show_group(update, context, w, country, new=True)


async def _decide(svc: Services, user_id: int, data: dict[str, Any], starts: list[datetime],
                  country: str, now: datetime) -> tuple[Coaching | None, Any]:
    """Open the coaching, book its time or poll new times: (the coaching, None) when done,
    (None, why) when it may not be opened, (None, None) when someone changed it meanwhile."""
    store = svc.repo.coaching
    if data.get("coaching") is None:
        why = rules.may_open(await screens.group(svc, country))
        if why is not None:
            return None, why
        return await store.create(country, starts, svc.schedule.coaching.duration_minutes,
                                  user_id, now), None
    found = await store.get(data["coaching"])
    if found is None or (found.round, found.bookings) != (data["round"], data["bookings"]) or (
            rules.state(found, now) not in ("polling", "booked")):
        return None, None
    if len(starts) == 1:
        changed = await store.book(found, starts[0], user_id, now)
    else:
        changed = await store.new_round(found, starts, now)
    return (found if changed else None), None


@restricted("facilitator")
async def on_drop(update: Update, context: BotContext) -> None:
    w = await context.who()
    await input.done(update, context, KIND)
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, w.view.tr.gettext("Cancelled: nothing was saved."))


async def _coaching_in_scope(update: Update, w: Who, c: Coaching | None) -> bool:
    if c is None or not in_scope(w, c.country):
        await refuse_scope(update, w)
        return False
    return True


@restricted("facilitator")
async def on_book(update: Update, context: BotContext) -> None:
    w = await context.who()
    svc, now = w.svc, w.svc.clock.now()
    assert update.callback_query is not None
    pressed = Book.parse(update.callback_query.data)
    slot = await svc.repo.coaching.slot(pressed.slot) if pressed else None
    c = await svc.repo.coaching.get(slot.coaching_id) if slot else None
    if pressed is None or slot is None or not await _coaching_in_scope(update, w, c):
        return
    assert c is not None
    if c.status != "polling" or slot.round != c.round or slot.start <= now:
        await show_group(update, context, w, c.country, prefix=st.changed_meanwhile(w.view))
        return
    if pressed.sure is None:
        await update.callback_query.answer()
        await show(update, st.book_question(w.view, svc.schedule, c, slot.start),
                   confirm_keyboard(w.view, "✅ " + w.view.tr.gettext("Yes, book it"),
                                    Book(slot.id, "y"), c.country))
        return
    async with svc.repo.audited(w.user_id, "coaching_book", now, target=c.country,
                                detail=f"{c.id}: {slot.start.isoformat()}") as entry:
        if not await svc.repo.coaching.book(c, slot.start, w.user_id, now):
            entry.skip()
    if entry.skipped:
        await show_group(update, context, w, c.country, prefix=st.changed_meanwhile(w.view))
        return
    _spawn(w, context, c, "booked")
    people = await screens.members(svc, c.country)
    await show_group(update, context, w, c.country, prefix=st.booked_done(w.view, len(people)))


@restricted("facilitator")
async def on_cancel(update: Update, context: BotContext) -> None:
    w = await context.who()
    svc, now = w.svc, w.svc.clock.now()
    assert update.callback_query is not None
    pressed = Cancel.parse(update.callback_query.data)
    c = await svc.repo.coaching.get(pressed.coaching) if pressed else None
    if pressed is None or not await _coaching_in_scope(update, w, c):
        return
    assert c is not None
    if rules.state(c, now) not in ("polling", "booked"):
        await show_group(update, context, w, c.country, prefix=st.changed_meanwhile(w.view))
        return
    if pressed.sure is None:
        await update.callback_query.answer()
        await show(update, st.cancel_question(w.view, svc.schedule, c),
                   confirm_keyboard(w.view, "✖️ " + w.view.tr.gettext("Yes, cancel it"),
                                    Cancel(c.id, "y"), c.country))
        return
    async with svc.repo.audited(w.user_id, "coaching_cancel", now, target=c.country,
                                detail=str(c.id)) as entry:
        if not await svc.repo.coaching.cancel(c, now):
            entry.skip()
    if entry.skipped:
        await show_group(update, context, w, c.country, prefix=st.changed_meanwhile(w.view))
        return
    _spawn(w, context, c, "cancelled")
    await update.callback_query.answer()
    await show(update, st.cancelled_done(w.view))


def register(app: Application) -> None:
    app.add_handler(CallbackQueryHandler(on_send, pattern=SendDraft.pattern()))
    app.add_handler(CallbackQueryHandler(on_drop, pattern=DropDraft.pattern()))
    app.add_handler(CallbackQueryHandler(on_book, pattern=Book.pattern()))
    app.add_handler(CallbackQueryHandler(on_cancel, pattern=Cancel.pattern()))
