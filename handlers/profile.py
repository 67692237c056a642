"""/profile: name, organization and sector; also the two optional last steps of onboarding.

Callback data: "prof:<name|org|sector|skip|cancel>", "sector:<ob|pf>:<key|skip>" (ob: during
onboarding, pf: from /profile). Typed answers are read by a handler in group -1 that only acts
while a question is pending (then stops the update there).
"""

from __future__ import annotations

from html import escape

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

from bot.profile import CLEAR, MAX_NAME, MAX_ORGANIZATION, SECTORS, clean_text
from bot.views import country_name, flag
from handlers.common import PROFILE_GROUP, Who, who

AWAITING = "awaiting_profile"  # "org_ob" (onboarding), "org" or "name" (from /profile)


def sector_label(w: Who, key: str | None) -> str:
    return w.view.tr.gettext(SECTORS[key]) if key in SECTORS else "—"


def sector_keyboard(w: Who, mode: str) -> InlineKeyboardMarkup:
    _ = w.view.tr.gettext
    rows = [[InlineKeyboardButton(_(label), callback_data=f"sector:{mode}:{key}")]
            for key, label in SECTORS.items()]
    last = "⏭ " + _("Skip") if mode == "ob" else "↩️ " + _("Back")
    rows.append([InlineKeyboardButton(last, callback_data=f"sector:{mode}:skip")])
    return InlineKeyboardMarkup(rows)


def group_label(w: Who) -> str:
    _ = w.view.tr.gettext
    group = {"core": _("Core group"), "wider": _("Wider group")}.get(
        w.person.group or "", _("Not in a group yet"))
    country = w.svc.schedule.country(w.person.country)
    if country is None:
        return group
    return f"{group} · {flag(country.code)} {escape(country_name(country, w.view.lang))}"


def profile_summary(w: Who) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    p = w.person
    lines = [
        "<b>" + _("Your profile") + "</b>",
        _("Name: {name}").format(name=escape(p.name)),
        _("Organization: {organization}").format(organization=escape(p.organization or "—")),
        _("Sector: {sector}").format(sector=escape(sector_label(w, p.sector))),
        _("Group: {group}").format(group=group_label(w)),
        "",
        _("The organizers see this; your name is also the one on your certificate."),
    ]
    keyboard = InlineKeyboardMarkup([
        [InlineKeyboardButton("✏️ " + _("Name"), callback_data="prof:name"),
         InlineKeyboardButton("✏️ " + _("Organization"), callback_data="prof:org")],
        [InlineKeyboardButton("✏️ " + _("Sector"), callback_data="prof:sector")],
    ])
    return "\n".join(lines), keyboard


def _set_awaiting(context: ContextTypes.DEFAULT_TYPE, what: str) -> None:
    assert context.user_data is not None
    context.user_data.pop("awaiting_zone", None)  # one typed question at a time
    context.user_data[AWAITING] = what


async def _show(update: Update, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """Edit the message whose button was pressed, or answer a typed message."""
    if update.callback_query is not None:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_text(text, reply_markup=keyboard)


async def ask_organization(update: Update, context: ContextTypes.DEFAULT_TYPE, w: Who) -> None:
    """Onboarding, after the time zone: optional organization, then optional sector."""
    _ = w.view.tr.gettext
    _set_awaiting(context, "org_ob")
    text = _("Almost done. Which organization do you work for? Type its name, or press Skip.")
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("⏭ " + _("Skip"), callback_data="prof:skip")]])
    await _show(update, text, keyboard)


async def _ask_sector(update: Update, w: Who, mode: str) -> None:
    _ = w.view.tr.gettext
    await _show(update, _("Which sector do you work in?"), sector_keyboard(w, mode))


async def profile_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    text, keyboard = profile_summary(w)
    await _show(update, text, keyboard)


async def on_profile_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None and context.user_data is not None
    await query.answer()
    w = await who(update, context)
    _ = w.view.tr.gettext
    action = query.data.split(":")[1]
    cancel = InlineKeyboardMarkup(
        [[InlineKeyboardButton("↩️ " + _("Cancel"), callback_data="prof:cancel")]])
    if action == "name":
        _set_awaiting(context, "name")
        await query.edit_message_text(_(
            "Send me your name as it should appear for the organizers and on your "
            "certificate. Send - to use your Telegram name ({name})."
        ).format(name=escape(w.person.telegram_name)), reply_markup=cancel)
    elif action == "org":
        _set_awaiting(context, "org")
        await query.edit_message_text(
            _("Send me the name of your organization. Send - to remove it."),
            reply_markup=cancel)
    elif action == "sector":
        await _ask_sector(update, w, "pf")
    elif action == "skip":
        context.user_data.pop(AWAITING, None)
        await _ask_sector(update, w, "ob")
    else:
        context.user_data.pop(AWAITING, None)
        text, keyboard = profile_summary(w)
        await query.edit_message_text(text, reply_markup=keyboard)


async def on_sector(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from handlers.onboarding import done_text  # onboarding imports this module

    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    _, mode, key = query.data.split(":")
    w = await who(update, context)
    if key in SECTORS:
        await w.svc.repo.update_participant(w.person.user_id, w.svc.clock.now(), sector=key)
        w = await who(update, context)
    if mode == "ob":
        await query.edit_message_text(done_text(w))
    else:
        text, keyboard = profile_summary(w)
        await query.edit_message_text(text, reply_markup=keyboard)


async def on_typed_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: takes the text only while a profile question is pending."""
    if context.user_data is None or AWAITING not in context.user_data:
        return
    assert update.effective_message is not None
    w = await who(update, context)
    _ = w.view.tr.gettext
    what = context.user_data[AWAITING]
    limit = MAX_NAME if what == "name" else MAX_ORGANIZATION
    raw = update.effective_message.text or ""
    value = None if raw.strip() == CLEAR else clean_text(raw, limit)
    if value is None and raw.strip() != CLEAR:
        await update.effective_message.reply_text(
            _("Please send one line of at most {limit} characters.").format(limit=limit))
        raise ApplicationHandlerStop
    context.user_data.pop(AWAITING, None)
    now = w.svc.clock.now()
    if what == "name":
        await w.svc.repo.update_participant(w.person.user_id, now, display_name=value)
    else:
        await w.svc.repo.update_participant(w.person.user_id, now, organization=value)
    w = await who(update, context)
    if what == "org_ob":
        await _ask_sector(update, w, "ob")
    else:
        text, keyboard = profile_summary(w)
        await update.effective_message.reply_text(
            _("Saved.") + "\n\n" + text, reply_markup=keyboard)
    raise ApplicationHandlerStop


async def on_any_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: a command abandons a pending question, so later chat is not taken as an
    answer. The update goes on to the command's own handler."""
    if context.user_data is not None:
        context.user_data.pop(AWAITING, None)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("profile", profile_command))
    app.add_handler(
        CallbackQueryHandler(on_profile_button, pattern=r"^prof:(name|org|sector|skip|cancel)$")
    )
    keys = "|".join(SECTORS)
    app.add_handler(CallbackQueryHandler(on_sector, pattern=rf"^sector:(ob|pf):({keys}|skip)$"))
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE,
                       on_typed_answer),
        group=PROFILE_GROUP,
    )
    app.add_handler(MessageHandler(filters.COMMAND, on_any_command), group=PROFILE_GROUP)
