"""/broadcast (guided: audience, content, preview, send or schedule) and /broadcasts.

Callback data, all for facilitators and organizers only (<id> is the broadcast's number):
  bca:<id>:all | bca:<id>:g:<core|wider> | bca:<id>:c:<CC> | bca:<id>:l:<lang>   audience
  bca:<id>:att:<absent|present> | bca:<id>:s:<absent|present>:<n> | bca:<id>:back
  bca:<id>:next                                                            on to content
  bcp:<id>:send | bcp:<id>:when | bcp:<id>:ver | bcp:<id>:v:<lang> | bcp:<id>:cancel
  bcl:<id>:x (cancel a scheduled or running broadcast) | bcl:<id>:d (details)
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.broadcasts import jobs as engine
from bot.broadcasts import texts as bv
from bot.broadcasts.jobs import schedule_broadcast
from bot.broadcasts.rules import GROUPS, Audience, WhenError, parse_when
from bot.config import LANGUAGES
from bot.context import BotContext, Who
from bot.storage.broadcasts import Broadcast
from bot.viewer import LANGUAGE_NAMES, country_name, flag
from handlers.common import restricted

CHECK = "✓ "
LIST_LIMIT = 10


def _mark(selected: bool, label: str) -> str:
    return (CHECK if selected else "") + label


def _rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


async def _counted(w: Who, audience: Audience) -> tuple[int, int]:
    """(active, inactive) people matching, the author left out."""
    return await w.svc.repo.broadcasts.count_audience(
        audience.effective(w.svc.schedule), exclude=w.user_id
    )


# --- step 1: audience -------------------------------------------------------------------
async def audience_screen(w: Who, draft: Broadcast) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    a = draft.audience
    b = f"bca:{draft.id}"
    counts = await _counted(w, a)
    rows = [[InlineKeyboardButton(_mark(a.everyone, _("Everyone")), callback_data=f"{b}:all")]]
    labels = {"core": _("Core group"), "wider": _("Wider group")}
    rows.append([
        InlineKeyboardButton(_mark(g in a.groups, labels[g]), callback_data=f"{b}:g:{g}")
        for g in GROUPS
    ])  # fmt: skip
    countries = [
        InlineKeyboardButton(
            _mark(c.code in a.countries, f"{flag(c.code)} {country_name(c, w.view.lang)}"),
            callback_data=f"{b}:c:{c.code}",
        )
        for c in w.svc.schedule.countries
    ]
    rows += _rows(countries, 2)
    rows.append([
        InlineKeyboardButton(_mark(code in a.languages, LANGUAGE_NAMES[code]),
                             callback_data=f"{b}:l:{code}")
        for code in LANGUAGES
    ])  # fmt: skip
    kind = a.attendance[0] if a.attendance else None
    rows.append([
        InlineKeyboardButton(_mark(kind == "absent", _("Did not check in…")),
                             callback_data=f"{b}:att:absent"),
        InlineKeyboardButton(_mark(kind == "present", _("Checked in…")),
                             callback_data=f"{b}:att:present"),
    ])  # fmt: skip
    rows.append([InlineKeyboardButton(_("Continue ➡️"), callback_data=f"{b}:next")])
    lines = [
        "📣 <b>" + _("New broadcast #{id}").format(id=draft.id) + "</b>",
        _("Who should receive it? Tap to combine: groups, countries and languages add up "
          "(for example core group + Ghana + Côte d'Ivoire)."),
        "",
        "👥 " + bv.audience_text(w.view, w.svc.schedule, a),
    ]
    lines.append(bv.matching_text(w.view, *counts))
    return "\n".join(lines), InlineKeyboardMarkup(rows)


def session_picker(w: Who, draft: Broadcast, kind: str) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    now = w.svc.clock.now()
    sessions = [s for s in w.svc.schedule.sessions if s.start <= now] or w.svc.schedule.sessions
    buttons = [
        InlineKeyboardButton(
            _mark(draft.audience.attendance == (kind, s.number), str(s.number)),
            callback_data=f"bca:{draft.id}:s:{kind}:{s.number}",
        )
        for s in sessions
    ]
    rows = _rows(buttons, 6)
    rows.append([InlineKeyboardButton(_("⬅️ Back"), callback_data=f"bca:{draft.id}:back")])
    text = (
        _("People who did not check in to which session?")
        if kind == "absent"
        else _("People who checked in to which session?")
    )
    return text, InlineKeyboardMarkup(rows)


async def _draft_for(update: Update, w: Who, broadcast_id: str) -> Broadcast | None:
    """The caller's own open draft, else a short alert."""
    draft = None
    if broadcast_id.isdigit():
        draft = await w.svc.repo.broadcasts.get(int(broadcast_id))
    if draft is not None and draft.status == "draft" and draft.author_id == w.user_id:
        return draft
    assert update.callback_query is not None
    await update.callback_query.answer(
        w.view.tr.gettext("This draft is no longer open. Start again with /broadcast."),
        show_alert=True,
    )
    return None


