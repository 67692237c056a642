"""Facilitators' side of coaching: the overview, a group's screen, typing candidate times.

Times are typed as the next message (pending input "coaching_times", data {"country",
"coaching": id or None, "round", "bookings"}); once they read well, the data also holds
"slots" (ISO UTC) until the facilitator sends the poll or books the time (decide.py).
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application, CallbackQueryHandler

from bot.coaching import rules, screens
from bot.coaching import staff_texts as st
from bot.coaching.keyboards import GroupScreen, NewTimes, Overview, draft_keyboard
from bot.context import BotContext, Who
from bot.membership import may_act_on
from bot.storage.base import ts
from bot.storage.coaching import Coaching
from bot.storage.pending import Pending
from bot.viewer import scope_refusal
from handlers import input
from handlers.common import alert, restricted, show

KIND = "coaching_times"


def in_scope(w: Who, country: str | None) -> bool:
    return country is not None and w.svc.schedule.country(country) is not None and may_act_on(
        w.member, country)


async def refuse_scope(update: Update, w: Who) -> None:
    text = scope_refusal(w.view, w.svc.schedule, w.member.scope, "coaching")
    if update.callback_query is not None:
        await alert(update, text)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_text(text)


async def show_group(update: Update, context: BotContext, w: Who, country: str, *,
                     prefix: str = "", new: bool = False) -> None:
    """The group's coaching under way (kept live for this facilitator), or, when nothing is
    and hours are left, the question for candidate times."""
    svc = w.svc
    g = await screens.group(svc, country)
    text, markup = await screens.staff_screen(svc, w.view, g)
    if markup is None and rules.may_open(g) is None:
        await ask_times(update, context, w, country, None)
        return
    text = f"{prefix}\n\n{text}" if prefix else text
    query = update.callback_query
    if query is not None and query.message is not None and not new:
        await query.answer()
        await show(update, text, markup)
        message_id = query.message.message_id
    else:
        assert update.effective_message is not None
        sent: Message = await update.effective_message.reply_text(text, reply_markup=markup)
        message_id = sent.message_id
    if g.current is not None and g.state == "polling" and update.effective_chat is not None:
        await svc.repo.coaching.set_tally(g.current.id, update.effective_chat.id, message_id)


async def ask_times(update: Update, context: BotContext, w: Who, country: str,
                    c: Coaching | None) -> None:
    svc = w.svc
    people = await screens.members(svc, country)
    await input.ask(update, context, KIND, {
        "country": country, "coaching": c.id if c else None,
        "round": c.round if c else None, "bookings": c.bookings if c else None})
    text = st.slots_prompt(w.view, svc.schedule, country, len(people), c, svc.clock.now())
    if update.callback_query is not None:
        await update.callback_query.answer()
    assert update.effective_message is not None
    await update.effective_message.reply_text(text)


@restricted("facilitator")
async def overview_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    text, markup = await screens.overview(w.svc, w.view, w.member)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=markup)


@restricted("facilitator")
async def group_command(update: Update, context: BotContext) -> None:
    """/coaching GH"""
    w = await context.who()
    code = (context.args or [""])[0].upper()[:3]
    if w.svc.schedule.country(code) is None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(st.unknown_country(w.view, w.svc.schedule))
        return
    if not in_scope(w, code):
        await refuse_scope(update, w)
        return
    await show_group(update, context, w, code)


@restricted("facilitator")
async def on_overview(update: Update, context: BotContext) -> None:
    w = await context.who()
    text, markup = await screens.overview(w.svc, w.view, w.member)
    assert update.callback_query is not None
    await update.callback_query.answer()
    await show(update, text, markup)


@restricted("facilitator")
async def on_group(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.callback_query is not None
    pressed = GroupScreen.parse(update.callback_query.data)
    if pressed is None or not in_scope(w, pressed.country):
        await refuse_scope(update, w)
        return
    await show_group(update, context, w, pressed.country)


@restricted("facilitator")
async def on_new_times(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.callback_query is not None
    pressed = NewTimes.parse(update.callback_query.data)
    c = await w.svc.repo.coaching.get(pressed.coaching) if pressed else None
    if c is None or not in_scope(w, c.country):
        await refuse_scope(update, w)
        return
    if rules.state(c, w.svc.clock.now()) not in ("polling", "booked"):
        await show_group(update, context, w, c.country, prefix=st.changed_meanwhile(w.view))
        return
    await ask_times(update, context, w, c.country, c)


async def on_times(update: Update, context: BotContext, pending: Pending) -> None:
    """The typed candidate times: refused line by line, or shown for sending."""
    message = update.effective_message
    assert message is not None
    w = await context.who()
    svc, data = w.svc, pending.data
    if not w.staff or not in_scope(w, data.get("country")):  # rights changed meanwhile
        await input.done(update, context, KIND)
        await refuse_scope(update, w)
        return
    c = await svc.repo.coaching.get(data["coaching"]) if data.get("coaching") else None
    now = svc.clock.now()
    try:
        starts = rules.parse_slots(message.text or "", w.view.zone, now, svc.schedule,
                                   rules.allowed_counts(c))
    except rules.SlotsError as exc:
        await message.reply_text(st.slots_refusal(w.view, svc.schedule, exc, now))
        return
    await input.ask(update, context, KIND, {**data, "slots": [ts(s) for s in starts]})
    people = await screens.members(svc, data["country"])
    await message.reply_text(
        st.preview_text(w.view, svc.schedule, data["country"], starts, len(people)),
        reply_markup=draft_keyboard(w.view, len(starts) == 1))


def register(app: Application) -> None:
    input.expect(KIND, on_times)
    app.add_handler(CallbackQueryHandler(on_overview, pattern=Overview.pattern()))
    app.add_handler(CallbackQueryHandler(on_group, pattern=GroupScreen.pattern()))
    app.add_handler(CallbackQueryHandler(on_new_times, pattern=NewTimes.pattern()))
