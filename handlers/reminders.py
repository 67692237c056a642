"""Session reminders: jobs rebuilt at start, fan-out through the shared sender, /reminders,
group chats (/link, /unlink), /reload, and block detection (my_chat_member).

One job per (session, offset) fans out to everyone in the audience at the moment it fires.
Every message has a row in `deliveries` (unique key) written before it is sent, so a restart
neither repeats nor loses one (see bot/sender.py for what happens to a send cut off mid-way).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape

from telegram import (
    ChatMember,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
)

from bot import reminders, views
from bot.app import Services, get_services, services
from bot.jobs import cancel, due_at, schedule_at
from bot.schedule import ScheduleError, Session, load_schedule
from bot.storage.reminders import ALL_OFF, DeliveryKey
from bot.views import Viewer, country_name
from handlers.attendance import checkin_keyboard
from handlers.common import FALLBACK_ZONE, Who, restricted, who

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    chat_id: int
    language: str
    zone: str
    private: bool


async def _targets(svc: Services, session: Session, offset: int | None) -> dict[int, Target]:
    """Recipients computed now: people (opt-outs unless offset is None) and linked groups."""
    store = svc.repo.reminders
    default = svc.settings.default_language
    people = await (store.audience() if offset is None else store.candidates(offset))
    organizers = set(svc.settings.organizer_ids)
    out = {
        p.chat_id: Target(p.chat_id, p.language or default, p.zone or FALLBACK_ZONE, True)
        for p in people
        if reminders.in_audience(
            session, p.group, staff=p.role != "participant" or p.chat_id in organizers
        )
    }
    for group in await store.groups():
        country = svc.schedule.country(group.country)
        if country and reminders.in_audience(session, group.group):
            out[group.chat_id] = Target(group.chat_id, country.language, country.zone, False)
    return out


async def _deliver(
    app: Application,
    key: DeliveryKey,
    targets: dict[int, Target],
    render: Callable[[Viewer, Target], tuple[str, InlineKeyboardMarkup | None]],
) -> None:
    svc = get_services(app)
    store = svc.repo.reminders
    await store.add_pending(key, targets, svc.clock.now())
    pending = await store.pending(key)

    async def one(chat_id: int) -> None:
        target = targets.get(chat_id)
        now = svc.clock.now()
        if target is None:  # queued before a restart, no longer a recipient (opted out...)
            await store.finish(key, chat_id, "skipped", now, error="no longer a recipient")
            return
        view = Viewer(svc.i18n.get(target.language), target.language, target.zone)
        text, markup = render(view, target)
        outcome = await svc.sender.send(
            chat_id,
            lambda: app.bot.send_message(chat_id, text, reply_markup=markup),
            claim=lambda: store.claim(key, chat_id, svc.clock.now()),
        )
        if outcome.status == "skipped":
            return  # another fan-out took it
        await store.finish(
            key, chat_id, outcome.status, svc.clock.now(), outcome.message_id, outcome.error
        )
        if outcome.status == "blocked" and target.private:
            await svc.repo.update_participant(chat_id, svc.clock.now(), active=0)

    await svc.sender.fan_out(pending, one)


def _lock(app: Application, name: str) -> asyncio.Lock:
    locks: dict[str, asyncio.Lock] = app.bot_data.setdefault("fan_out_locks", {})
    return locks.setdefault(name, asyncio.Lock())


async def reminder_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    assert context.job is not None and isinstance(context.job.data, dict)
    number, offset = context.job.data["session"], context.job.data["offset"]
    session = svc.schedule.session(number)
    due, now = due_at(context), svc.clock.now()
    if session is None or reminders.due_time(session, offset) != due:
        return  # the schedule changed since this job was made; the rebuild made a new one
    if not reminders.still_sendable(session, due, now, reminders.grace(svc.schedule)):
        log.info("dropped reminder %s: due %s, now %s", context.job.name, due, now)
        return
    key = DeliveryKey("reminder", number, session.start, offset)
    async with _lock(context.application, context.job.name or ""):
        targets = await _targets(svc, session, offset)

        def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
            # "Starting now" carries the one-tap check-in, bound to this person's id.
            markup = (
                checkin_keyboard(view, session.number, target.chat_id)
                if offset == 0 and target.private
                else None
            )
            return views.reminder_text(view, session, svc.clock.now()), markup

        await _deliver(context.application, key, targets, render)


async def moved_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    assert context.job is not None and isinstance(context.job.data, dict)
    session = svc.schedule.session(context.job.data["session"])
    old: datetime = context.job.data["old"]
    if session is None:
        return
    key = DeliveryKey("moved", session.number, session.start, 0)
    async with _lock(context.application, context.job.name or ""):
        targets = await _targets(svc, session, None)

        def render(view: Viewer, target: Target) -> tuple[str, InlineKeyboardMarkup | None]:
            return views.moved_text(view, session, old), None

        await _deliver(context.application, key, targets, render)
        await svc.repo.reminders.set_known_start(session.number, session.start)


async def build_jobs(app: Application) -> None:
    """Rebuild every reminder job from schedule.json and the database (start, /reload)."""
    svc = get_services(app)
    store, schedule, now = svc.repo.reminders, svc.schedule, svc.clock.now()
    interrupted = await store.settle_interrupted(now)
    if interrupted:
        log.warning("%d sends were cut off by a stop; not repeated", interrupted)
    cancel(app, "reminder:")
    late = reminders.grace(schedule)
    for planned in reminders.plan(schedule, now):
        if planned.action in ("schedule", "catch_up"):
            schedule_at(
                app, svc.clock, name=planned.job_name, due=planned.due, callback=reminder_job,
                grace=late, data={"session": planned.session.number, "offset": planned.offset},
            )
        elif planned.action == "drop":
            log.info("dropped missed reminder %s (due %s)", planned.job_name, planned.due)
    known = await store.known_starts()
    for session in reminders.moved_sessions(known, schedule, now):
        schedule_at(
            app, svc.clock, name=f"moved:{session.number}", due=now, callback=moved_job,
            grace=late, data={"session": session.number, "old": known[session.number]},
        )
    for session in schedule.sessions:
        if session.number not in known or (
            known[session.number] != session.start and session.end <= now
        ):
            await store.set_known_start(session.number, session.start)


# /reminders


async def _reminders_view(w: Who) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    offsets = w.svc.schedule.reminders.offsets_minutes
    off = await w.svc.repo.reminders.optouts(w.person.user_id)
    all_off = ALL_OFF in off
    rows = [
        [
            InlineKeyboardButton(
                ("🚫 " if offset in off else "✅ ") + views.offset_label(w.view, offset),
                callback_data=f"rem:{offset}",
            )
        ]
        for offset in offsets
    ]
    rows.append(
        [
            InlineKeyboardButton(
                "🔔 " + _("Turn all reminders on") if all_off
                else "🔕 " + _("Turn all reminders off"),
                callback_data="rem:all",
            )
        ]
    )
    return views.reminders_text(w.view, offsets, off, all_off), InlineKeyboardMarkup(rows)


async def reminders_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    text, keyboard = await _reminders_view(w)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def on_toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    w = await who(update, context)
    choice = query.data.split(":", 1)[1]
    offsets = w.svc.schedule.reminders.offsets_minutes
    offset = ALL_OFF if choice == "all" else int(choice)
    # A stale button from an older schedule changes nothing: it just shows the current state.
    if offset == ALL_OFF or offset in offsets:
        current = await w.svc.repo.reminders.optouts(w.person.user_id)
        await w.svc.repo.reminders.set_optout(w.person.user_id, offset, offset not in current)
    text, keyboard = await _reminders_view(w)
    await query.edit_message_text(text, reply_markup=keyboard)


# group chats


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    svc = services(context)
    status = change.new_chat_member.status
    gone = status in (ChatMember.BANNED, ChatMember.LEFT)
    now = svc.clock.now()
    if change.chat.type == ChatType.PRIVATE:
        # A block arrives as "kicked"; unblocking as "member".
        if await svc.repo.get_participant(change.chat.id) is not None:
            await svc.repo.update_participant(change.chat.id, now, active=0 if gone else 1)
        return
    if gone:
        await svc.repo.reminders.unlink_group(change.chat.id)
        return
    if change.old_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT):
        _ = svc.i18n.get(svc.settings.default_language).gettext
        await context.bot.send_message(
            change.chat.id,
            _("Hello! An organizer can link this chat to a country so that session reminders "
              "are posted here: /link PE core (country code, then core or wider)."),
        )


def _parse_link_args(w: Who, args: list[str]) -> tuple[str, str] | None:
    if len(args) != 2 or args[1].lower() not in ("core", "wider"):
        return None
    wanted = args[0].strip().lower()
    for country in w.svc.schedule.countries:
        names = {country.code.lower(), *(n.lower() for n in country.name.values())}
        if wanted in names:
            return country.code, args[1].lower()
    return None


@restricted("organizer")
async def link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    if chat.type == ChatType.PRIVATE:
        await message.reply_text(_("Send /link inside the group chat you want to link."))
        return
    parsed = _parse_link_args(w, context.args or [])
    if parsed is None:
        codes = " ".join(c.code for c in w.svc.schedule.countries)
        await message.reply_text(
            _("Usage: /link COUNTRY core|wider, for example /link PE core. Countries: {codes}")
            .format(codes=codes)
        )
        return
    code, group = parsed
    now = w.svc.clock.now()
    await w.svc.repo.reminders.link_group(chat.id, chat.title, code, group, w.person.user_id, now)
    await w.svc.repo.audit(w.person.user_id, "link_group", now, target=str(chat.id),
                           detail=f"{code} {group}")
    country = w.svc.schedule.country(code)
    assert country is not None
    label = _("core group") if group == "core" else _("wider group")
    await message.reply_text(
        _("This chat is linked to {country} ({group}). Session reminders will be posted here.")
        .format(country=escape(country_name(country, w.view.lang)), group=label)
    )


@restricted("organizer")
async def unlink(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    chat, message = update.effective_chat, update.effective_message
    assert chat is not None and message is not None
    removed = await w.svc.repo.reminders.unlink_group(chat.id)
    if removed:
        await w.svc.repo.audit(w.person.user_id, "unlink_group", w.svc.clock.now(),
                               target=str(chat.id))
    await message.reply_text(
        _("This chat will no longer receive reminders.") if removed
        else _("This chat is not linked.")
    )


@restricted("organizer")
async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    _ = w.view.tr.gettext
    assert update.effective_message is not None
    try:
        schedule = load_schedule(w.svc.settings.schedule_path)
    except ScheduleError as exc:
        await update.effective_message.reply_text(
            _("The schedule was not reloaded: {error}").format(error=escape(str(exc)))
        )
        return
    w.svc.schedule = schedule
    for build in w.svc.job_builders:
        await build(context.application)
    await w.svc.repo.audit(w.person.user_id, "reload", w.svc.clock.now())
    await update.effective_message.reply_text(
        _("Schedule reloaded: {count} sessions. Reminders were rebuilt.").format(
            count=len(schedule.sessions)
        )
    )


def register(app: Application) -> None:
    get_services(app).job_builders.append(build_jobs)
    app.add_handler(CommandHandler("reminders", reminders_command))
    app.add_handler(CallbackQueryHandler(on_toggle, pattern=r"^rem:(all|\d{1,5})$"))
    app.add_handler(CommandHandler("link", link))
    app.add_handler(CommandHandler("unlink", unlink))
    app.add_handler(CommandHandler("reload", reload))
    app.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