@restricted("facilitator")
async def start_broadcast(update: Update, context: BotContext) -> None:
    w = await context.who()
    store = w.svc.repo.broadcasts
    draft_id = await store.create_draft(w.user_id, w.svc.clock.now())
    draft = await store.get(draft_id)
    assert draft is not None and update.effective_message is not None
    text, keyboard = await audience_screen(w, draft)
    await update.effective_message.reply_text(text, reply_markup=keyboard)


@restricted("facilitator")
async def on_audience(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    w = await context.who()
    _ = w.view.tr.gettext
    parts = query.data.split(":")
    draft = await _draft_for(update, w, parts[1])
    if draft is None:
        return
    store = w.svc.repo.broadcasts
    op, args = parts[2], parts[3:]
    a = draft.audience
    codes = {c.code for c in w.svc.schedule.countries}
    if op == "att":
        await query.answer()
        text, keyboard = session_picker(w, draft, args[0])
        await query.edit_message_text(text, reply_markup=keyboard)
        return
    if op == "next":
        counts = await _counted(w, a)
        if counts[0] == 0:
            await query.answer(_("Nobody active matches this audience yet."), show_alert=True)
            return
        await query.answer()
        await store.set_awaiting(draft.id, "content")
        await query.edit_message_text(
            "👥 " + bv.audience_text(w.view, w.svc.schedule, a.effective(w.svc.schedule))
            + " · " + bv.people(w.view, counts[0]) + "\n\n"
            + _("Now send me the message to broadcast: text (with formatting), a photo, a "
                "document, a video or a voice note, with a caption if you like. It is copied "
                "exactly as you send it.")
        )  # fmt: skip
        return
    if op == "all":
        a = Audience()
    elif op == "g" and args[0] in GROUPS:
        a = a.toggle("groups", args[0])
    elif op == "c" and args[0] in codes:
        a = a.toggle("countries", args[0])
    elif op == "l" and args[0] in LANGUAGES:
        a = a.toggle("languages", args[0])
    elif (
        op == "s" and len(args) == 2 and args[0] in ("absent", "present") and args[1].isdigit()
        and w.svc.schedule.session(int(args[1])) is not None
    ):
        a = a.with_attendance("absent" if args[0] == "absent" else "present", int(args[1]))
    await query.answer()
    if a == draft.audience and op != "back":
        return  # nothing changed (or a button that is not offered): the screen stays
    await store.set_audience(draft.id, a)
    draft = await store.get(draft.id)
    assert draft is not None
    text, keyboard = await audience_screen(w, draft)
    await query.edit_message_text(text, reply_markup=keyboard)


# --- step 2: content, preview ----------------------------------------------------------
def actions_keyboard(w: Who, broadcast_id: int) -> InlineKeyboardMarkup:
    _ = w.view.tr.gettext
    b = f"bcp:{broadcast_id}"
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("📤 Send now"), callback_data=f"{b}:send"),
         InlineKeyboardButton(_("🕒 Schedule"), callback_data=f"{b}:when")],
        [InlineKeyboardButton(_("🌐 Add a version in another language"),
                              callback_data=f"{b}:ver")],
        [InlineKeyboardButton(_("✖️ Cancel"), callback_data=f"{b}:cancel")],
    ])  # fmt: skip


async def actions_text(w: Who, draft: Broadcast) -> str:
    _ = w.view.tr.gettext
    counts = await _counted(w, draft.audience)
    versions = await w.svc.repo.broadcasts.versions(draft.id)
    names = [_("main")] + [LANGUAGE_NAMES[v.language] for v in versions[1:] if v.language]
    return "\n".join([
        "📣 <b>" + _("Broadcast #{id}").format(id=draft.id) + "</b>",
        "👥 " + bv.audience_text(w.view, w.svc.schedule, draft.audience.effective(w.svc.schedule))
        + " · " + bv.people(w.view, counts[0]),
        "🌐 " + _("Versions: {names}").format(names=", ".join(names)),
        "",
        _("Send it now, schedule it for later, or add a version in another language (each "
          "person gets the version in their language, otherwise the main one)."),
    ])  # fmt: skip


