"""The staff's side of networking: /networking (counts per country pair, in the facilitator's
countries), /breakouts N ROOMS (mixed rooms from the people checked in, shown, then sent on
confirmation) and /export networking (anonymous counts)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.attendance.rules import CHECKED_IN
from bot.context import BotContext
from bot.networking import texts as nt
from bot.networking.jobs import card_of, tell_rooms
from bot.networking.keyboards import ConfirmRooms, rooms_keyboard
from bot.networking.rules import Card, breakout_rooms, stats
from bot.parsing import parse_int
from bot.people.rules import pages
from bot.viewer import program_wide_refusal
from handlers.common import alert, personal, restricted, show, stale_button

MAX_ROOMS = 100


@restricted("facilitator")
@personal
async def networking_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    store = w.svc.repo.networking
    people = await w.svc.repo.participants.everyone()
    country_of = {uid: p.country for uid, p in people.items()}
    visible = [country_of[p.user_id] for p in await store.profiles() if p.user_id in people]
    counted = stats(visible, await store.requests(), country_of, w.member.scope)
    await show(update, nt.stats_text(w.view, w.svc.schedule, counted), new=True)


@restricted("facilitator")
@personal  # it lists people by name
async def breakouts_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    svc = w.svc
    message = update.effective_message
    assert message is not None
    if not w.member.unlimited:  # rooms mix every country: a program-wide action
        await message.reply_text(program_wide_refusal(w.view))
        return
    args = context.args or []
    number = parse_int(args[0]) if args else None
    rooms = parse_int(args[1]) if len(args) == 2 else None
    if (number is None or svc.schedule.session(number) is None or rooms is None
            or not 2 <= rooms <= MAX_ROOMS):
        await message.reply_text(nt.breakouts_usage(w.view))
        return
    records = await svc.repo.attendance.for_session(number)
    people = await svc.repo.participants.many(
        [r.user_id for r in records if r.status in CHECKED_IN])
    people = {uid: p for uid, p in people.items() if p.active}
    if not people:
        await message.reply_text(nt.nobody_checked_in(w.view, number))
        return
    profiles = await svc.repo.networking.topics_of(sorted(people))
    cards = [card_of(p, profiles[uid]) if uid in profiles and profiles[uid].visible
             else Card(uid, p.country) for uid, p in people.items()]
    plan = breakout_rooms(cards, rooms)
    now = svc.clock.now()
    async with svc.repo.audited(w.user_id, "breakouts", now,
                                target=f"session {number}") as entry:
        plan_id = await svc.repo.networking.add_plan(number, plan, w.user_id, now)
        entry.detail = f"plan {plan_id}: {len(plan)} rooms"
    *first, last = pages(nt.rooms_lines(w.view, svc.schedule, number, plan, people))
    for page in first:
        await message.reply_text(page)
    await message.reply_text(last, reply_markup=rooms_keyboard(w.view, plan_id))


@restricted("facilitator")
async def on_confirm_rooms(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(ConfirmRooms)
    w = await context.who()
    svc = w.svc
    if not w.member.unlimited:
        await alert(update, program_wide_refusal(w.view))
        return
    store = svc.repo.networking
    plan = await store.plan(pressed.plan)
    if plan is None:
        await stale_button(update, context)
        return
    if plan.confirmed_at is not None:
        await alert(update, nt.rooms_already_sent(w.view))
        return
    await query.answer()
    if pressed.answer == "no":
        await store.delete_plan(plan.id)
        await show(update, nt.rooms_cancelled(w.view))
        return
    now = svc.clock.now()
    async with svc.repo.audited(w.user_id, "breakouts_sent", now,
                                target=f"session {plan.session}",
                                detail=f"plan {plan.id}") as entry:
        if not await store.confirm_plan(plan.id, now):
            entry.skip()
    if entry.skipped:
        await show(update, nt.rooms_already_sent(w.view))
        return
    await show(update, nt.rooms_confirmed(w.view, plan.session, len(plan.members)))
    svc.spawn(f"breakouts:{plan.id}", tell_rooms(context.application, plan.id, w.user_id))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("networking", networking_command))
    app.add_handler(CommandHandler("breakouts", breakouts_command))
    app.add_handler(CallbackQueryHandler(on_confirm_rooms, pattern=ConfirmRooms.pattern()))
