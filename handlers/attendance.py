"""Participants' side of attendance: /checkin, the check-in button, codes, /me, corrections.

Callback data: "ci:<session>:<user id>" (check in; the reminders put it on "starting now"),
"cr" (ask for a correction: pick a session), "cr:<session>" (then type what happened).
A code or a correction request is typed as the next message; that waiting state lives in
user_data (memory: after a restart the person simply sends /checkin again).
"""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import attendance
from bot.attendance_text import checkin_text, progress_text, status_label
from bot.views import Viewer, session_heading
from handlers import attendance_staff
from handlers.common import ATTENDANCE_GROUP, Who, who

AWAIT = "attendance_await"  # {"kind": "code" | "request", "session": N}
REQUEST_MAX = 500  # characters kept from a correction request


def checkin_keyboard(view: Viewer, session_number: int, user_id: int) -> InlineKeyboardMarkup:
    """The one-tap check-in button (also used by the "starting now" reminder)."""
    _ = view.tr.gettext
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("✅ " + _("Check in"),
                               callback_data=f"ci:{session_number}:{user_id}")]]
    )


def _state(context: ContextTypes.DEFAULT_TYPE) -> dict[str, Any]:
    assert context.user_data is not None
    return context.user_data


async def _run_checkin(
    w: Who,
    context: ContextTypes.DEFAULT_TYPE,
    *,
    method: str,
    session_number: int | None = None,
    code: str | None = None,
) -> attendance.CheckinResult:
    result = await attendance.check_in(
        w.svc.repo.attendance,
        w.svc.schedule,
        user_id=w.person.user_id,
        group=w.person.group,
        now=w.svc.clock.now(),
        method=method,
        session_number=session_number,
        code=code,
    )
    state = _state(context)
    if result.outcome in ("need_code", "wrong_code") and result.session is not None:
        state[AWAIT] = {"kind": "code", "session": result.session.number}
    elif state.get(AWAIT, {}).get("kind") == "code":
        state.pop(AWAIT, None)
    return result


async def checkin_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    code = " ".join(context.args or []) or None
    result = await _run_checkin(w, context, method="command", code=code)
    assert update.effective_message is not None
    await update.effective_message.reply_text(checkin_text(w.view, result))


async def on_checkin_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    w = await who(update, context)
    _ = w.view.tr.gettext
    parts = query.data.split(":")
    if len(parts) != 3 or not parts[1].isdigit() or parts[2] != str(query.from_user.id):
        await query.answer(
            _("This button is not for you. Send /checkin to check in."), show_alert=True
        )
        return
    result = await _run_checkin(w, context, method="button", session_number=int(parts[1]))
    text = checkin_text(w.view, result)
    if result.outcome in ("unknown_session", "not_in_audience"):
        await query.answer(text, show_alert=True)
        return
    await query.answer()
    await context.bot.send_message(query.from_user.id, text)


async def on_awaited_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before the other text handlers: a code or a correction request, if one is due."""
    message = update.effective_message
    state = _state(context)
    pending = state.get(AWAIT)
    if pending is None or message is None or message.text is None:
        return
    if message.text.startswith("/"):
        state.pop(AWAIT, None)  # any command ends the wait; the command runs as usual
        return
    w = await who(update, context)
    if pending["kind"] == "code":
        result = await _run_checkin(
            w, context, method="command", session_number=pending["session"], code=message.text
        )
        await message.reply_text(checkin_text(w.view, result))
    else:
        state.pop(AWAIT, None)
        await _send_request(w, context, pending["session"], message.text)
        await message.reply_text(
            w.view.tr.gettext("Thank you. Your request has been sent to the facilitators.")
        )
    raise ApplicationHandlerStop


def _me_keyboard(w: Who, progress: attendance.Progress) -> InlineKeyboardMarkup:
    _ = w.view.tr.gettext
    rows = [
        list(checkin_keyboard(w.view, s.number, w.person.user_id).inline_keyboard[0])
        for s, c in progress.cells
        if c == "open"
    ]
    rows.append(
        [InlineKeyboardButton("✍️ " + _("Ask for a correction"), callback_data="cr")]
    )
    return InlineKeyboardMarkup(rows)


async def me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    records = await w.svc.repo.attendance.for_user(w.person.user_id)
    progress = attendance.progress(w.svc.schedule, w.person.group, records, w.svc.clock.now())
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        progress_text(w.view, progress), reply_markup=_me_keyboard(w, progress)
    )


def _correctable(w: Who) -> list[int]:
    """Sessions of the person's program whose check-in has opened."""
    now = w.svc.clock.now()
    rules = w.svc.schedule.checkin
    return [
        s.number
        for s in w.svc.schedule.sessions_for(w.person.group)
        if attendance.window_state(s, rules, now) != "early"
    ]