async def take_content(w: Who, message: Message, draft: Broadcast) -> None:
    """The facilitator sent the message to broadcast: preview it exactly, then offer actions."""
    _ = w.view.tr.gettext
    awaiting = draft.awaiting or "content"
    language = awaiting.split(":", 1)[1] if ":" in awaiting else None
    if language is not None:
        header = _("👀 Preview of the {language} version:").format(
            language=LANGUAGE_NAMES[language])
    else:
        counts = await _counted(w, draft.audience)
        header = _("👀 Preview: exactly what {people} will receive:").format(
            people=bv.people(w.view, counts[0]))
    await message.reply_text(header)
    try:
        await message.copy(message.chat_id)
    except TelegramError as exc:
        await message.reply_text(
            _("I cannot broadcast this kind of message ({error}). Please send text, a photo, a "
              "document, a video or a voice note.").format(error=escape(exc.message))
        )
        return
    store = w.svc.repo.broadcasts
    await store.add_version(draft.id, language, message.chat_id, message.message_id)
    await message.reply_text(
        await actions_text(w, draft), reply_markup=actions_keyboard(w, draft.id)
    )


async def take_when(w: Who, message: Message, draft: Broadcast, context: BotContext
                    ) -> None:  # fmt: skip
    _ = w.view.tr.gettext
    zone = w.view.zone
    try:
        when = parse_when(message.text or "", zone, w.svc.clock.now())
    except WhenError as exc:
        texts = {
            "format": _("I could not read that time. Please type it like {examples}."),
            "past": _("That time has already passed. Please give a later time, like {examples}."),
            "gap": _("That time does not exist in {zone} (the clocks change then). Please give "
                     "another time."),
        }  # fmt: skip
        await message.reply_text(
            texts[exc.reason].format(examples=_examples(w), zone=bv.zone_label(w.view))
        )
        return
    store = w.svc.repo.broadcasts
    if not await store.schedule(draft.id, when):
        await message.reply_text(_("This draft is no longer open. Start again with /broadcast."))
        return
    schedule_broadcast(context.application, draft.id, when)
    await w.svc.repo.participants.audit(w.user_id, "broadcast_schedule", w.svc.clock.now(),
                           target=str(draft.id), detail=when.isoformat())  # fmt: skip
    await message.reply_text(
        "🕒 " + _("Broadcast #{id} is scheduled for {when}. It goes to the people who match "
                 "the audience at that time. /broadcasts lists it and can cancel it.").format(
            id=draft.id, when=bv.when_text(w.view, when))
    )  # fmt: skip


def _examples(w: Who) -> str:
    """Tomorrow 09:00 in the facilitator's zone, in both accepted forms."""
    day = (w.svc.clock.now().astimezone(w.view.tz) + timedelta(days=1)).date()
    return w.view.tr.gettext("{first} or {second}").format(
        first=f"{day:%Y-%m-%d} 09:00", second=f"{day:%d/%m/%Y} 09:00"
    )


async def draft_input(update: Update, context: BotContext, w: Who,
                      draft: Broadcast) -> None:  # fmt: skip
    """A message from a facilitator whose draft is waiting for content or a time."""
    message = update.effective_message
    assert message is not None
    if draft.awaiting == "when":
        await take_when(w, message, draft, context)
    else:
        await take_content(w, message, draft)


