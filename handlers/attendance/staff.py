"""Facilitators' and organizers' side of attendance: /attendance, /code, /correct, /export."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.attendance import rules
from bot.attendance.texts import corrected_notice, session_roll, status_label
from bot.context import BotContext, Who
from bot.membership import may_act_on, participants, session_for_group
from bot.notify import notify
from bot.parsing import parse_int, parse_status
from bot.viewer import program_wide_refusal, scope_refusal
from handlers.common import personal, restricted


def _session_arg(w: Who, args: list[str]) -> int | None:
    number = parse_int(args[0]) if args else None
    if number is not None and w.svc.schedule.session(number) is not None:
        return number
    return None


async def _numbers_hint(update: Update, w: Who, example: str) -> None:
    _ = w.view.tr.gettext
    numbers = [s.number for s in w.svc.schedule.sessions]
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        _("Please give a session number from {first} to {last}, for example {example}.")
        .format(first=min(numbers), last=max(numbers), example=example)
    )


@personal
@restricted("facilitator")
async def attendance_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    args = context.args or []
    svc = w.svc
    if args:
        number = _session_arg(w, args)
        if number is None:
            await _numbers_hint(update, w, "/attendance 3")
            return
        session = svc.schedule.session(number)
    else:
        session = rules.latest_started(svc.schedule, svc.clock.now())
        if session is None:
            await _numbers_hint(update, w, "/attendance 3")
            return
    assert session is not None and update.effective_message is not None
    store = svc.repo.attendance
    roster = [p for p in participants(await store.roster(), svc.settings.organizer_ids)
              if may_act_on(w.member, p.country)]
    records = [r for r in await store.for_session(session.number)
               if r.user_id in {p.user_id for p in roster}]
    for text in session_roll(w.view, svc.schedule, session, roster, records):
        await update.effective_message.reply_text(text)


@restricted("facilitator")
async def code_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    message = update.effective_message
    assert message is not None
    if not w.member.unlimited:  # one code per session, for every country
        await message.reply_text(program_wide_refusal(w.view))
        return
    args = context.args or []
    number = _session_arg(w, args)
    if number is None or len(args) > 2:
        await message.reply_text(
            _("Usage: /code 3 (show or make the code for session 3), /code 3 new, "
              "/code 3 1234 (your own code) or /code 3 off.")
        )
        return
    store = w.svc.repo.attendance
    now = w.svc.clock.now()
    actor = w.user_id
    word = args[1] if len(args) == 2 else ""
    if word.lower() == "off":
        async with w.svc.repo.audited(actor, "checkin_code", now, target=f"session {number}",
                                      detail="off"):
            await store.clear_code(number)
        await message.reply_text(
            _("Session {n} no longer needs a code to check in.").format(n=number)
        )
        return
    code = await store.code(number)
    if word.lower() == "new" or (not word and code is None):
        code = rules.generate_code()
        action = "generated"
    elif word:
        code = rules.normalize_code(word)
        if not rules.valid_code(code):
            await message.reply_text(_("A code has 3 to 12 letters or digits, e.g. 4821."))
            return
        action = "set"
    else:
        action = "shown"
    assert code is not None
    if action != "shown":
        async with w.svc.repo.audited(actor, "checkin_code", now, target=f"session {number}",
                                      detail=action):
            await store.set_code(number, code, actor, now)
    await message.reply_text(
        "\n".join(
            [
                _("🔑 Check-in code for Session {n}: <b>{code}</b>").format(
                    n=number, code=escape(code)
                ),
                _("Read it out in the call. Participants send /checkin {code}, or press "
                  "Check in and type it. Only facilitators see this code.").format(
                    code=escape(code)
                ),
                _("/code {n} off removes it.").format(n=number),
            ]
        )
    )


@personal
@restricted("facilitator")
async def correct_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    svc = w.svc
    message = update.effective_message
    assert message is not None
    args = context.args or []
    number = _session_arg(w, args)
    found = parse_status(args[2:])  # any of the four languages, e.g. "en retard", "Présente"
    status = found[0] if found else None
    reason = " ".join(args[2 + found[1]:]).strip() if found else ""
    if number is None or status is None or not reason:
        await message.reply_text(
            _("Usage: /correct 3 123456789 present|absent reason (session number, the "
              "person's user id or @username, the status, and why).")
        )
        return
    store = svc.repo.attendance
    person = await svc.repo.participants.find(args[1])
    if person is None:
        await message.reply_text(
            _("I don't know {who}: they must open the bot and press Start first.").format(
                who=escape(args[1])
            )
        )
        return
    if not may_act_on(w.member, person.country):
        await message.reply_text(scope_refusal(w.view, svc.schedule, w.member.scope, "attendance"))
        return
    session = svc.schedule.session(number)
    assert session is not None
    now = svc.clock.now()
    if not session_for_group(session, person.group):
        await message.reply_text(
            _("Session {n} is not part of this person's program.").format(n=number)
        )
        return
    if rules.window_state(session, svc.schedule.checkin, now) == "early":
        await message.reply_text(
            _("Session {n} has not started yet: corrections are possible once check-in "
              "opens.").format(n=number)
        )
        return
    async with svc.repo.audited(w.user_id, "attendance_correction", now,
                                target=str(person.user_id)) as entry:
        old = await store.correct(person.user_id, number, status, reason, w.user_id, now)
        entry.detail = f"session {number}: {old or 'none'} -> {status}: {reason}"
    was = status_label(w.view, old) if old else _("not checked in")
    await message.reply_text(
        _("Session {n}: {name} is now marked {status} (was: {was}). Reason: {reason}").format(
            n=number,
            name=escape(person.name or str(person.user_id)),
            status=status_label(w.view, status),
            was=was,
            reason=escape(reason),
        )
    )
    notify(context.application, [person], lambda v, _p: corrected_notice(v, number, status))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("attendance", attendance_command))
    app.add_handler(CommandHandler("code", code_command))
    app.add_handler(CommandHandler("correct", correct_command))