async def on_request_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    w = await who(update, context)
    _ = w.view.tr.gettext
    numbers = _correctable(w)
    user_id = query.from_user.id
    if query.data == "cr":
        await query.answer()
        if not numbers:
            await context.bot.send_message(user_id, _("There is nothing to correct yet."))
            return
        buttons = [
            InlineKeyboardButton(_("Session {n}").format(n=n), callback_data=f"cr:{n}")
            for n in numbers
        ]
        keyboard = InlineKeyboardMarkup([buttons[i:i + 3] for i in range(0, len(buttons), 3)])
        await context.bot.send_message(
            user_id, _("Which session is it about?"), reply_markup=keyboard
        )
        return
    number = query.data.removeprefix("cr:")
    if not number.isdigit() or int(number) not in numbers:
        await query.answer(_("This button is out of date. Send /me to start again."),
                           show_alert=True)
        return
    await query.answer()
    _state(context)[AWAIT] = {"kind": "request", "session": int(number)}
    await context.bot.send_message(
        user_id,
        _(
            "Tell me in one message what happened at Session {n} (for example: I attended "
            "but could not check in). The facilitators will read it."
        ).format(n=int(number)),
    )


async def _send_request(
    w: Who, context: ContextTypes.DEFAULT_TYPE, number: int, text: str
) -> None:
    svc = w.svc
    store = svc.repo.attendance
    now = svc.clock.now()
    text = text.strip()[:REQUEST_MAX]
    await store.add_request(w.person.user_id, number, text, now)
    record = await store.get(w.person.user_id, number)
    session = svc.schedule.session(number)
    assert session is not None
    staff = sorted(set(await store.facilitator_ids()) | set(svc.settings.organizer_ids))
    for staff_id in staff:
        person = await svc.repo.get_participant(staff_id)
        view = attendance_staff.staff_viewer(svc, person)
        _ = view.tr.gettext
        current = status_label(view, record.status) if record else _("not checked in")
        body = "\n".join(
            [
                "📝 " + _("Correction request from {name} (<code>{id}</code>)").format(
                    name=escape(w.person.name), id=w.person.user_id
                ),
                "<b>" + session_heading(view, session) + "</b>",
                _("Recorded now: {status}").format(status=current),
                "«" + escape(text) + "»",
                _("To correct: <code>/correct {n} {id} present reason</code>").format(
                    n=number, id=w.person.user_id
                ),
            ]
        )

        async def deliver(chat_id: int = staff_id, body: str = body) -> Any:
            return await context.bot.send_message(chat_id, body)

        await svc.sender.send(staff_id, deliver)


def register(app: Application) -> None:
    # Its own group: it lets most messages pass, and only one handler per group runs.
    app.add_handler(
        MessageHandler(filters.TEXT & filters.ChatType.PRIVATE, on_awaited_text),
        group=ATTENDANCE_GROUP,
    )
    app.add_handler(CommandHandler("checkin", checkin_command))
    app.add_handler(CommandHandler(["me", "progress"], me))
    # Broad patterns: forged or malformed data still gets a polite answer, never silence.
    app.add_handler(CallbackQueryHandler(on_checkin_button, pattern=r"^ci:"))
    app.add_handler(CallbackQueryHandler(on_request_button, pattern=r"^cr(:|$)"))
    attendance_staff.register(app)