@restricted("facilitator")
async def on_preview_action(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and query.message is not None
    w = await context.who()
    _ = w.view.tr.gettext
    parts = query.data.split(":")
    draft = await _draft_for(update, w, parts[1])
    if draft is None:
        return
    store = w.svc.repo.broadcasts
    op = parts[2]
    if not await store.versions(draft.id) and op in ("send", "when", "ver"):
        await query.answer(_("Send me the message to broadcast first."), show_alert=True)
        return
    if op == "send":
        await query.answer(_("Sending…"))
        count = await _counted(w, draft.audience)
        await w.svc.repo.participants.audit(w.user_id, "broadcast", w.svc.clock.now(),
                               target=str(draft.id),
                               detail=f"{draft.audience.to_json()} active={count[0]}")
        await engine.begin(context.application, draft.id,
                           status_message=(query.message.chat.id, query.message.message_id))
    elif op == "when":
        await query.answer()
        await store.set_awaiting(draft.id, "when")
        await query.edit_message_text(
            _("When should it go out? Type the date and time in your time zone ({zone}), for "
              "example {examples}.").format(zone=bv.zone_label(w.view),
                                            examples=_examples(w))
        )  # fmt: skip
    elif op == "ver":
        await query.answer()
        buttons = [
            InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=f"bcp:{draft.id}:v:{code}")
            for code in LANGUAGES
        ]
        await query.edit_message_text(
            _("Which language is the new version in?"),
            reply_markup=InlineKeyboardMarkup(_rows(buttons, 4)),
        )
    elif op == "v" and len(parts) == 4 and parts[3] in LANGUAGES:
        await query.answer()
        await store.set_awaiting(draft.id, f"content:{parts[3]}")
        await query.edit_message_text(
            _("Send me the version in {language}. People whose language is {language} get it "
              "instead of the main one.").format(language=LANGUAGE_NAMES[parts[3]])
        )
    elif op == "cancel":
        await query.answer()
        await store.delete_draft(draft.id)
        await query.edit_message_text(_("Cancelled. Nothing was sent."))
    else:
        await query.answer()


# --- /broadcasts --------------------------------------------------------------------------
async def list_screen(w: Who) -> tuple[str, InlineKeyboardMarkup | None]:
    _ = w.view.tr.gettext
    store = w.svc.repo.broadcasts
    items = [(b, await store.report(b.id)) for b in await store.recent(LIST_LIMIT)]
    rows = []
    for b, _report in items:
        row = [InlineKeyboardButton(_("🔎 Details #{id}").format(id=b.id),
                                    callback_data=f"bcl:{b.id}:d")]  # fmt: skip
        if b.status in ("scheduled", "sending"):
            row.append(InlineKeyboardButton(_("✖️ Cancel #{id}").format(id=b.id),
                                            callback_data=f"bcl:{b.id}:x"))  # fmt: skip
        rows.append(row)
    text = bv.list_text(w.view, w.svc.schedule, items)
    return text, InlineKeyboardMarkup(rows) if rows else None


@restricted("facilitator")
async def list_broadcasts(update: Update, context: BotContext) -> None:
    w = await context.who()
    text, keyboard = await list_screen(w)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=keyboard)


@restricted("facilitator")
async def on_list_action(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    w = await context.who()
    _ = w.view.tr.gettext
    _prefix, raw_id, op = query.data.split(":")
    store = w.svc.repo.broadcasts
    broadcast = await store.get(int(raw_id)) if raw_id.isdigit() else None
    if broadcast is None or broadcast.status == "draft":
        await query.answer(_("There is no such broadcast."), show_alert=True)
        return
    if op == "d":
        await query.answer()
        text = bv.details_text(w.view, w.svc.schedule, broadcast, await store.report(broadcast.id),
                               await store.undelivered(broadcast.id))  # fmt: skip
        assert query.message is not None
        await context.bot.send_message(query.message.chat.id, text)
        return
    if not await engine.cancel(context.application, broadcast.id):
        await query.answer(_("This broadcast can no longer be cancelled."), show_alert=True)
        return
    await w.svc.repo.participants.audit(w.user_id, "broadcast_cancel", w.svc.clock.now(),
                           target=str(broadcast.id))  # fmt: skip
    await query.answer(_("Broadcast #{id} is cancelled.").format(id=broadcast.id))
    text, keyboard = await list_screen(w)
    await query.edit_message_text(text, reply_markup=keyboard)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("broadcast", start_broadcast))
    app.add_handler(CommandHandler("broadcasts", list_broadcasts))
    app.add_handler(CallbackQueryHandler(on_audience, pattern=r"^bca:\d+:[a-z]+(:[A-Za-z0-9]+)*$"))
    app.add_handler(CallbackQueryHandler(on_preview_action, pattern=r"^bcp:\d+:[a-z]+(:[a-z]+)?$"))
    app.add_handler(CallbackQueryHandler(on_list_action, pattern=r"^bcl:\d+:[dx]$"))
