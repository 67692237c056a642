"""Program changes from the chat (organizers): /joinlink, /move, /changes with undo, and /reload.

Each goes through bot/program/changes.py: the schedule in force (schedule.json + the changes
stored in the database) is validated, then installed like /reload; the answer says what changed
and how many people will be told.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from html import escape

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.broadcasts.texts import when_refusal
from bot.context import BotContext, Who
from bot.parsing import WhenError, parse_code, parse_int, parse_when
from bot.program import changes as program
from bot.program import texts
from bot.program.keyboards import (
    ConfirmMove,
    UndoChange,
    changes_keyboard,
    move_keyboard,
    undo_keyboard,
)
from bot.schedule import ScheduleError, is_web_link, load_schedule
from bot.storage.program import ProgramChange
from handlers.common import alert, reply, restricted, show

log = logging.getLogger(__name__)


def _outcome_text(w: Who, head: str, outcome: program.Outcome) -> str:
    return "\n".join([head, *texts.outcome_lines(w.view, w.svc.schedule, outcome.diff,
                                                 outcome.told, outcome.rejected)])


async def _make(update: Update, w: Who, change: ProgramChange) -> None:
    try:
        result = await program.make(w.svc, change, w.user_id)
    except Exception as exc:  # the old schedule and its jobs stay (Services.install)
        log.exception("program change: the new schedule's jobs could not be built")
        await show(update, texts.failed(w.view, f"{type(exc).__name__}: {exc}"))
        return
    if isinstance(result, str):
        await show(update, texts.refused(w.view, result))
        return
    await show(update, _outcome_text(w, "✅ <b>" + w.view.tr.gettext("Changed.") + "</b>",
                                     result))


def _link_change(w: Who, args: list[str]) -> ProgramChange | str:
    """The change /joinlink asks for, or the answer to give instead."""
    v, schedule = w.view, w.svc.schedule
    if not args:
        return texts.joinlink_usage(v)
    first, rest = args[0], args[1:]
    kind, target = "program_link", ""
    if not (first.lower() == "off" or is_web_link(first)):
        number = parse_int(first, max_digits=4)
        code = parse_code(first, max_length=2)
        if number is not None:
            if schedule.session(number) is None:
                return texts.no_session(v, number)
            kind, target = "session_link", str(number)
        elif code is not None and len(code) == 2 and not code.isdigit():
            if schedule.country(code) is None:
                return texts.joinlink_usage(v)
            kind, target = "coaching_link", code
        else:
            return texts.not_a_link(v, first) if "." in first else texts.joinlink_usage(v)
        if not rest:
            return texts.joinlink_usage(v)
        first, rest = rest[0], rest[1:]
    if first.lower() == "off":
        return ProgramChange(kind, target) if not rest else texts.joinlink_usage(v)  # type: ignore[arg-type]
    if not is_web_link(first):
        return texts.not_a_link(v, first)
    if rest and kind == "coaching_link":
        return texts.joinlink_usage(v)
    return ProgramChange(kind, target, link=first, info=" ".join(rest) or None)  # type: ignore[arg-type]


@restricted("organizer")
async def joinlink(update: Update, context: BotContext) -> None:
    w = await context.who()
    change = _link_change(w, list(context.args or []))
    if isinstance(change, str):
        await reply(update, change)
        return
    await _make(update, w, change)


@restricted("organizer")
async def move(update: Update, context: BotContext) -> None:
    w = await context.who()
    args = list(context.args or [])
    number = parse_int(args[0], max_digits=4) if args else None
    if number is None or len(args) < 3:
        await reply(update, texts.move_usage(w.view))
        return
    session = w.svc.schedule.session(number)
    if session is None:
        await reply(update, texts.no_session(w.view, number))
        return
    now = w.svc.clock.now()
    try:
        start = parse_when(" ".join(args[1:]), w.view.zone, now)
    except WhenError as exc:
        await reply(update, when_refusal(w.view, exc.reason, now))
        return
    outcome, reason = await program.preview(w.svc, ProgramChange("move", str(number),
                                                                 start=start))
    if outcome is None:
        await reply(update, texts.refused(w.view, reason))
        return
    minute = int(start.timestamp()) // 60
    await reply(update, texts.move_preview(w.view, w.svc.schedule, session, start, outcome.told),
                move_keyboard(w.view, number, minute))


@restricted("organizer")
async def on_move(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.callback_query is not None
    data = context.pressed(ConfirmMove)
    if data.answer == "n":
        await update.callback_query.answer()
        await show(update, w.view.tr.gettext("Nothing was changed."))
        return
    await update.callback_query.answer()
    try:
        start = datetime.fromtimestamp(data.minute * 60, UTC)
    except (OverflowError, OSError, ValueError):  # forged data: no such time
        await show(update, w.view.tr.gettext("Nothing was changed."))
        return
    await _make(update, w, ProgramChange("move", str(data.session), start=start))


@restricted("organizer")
async def changes_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    await _list(update, w, new=True)


async def _list(update: Update, w: Who, *, new: bool = False) -> None:
    found = await w.svc.repo.program.changes()
    text = texts.changes_text(w.view, w.svc.schedule, found)
    markup = changes_keyboard(w.view, [c.id for c in found])
    if new:
        await reply(update, text, markup)
    else:
        await show(update, text, markup)


@restricted("organizer")
async def on_undo(update: Update, context: BotContext) -> None:
    w = await context.who()
    query = update.callback_query
    assert query is not None
    data = context.pressed(UndoChange)
    change = await w.svc.repo.program.get(data.change)
    if change is None:
        await alert(update, w.view.tr.gettext("That change is no longer in force."))
        return
    if data.confirm is None:
        await query.answer()
        await show(update, texts.undo_confirm_text(w.view, w.svc.schedule, change),
                   undo_keyboard(w.view, change.id))
        return
    if data.confirm == "n":
        await query.answer()
        await _list(update, w)
        return
    await query.answer()
    try:
        outcome = await program.undo(w.svc, change.id, w.user_id)
    except Exception as exc:
        log.exception("undo: the new schedule's jobs could not be built")
        await show(update, texts.failed(w.view, f"{type(exc).__name__}: {exc}"))
        return
    if outcome is None:
        await show(update, w.view.tr.gettext("That change is no longer in force."))
        return
    await show(update, _outcome_text(w, "↩️ <b>" + w.view.tr.gettext("Undone.") + "</b>",
                                     outcome))


@restricted("organizer")
async def reload(update: Update, context: BotContext) -> None:
    """Read schedule.json again; the changes made from the chat stay on top of it."""
    w = await context.who()
    _ = w.view.tr.gettext
    try:
        schedule_file = load_schedule(w.svc.settings.schedule_path)
    except ScheduleError as exc:
        await reply(update, _("The schedule was not reloaded: {error}").format(
            error=escape(str(exc))))
        return
    try:
        outcome = await program.install(w.svc, schedule_file)
    except Exception as exc:  # the old schedule and its jobs stay (Services.install)
        log.exception("reload: the new schedule's jobs could not be built")
        await reply(update, _("The schedule was not reloaded: {error}").format(
            error=escape(f"its jobs could not be built ({type(exc).__name__}: {exc})")))
        return
    await w.svc.repo.participants.audit(w.user_id, "reload", w.svc.clock.now())
    count = len(w.svc.schedule.sessions)
    head = w.view.tr.ngettext("Schedule reloaded: {count} session. Reminders were rebuilt.",
                              "Schedule reloaded: {count} sessions. Reminders were rebuilt.",
                              count).format(count=count)
    await reply(update, _outcome_text(w, head, outcome))


def register(app: Application) -> None:
    app.add_handler(CommandHandler("joinlink", joinlink))
    app.add_handler(CommandHandler("move", move))
    app.add_handler(CommandHandler("changes", changes_command))
    app.add_handler(CommandHandler("reload", reload))
    app.add_handler(CallbackQueryHandler(on_move, pattern=ConfirmMove.pattern()))
    app.add_handler(CallbackQueryHandler(on_undo, pattern=UndoChange.pattern()))
