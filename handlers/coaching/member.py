"""Members' side of coaching: /coaching, answering the poll, check-in, "Add to calendar"."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.calendar import ics
from bot.coaching import rules, screens
from bot.coaching import texts as ct
from bot.coaching.event import coaching_event
from bot.coaching.jobs import refresh_tally
from bot.coaching.keyboards import AddToCalendar, AnswerSlot, CoachingCheckIn
from bot.context import BotContext
from bot.membership import may_act_on
from handlers.coaching import staff
from handlers.common import alert


async def coaching_command(update: Update, context: BotContext) -> None:
    """Members: their group's coaching. Staff: every group in their scope (or one: /coaching GH)."""
    w = await context.who()
    if context.args:
        await staff.group_command(update, context)
        return
    if w.staff:
        await staff.overview_command(update, context)
        return
    message = update.effective_message
    assert message is not None
    if w.person.country is None or not rules.is_member(w.person, w.person.country):
        await message.reply_text(ct.not_in_core(w.view))
        return
    for text, markup in await screens.member_screens(w.svc, w.view, w.person):
        await message.reply_text(text, reply_markup=markup)


async def on_answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    w = await context.who()
    svc, store = w.svc, w.svc.repo.coaching
    pressed = AnswerSlot.parse(query.data)
    slot = await store.slot(pressed.slot) if pressed else None
    c = await store.get(slot.coaching_id) if slot else None
    if pressed is None or slot is None or c is None:
        await alert(update, w.view.tr.gettext("This button no longer works. Please start again."))
        return
    if not rules.is_member(w.person, c.country):
        await alert(update, ct.checkin_text(w.view, svc.schedule,
                                            rules.CoachingCheckinResult("not_member", c)))
        return
    if c.status != "polling" or slot.round != c.round:
        await alert(update, ct.poll_closed(w.view))
        return
    await store.answer(slot.id, w.user_id, "yes" if pressed.answer == "y" else "no",
                       svc.clock.now())
    await query.answer(ct.answer_saved(w.view))
    text, markup = await screens.poll_screen(svc, w.view, c, w.user_id)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
    svc.spawn(f"coaching-tally:{c.id}", refresh_tally(context.application, c.id))


async def on_checkin(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    w = await context.who()
    pressed = CoachingCheckIn.parse(query.data)
    if pressed is None or pressed.user != query.from_user.id:
        await alert(update, w.view.tr.gettext(
            "This button is not for you. Send /coaching to see your group's coaching hour."))
        return
    svc = w.svc
    c = await svc.repo.coaching.get(pressed.coaching)
    result = await rules.check_in(svc.repo.coaching, svc.schedule, c, w.person,
                                  svc.clock.now(), "button")
    text = ct.checkin_text(w.view, svc.schedule, result)
    if result.outcome in ("not_member", "not_booked"):
        await alert(update, text)
        return
    await query.answer(text[:200])
    await context.bot.send_message(query.from_user.id, text)


async def on_calendar(update: Update, context: BotContext) -> None:
    """The .ics of a booked coaching hour, to its members and the staff of its country."""
    query = update.callback_query
    assert query is not None
    w = await context.who()
    svc = w.svc
    pressed = AddToCalendar.parse(query.data)
    c = await svc.repo.coaching.get(pressed.coaching) if pressed else None
    if c is None or c.status != "booked" or c.start is None:
        await alert(update, ct.checkin_text(w.view, svc.schedule,
                                            rules.CoachingCheckinResult("not_booked", c)))
        return
    if not (rules.is_member(w.person, c.country) or may_act_on(w.member, c.country)
            or w.user_id == c.coach_id):
        await alert(update, ct.checkin_text(w.view, svc.schedule,
                                            rules.CoachingCheckinResult("not_member", c)))
        return
    title, description = ct.event_texts(w.view, svc.schedule, c)
    event = ics([coaching_event(c, title, description, svc.schedule.coaching.link(c.country),
                                svc.schedule.slug)], svc.clock.now())
    await query.answer()
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        document=event, filename=f"coaching-{c.id}.ics",
        caption=ct.when_text(w.view, c.start, c.duration_minutes))


def register(app: Application) -> None:
    # Private chats only: answers and names never go to a group chat.
    app.add_handler(CommandHandler("coaching", coaching_command, filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(on_answer, pattern=AnswerSlot.pattern()))
    app.add_handler(CallbackQueryHandler(on_checkin, pattern=CoachingCheckIn.pattern()))
    app.add_handler(CallbackQueryHandler(on_calendar, pattern=AddToCalendar.pattern()))
