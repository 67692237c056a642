"""/calendar: the person's program as a calendar file; "Add to calendar": one session."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.calendar import ics
from bot.context import BotContext, Who
from bot.membership import in_audience, shown
from bot.sessions import ics as events
from bot.sessions.keyboards import AddToCalendar
from handlers.common import alert


async def _sequences(w: Who) -> dict[int, int]:
    return {n: v.sequence for n, v in (await w.svc.repo.sessions.versions()).items()}


async def calendar_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    svc = w.svc
    sessions = shown(svc.schedule, w.member)
    found = events.session_events(w.view, svc.schedule, sessions, await _sequences(w),
                                  lambda s: in_audience(s, w.member))
    content = ics(found, svc.clock.now(), name=events.program_name(w.view, svc.schedule))
    caption = "🗓 " + w.view.tr.ngettext(
        "Your program calendar: {n} session, with a reminder 1 hour before. Open the file to "
        "add it to Google Calendar, Outlook or Apple Calendar.",
        "Your program calendar: {n} sessions, with a reminder 1 hour before each. Open the "
        "file to add them to Google Calendar, Outlook or Apple Calendar.",
        len(found)).format(n=len(found))
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        document=content, filename=events.file_name(svc.schedule), caption=caption)


async def on_add_to_calendar(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    w = await context.who()
    pressed = AddToCalendar.parse(query.data)
    session = w.svc.schedule.session(pressed.session) if pressed else None
    if session is None:
        await alert(update, w.view.tr.gettext("This button no longer works. Please start "
                                              "again."))
        return
    await query.answer()
    event = events.session_event(w.view, w.svc.schedule, session,
                                 await w.svc.repo.sessions.sequence(session.number),
                                 with_link=in_audience(session, w.member))
    await context.bot.send_document(
        query.from_user.id, document=ics([event], w.svc.clock.now()),
        filename=events.file_name(w.svc.schedule, session),
        caption="🗓 " + w.view.tr.gettext(
            "Session {n}: open the file to add it to your calendar.").format(n=session.number),
    )


def register(app: Application) -> None:
    app.add_handler(CommandHandler("calendar", calendar_command))
    app.add_handler(CallbackQueryHandler(on_add_to_calendar, pattern=AddToCalendar.pattern()))
