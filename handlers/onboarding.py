"""/start and /settings: pick language, country and (where there are several) zone.

Callback data: "lang:<mode>:<code>", "country:<mode>:<CC|other>", "zone:<mode>:<CC>:<index>",
"set:<lang|country>"; mode "ob" is first-time onboarding, "st" is /settings, "iv" is
onboarding after an invitation that set the country (that question is skipped). After the
zone, onboarding asks (skippable) for organization and sector (handlers/profile.py).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.config import LANGUAGES
from bot.schedule import Country
from bot.views import LANGUAGE_NAMES, country_name, escape, flag
from handlers import profile, registration
from handlers.common import Who, not_understood, who

AWAITING_ZONE = "awaiting_zone"


def _rows(buttons: list[InlineKeyboardButton], width: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i : i + width] for i in range(0, len(buttons), width)])


def language_keyboard(mode: str) -> InlineKeyboardMarkup:
    return _rows([InlineKeyboardButton(LANGUAGE_NAMES[c], callback_data=f"lang:{mode}:{c}")
                  for c in LANGUAGES])


def country_keyboard(w: Who, mode: str) -> InlineKeyboardMarkup:
    _ = w.view.tr.gettext
    buttons = [
        InlineKeyboardButton(
            f"{flag(c.code)} {country_name(c, w.view.lang)}",
            callback_data=f"country:{mode}:{c.code}",
        )
        for c in w.svc.schedule.countries
    ]
    buttons.append(
        InlineKeyboardButton("🌐 " + _("Another country or time zone"),
                             callback_data=f"country:{mode}:other")
    )
    return _rows(buttons)


def zone_keyboard(w: Who, country: Country, mode: str) -> InlineKeyboardMarkup:
    start = w.svc.schedule.sessions[0].start
    buttons = [
        InlineKeyboardButton(
            f"{w.view.city(zone)} ({w.view.time(start, zone)})",
            callback_data=f"zone:{mode}:{country.code}:{i}",
        )
        for i, zone in enumerate(country.all_zones)
    ]
    return _rows(buttons, width=1)


def settings_summary(w: Who) -> tuple[str, InlineKeyboardMarkup]:
    _ = w.view.tr.gettext
    country = w.svc.schedule.country(w.person.country)
    lines = [
        "<b>" + _("Your settings") + "</b>",
        _("Language: {language}").format(language=LANGUAGE_NAMES[w.view.lang]),
        _("Country: {country}").format(
            country=escape(country_name(country, w.view.lang)) if country else "—"
        ),
        _("Time zone: {zone}").format(zone=escape(w.view.zone_name())),
    ]
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(_("Change language"), callback_data="set:lang")],
            [InlineKeyboardButton(_("Change country or time zone"), callback_data="set:country")],
        ]
    )
    return "\n".join(lines), keyboard


def done_text(w: Who) -> str:
    _ = w.view.tr.gettext
    return "\n".join(
        [
            _("All set! Times are shown in {zone}.").format(zone=escape(w.view.zone_name())),
            "",
            _("/next: the next session"),
            _("/schedule: the whole program"),
            _("/settings: change language, country or time zone"),
            _("/help: everything I can do"),
        ]
    )


async def _refresh(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Who:
    return await who(update, context)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    admitted = await registration.admit(update, context, w)
    if admitted is None:
        return
    w = admitted.w
    _ = w.view.tr.gettext
    program = w.svc.schedule.program.name
    parts = [
        _(
            "Welcome! I am the {program} bot. I tell you when sessions take place, in your "
            "own time zone and language."
        ).format(program=escape(program.get(w.view.lang) or program["en"]))
    ]
    if admitted.note:
        parts.append(admitted.note)
    parts += [registration.privacy_notice(w), _("Choose your language:")]
    mode = "iv" if admitted.country_fixed else "ob"
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "\n\n".join(parts), reply_markup=language_keyboard(mode)
    )


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    w = await who(update, context)
    text, keyboard = settings_summary(w)
    assert update.effective_message is not None
    await update.effective_message.reply_text(text, reply_markup=keyboard)


async def _finish(update: Update, context: ContextTypes.DEFAULT_TYPE, mode: str) -> None:
    """Edit the picker message into the end state of the flow."""
    w = await _refresh(update, context)
    if mode == "ob":
        await w.svc.repo.update_participant(w.person.user_id, w.svc.clock.now(), onboarded=1)
        await profile.ask_organization(update, context, w)
        return
    text, keyboard = settings_summary(w)
    query = update.callback_query
    if query is not None:
        await query.edit_message_text(text, reply_markup=keyboard)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_text(text, reply_markup=keyboard)


async def on_settings_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    w = await who(update, context)
    _ = w.view.tr.gettext
    if query.data == "set:lang":
        await query.edit_message_text(_("Choose your language:"),
                                      reply_markup=language_keyboard("st"))
    else:
        await query.edit_message_text(_("Which country are you in?"),
                                      reply_markup=country_keyboard(w, "st"))


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    _, mode, lang = query.data.split(":")
    w = await who(update, context)
    await w.svc.repo.update_participant(w.person.user_id, w.svc.clock.now(), language=lang)
    if mode == "st":
        await _finish(update, context, mode)
        return
    w = await _refresh(update, context)
    _ = w.view.tr.gettext
    invited = w.svc.schedule.country(w.person.country) if mode == "iv" else None
    if invited is not None and len(invited.all_zones) > 1:
        await query.edit_message_text(
            _("{country} has several time zones. Which one is yours?").format(
                country=escape(country_name(invited, w.view.lang))
            ),
            reply_markup=zone_keyboard(w, invited, "ob"),
        )
        return
    if invited is not None:
        await w.svc.repo.update_participant(w.person.user_id, w.svc.clock.now(),
                                            zone=invited.zone)
        await _finish(update, context, "ob")
        return
    mode = "ob"
    await query.edit_message_text(_("Which country are you in?"),
                                  reply_markup=country_keyboard(w, mode))


async def on_country(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    _, mode, code = query.data.split(":")
    w = await who(update, context)
    _ = w.view.tr.gettext
    if code == "other":
        assert context.user_data is not None
        context.user_data.pop(profile.AWAITING, None)  # one typed question at a time
        context.user_data[AWAITING_ZONE] = mode
        await query.edit_message_text(
            _("Send me your time zone, for example Europe/Paris or America/New_York.")
        )
        return
    country = w.svc.schedule.country(code)
    if country is None:
        await query.edit_message_text(_("Which country are you in?"),
                                      reply_markup=country_keyboard(w, mode))
        return
    now = w.svc.clock.now()
    if len(country.all_zones) > 1:
        await w.svc.repo.update_participant(w.person.user_id, now, country=country.code)
        await query.edit_message_text(
            _("{country} has several time zones. Which one is yours?").format(
                country=escape(country_name(country, w.view.lang))
            ),
            reply_markup=zone_keyboard(w, country, mode),
        )
        return
    await w.svc.repo.update_participant(
        w.person.user_id, now, country=country.code, zone=country.zone
    )
    await _finish(update, context, mode)


async def on_zone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    _, mode, code, index = query.data.split(":")
    w = await who(update, context)
    country = w.svc.schedule.country(code)
    zones = country.all_zones if country else []
    if country is None or not index.isdigit() or int(index) >= len(zones):
        await query.edit_message_text(w.view.tr.gettext("Which country are you in?"),
                                      reply_markup=country_keyboard(w, mode))
        return
    await w.svc.repo.update_participant(
        w.person.user_id, w.svc.clock.now(), country=code, zone=zones[int(index)]
    )
    await _finish(update, context, mode)


def _match_zone(text: str) -> str | None:
    name = text.strip().replace(" ", "_")
    try:
        ZoneInfo(name)
        if "/" in name or name.upper() == "UTC":
            return name if name != "utc" else "UTC"
    except (ZoneInfoNotFoundError, ValueError):
        pass
    lowered = name.lower()
    for zone in available_timezones():
        if zone.lower() == lowered or zone.lower().rsplit("/", 1)[-1] == lowered:
            return zone
    return None


async def on_zone_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert context.user_data is not None and update.effective_message is not None
    mode = context.user_data.get(AWAITING_ZONE)
    w = await who(update, context)
    _ = w.view.tr.gettext
    zone = _match_zone(update.effective_message.text or "")
    if zone is None:
        await update.effective_message.reply_text(
            _("I don't know that time zone. Send a name like Europe/Paris or America/New_York.")
        )
        return
    context.user_data.pop(AWAITING_ZONE, None)
    # In a group, the country is the program country (who is in which core group): keep it.
    country = w.person.country if w.person.group is not None else None
    await w.svc.repo.update_participant(w.person.user_id, w.svc.clock.now(), country=country,
                                        zone=zone)
    await _finish(update, context, mode or "st")


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text is a zone name only right after the person asked to type one."""
    if context.user_data is not None and AWAITING_ZONE in context.user_data:
        await on_zone_text(update, context)
    else:
        await not_understood(update, context)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("settings", settings))
    app.add_handler(CallbackQueryHandler(on_settings_button, pattern=r"^set:(lang|country)$"))
    app.add_handler(
        CallbackQueryHandler(on_language, pattern=r"^lang:(ob|st|iv):(en|es|fr|pt)$")
    )
    app.add_handler(
        CallbackQueryHandler(on_country, pattern=r"^country:(ob|st):([A-Z]{2}|other)$")
    )
    app.add_handler(CallbackQueryHandler(on_zone, pattern=r"^zone:(ob|st):[A-Z]{2}:\d{1,2}$"))
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, on_text)
    )
