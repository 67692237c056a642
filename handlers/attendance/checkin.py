"""Participants' side of attendance: /checkin, the check-in button, codes, /me, corrections.

A check-in code or a correction request is typed as the next message (pending input
"checkin_code", data {"session": N}, and "correction", data {"session": N}).
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.attendance import rules
from bot.attendance.keyboards import AskCorrection, CheckIn, me_keyboard, sessions_keyboard
from bot.attendance.texts import checkin_text, not_in_group, progress_text, request_notice
from bot.context import BotContext, Who
from bot.membership import program
from bot.notify import notify, staff
from bot.storage.pending import Pending
from handlers import input
from handlers.common import personal

CODE, CORRECTION = "checkin_code", "correction"
REQUEST_MAX = 500  # characters kept from a correction request


async def _run_checkin(update: Update, context: BotContext, w: Who, *, method: str,
                       session_number: int | None = None,
                       code: str | None = None) -> rules.CheckinResult:
    result = await rules.check_in(
        w.svc.repo.attendance, w.svc.schedule, member=w.member, now=w.svc.clock.now(),
        method=method, session_number=session_number, code=code,
    )
    if result.outcome in ("need_code", "wrong_code") and result.session is not None:
        await input.ask(update, context, CODE, {"session": result.session.number})
    else:
        await input.done(update, context, CODE)
    return result


@personal
async def checkin_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    code = " ".join(context.args or []) or None
    result = await _run_checkin(update, context, w, method="command", code=code)
    assert update.effective_message is not None
    await update.effective_message.reply_text(checkin_text(w.view, result))


async def on_checkin_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    w = await context.who()
    _ = w.view.tr.gettext
    pressed = CheckIn.parse(query.data)
    if pressed is None or pressed.user != query.from_user.id:
        await query.answer(
            _("This button is not for you. Send /checkin to check in."), show_alert=True
        )
        return
    result = await _run_checkin(update, context, w, method="button",
                                session_number=pressed.session)
    text = checkin_text(w.view, result)
    if result.outcome in ("unknown_session", "not_in_audience"):
        await query.answer(text, show_alert=True)
        return
    # The answer to the tap itself is immediate (callback answers are not flood-limited);
    # the message, like every reply, waits its turn in the outbound limiter.
    await query.answer(text[:200])
    await context.bot.send_message(query.from_user.id, text)


async def on_code(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    result = await _run_checkin(update, context, w, method="command",
                                session_number=pending.data["session"], code=message.text or "")
    await message.reply_text(checkin_text(w.view, result))


async def on_correction(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    await input.done(update, context)
    number = int(pending.data["session"])
    text = (message.text or "").strip()[:REQUEST_MAX]
    session = w.svc.schedule.session(number)
    if session is not None and text:
        store = w.svc.repo.attendance
        await store.add_request(w.user_id, number, text, w.svc.clock.now())
        record = await store.get(w.user_id, number)
        notify(context.application, await staff(context.application, w.person.country),
               lambda v, _person: request_notice(v, w.person, session, record, text))
    await message.reply_text(
        w.view.tr.gettext("Thank you. Your request has been sent to the facilitators.")
    )


@personal
async def me(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.effective_message is not None
    if w.member.group is None:
        await update.effective_message.reply_text(not_in_group(w.view))
        return
    records = await w.svc.repo.attendance.for_user(w.user_id)
    progress = rules.progress(w.svc.schedule, w.member, records, w.svc.clock.now())
    await update.effective_message.reply_text(
        progress_text(w.view, progress), reply_markup=me_keyboard(w.view, progress, w.user_id)
    )


def _correctable(w: Who) -> list[int]:
    """Sessions of the person's program whose check-in has opened."""
    now = w.svc.clock.now()
    checkin = w.svc.schedule.checkin
    return [
        s.number
        for s in program(w.svc.schedule, w.member)
        if rules.window_state(s, checkin, now) != "early"
    ]


async def on_request_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    w = await context.who()
    _ = w.view.tr.gettext
    numbers = _correctable(w)
    user_id = query.from_user.id
    pressed = context.pressed(AskCorrection)
    if pressed.session is None:
        await query.answer()
        if not numbers:
            await context.bot.send_message(user_id, _("There is nothing to correct yet."))
            return
        await context.bot.send_message(user_id, _("Which session is it about?"),
                                       reply_markup=sessions_keyboard(w.view, numbers))
        return
    if pressed.session not in numbers:
        await query.answer(_("This button is out of date. Send /me to start again."),
                           show_alert=True)
        return
    await query.answer()
    await input.ask(update, context, CORRECTION, {"session": pressed.session})
    await context.bot.send_message(
        user_id,
        _(
            "Tell me in one message what happened at Session {n} (for example: I attended "
            "but could not check in). The facilitators will read it."
        ).format(n=pressed.session),
    )


def register(app: Application) -> None:
    input.expect(CODE, on_code)
    input.expect(CORRECTION, on_correction)
    app.add_handler(CommandHandler("checkin", checkin_command))
    app.add_handler(CommandHandler(["me", "progress"], me))
    # Broad pattern: forged or malformed data still gets a polite answer, never silence.
    app.add_handler(CallbackQueryHandler(on_checkin_button, pattern=rf"^{CheckIn.prefix}(:|\Z)"))
    app.add_handler(CallbackQueryHandler(on_request_button, pattern=AskCorrection.pattern()))
