"""/start and /settings: pick language, country and (where there are several) zone.

After the zone, onboarding asks (skippable) for organization and sector
(handlers/people/profile.py). "Another country or time zone" waits for a typed zone name
(pending input "zone").
"""

from __future__ import annotations

from typing import Literal

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext, Who
from bot.help import menus
from bot.membership import country_fixed
from bot.onboarding import texts
from bot.onboarding.keyboards import (
    OTHER,
    ChangeSetting,
    Mode,
    PickCountry,
    PickHome,
    PickLanguage,
    PickZone,
    country_keyboard,
    home_keyboard,
    language_keyboard,
    settings_keyboard,
    zone_keyboard,
)
from bot.onboarding.rules import match_zone
from bot.roster import texts as roster_texts
from bot.storage.pending import Pending
from bot.viewer import country_name
from handlers import input
from handlers.certificates import verify
from handlers.common import personal, show
from handlers.people import profile, registration

ZONE = "zone"  # pending input: a typed IANA zone name; data {"mode": "ob" | "st"}


def _zones(w: Who, mode: str, code: str) -> tuple[str, object]:
    country = w.svc.schedule.country(code)
    assert country is not None
    return (texts.several_zones(w.view, country_name(country, w.view.lang)),
            zone_keyboard(w.view, country, mode,  # type: ignore[arg-type]
                          w.svc.schedule.sessions[0].start))


@personal
async def start(update: Update, context: BotContext) -> None:
    if verify.is_link(context.args):  # a certificate's QR code: checked, nobody registered
        await verify.reply(update, context, (context.args or [""])[0])
        return
    w = await context.who()
    admitted = await registration.admit(update, context, w)
    if admitted is None:
        return
    w = admitted.w
    if admitted.roster is not None:
        await _roster_welcome(update, context, admitted)
        return
    parts = [texts.welcome(w.view, w.svc.schedule)]
    if admitted.note:
        parts.append(admitted.note)
    parts += [registration.privacy_notice(w), w.view.tr.gettext("Choose your language:")]
    mode: Mode = "iv" if admitted.country_fixed else "ob"
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        "\n\n".join(parts), reply_markup=language_keyboard(mode)
    )


async def _roster_welcome(update: Update, context: BotContext,
                          admitted: registration.Admission) -> None:
    """A personal link: greeted by name in the roster's language; only what the roster
    does not say is asked (the zone, where the country has several; organization, sector)."""
    w = admitted.w
    assert admitted.roster is not None and update.effective_message is not None
    parts = [roster_texts.greeting(w.view, admitted.roster.entry.name),
             texts.welcome(w.view, w.svc.schedule)]
    if admitted.note:
        parts.append(admitted.note)
    parts.append(registration.privacy_notice(w))
    own = w.svc.schedule.country(w.person.country)
    if own is not None and len(own.all_zones) > 1 and w.person.zone is None:
        text, keyboard = _zones(w, "ob", own.code)
        await update.effective_message.reply_text("\n\n".join([*parts, text]),
                                                  reply_markup=keyboard)  # type: ignore[arg-type]
        return
    if own is not None and w.person.zone is None:
        await w.svc.repo.participants.update(w.user_id, w.svc.clock.now(), zone=own.zone)
    await update.effective_message.reply_text("\n\n".join(parts))
    await _finish(update, context, "ob")


@personal
async def settings(update: Update, context: BotContext) -> None:
    w = await context.who()
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        texts.settings_summary(w.view, w.svc.schedule, w.person),
        reply_markup=settings_keyboard(w.view, country_fixed(w.person)),
    )


async def _finish(update: Update, context: BotContext, mode: str) -> None:
    """Edit the picker message into the end state of the flow."""
    w = await context.who(refresh=True)
    if mode == "ob":
        await w.svc.repo.participants.update(w.user_id, w.svc.clock.now(), onboarded=1)
        await profile.ask_missing(update, context, await context.who(refresh=True))
        return
    text = texts.settings_summary(w.view, w.svc.schedule, w.person)
    await show(update, text, settings_keyboard(w.view, country_fixed(w.person)))


async def on_settings_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(ChangeSetting)
    await query.answer()
    w = await context.who()
    _ = w.view.tr.gettext
    own = w.svc.schedule.country(w.person.country)
    if pressed.what == "lang":
        await query.edit_message_text(_("Choose your language:"),
                                      reply_markup=language_keyboard("st"))
    elif pressed.what == "zone" and own is not None and country_fixed(w.person):
        text, keyboard = _zones(w, "st", own.code)
        await query.edit_message_text(text, reply_markup=keyboard)  # type: ignore[arg-type]
    else:
        await query.edit_message_text(_("Which country are you in?"),
                                      reply_markup=country_keyboard(w.view, w.svc.schedule, "st"))


async def on_language(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(PickLanguage)
    await query.answer()
    w = await context.who()
    await w.svc.repo.participants.update(w.user_id, w.svc.clock.now(), language=pressed.code)
    if w.staff:  # their own command menu follows their language
        await menus.publish(context.application, w.user_id)
    if pressed.mode == "st":
        await _finish(update, context, pressed.mode)
        return
    w = await context.who(refresh=True)
    invited = w.svc.schedule.country(w.person.country) if pressed.mode == "iv" else None
    if invited is not None and len(invited.all_zones) > 1:
        text, keyboard = _zones(w, "ob", invited.code)
        await query.edit_message_text(text, reply_markup=keyboard)  # type: ignore[arg-type]
        return
    if invited is not None:
        await w.svc.repo.participants.update(w.user_id, w.svc.clock.now(), zone=invited.zone)
        await _finish(update, context, "ob")
        return
    await query.edit_message_text(w.view.tr.gettext("Which country are you in?"),
                                  reply_markup=country_keyboard(w.view, w.svc.schedule, "ob"))


async def on_country(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(PickCountry)
    await query.answer()
    w = await context.who()
    _ = w.view.tr.gettext
    if pressed.code == OTHER:
        await input.ask(update, context, ZONE, {"mode": pressed.mode})
        await query.edit_message_text(
            _("Send me your time zone, for example Europe/Paris or America/New_York.")
        )
        return
    country = w.svc.schedule.country(pressed.code)
    if country is None or (country_fixed(w.person) and country.code != w.person.country):
        # An invitation fixed the country (forged or old buttons change nothing).
        await _finish(update, context, pressed.mode)
        return
    now = w.svc.clock.now()
    if len(country.all_zones) > 1:
        await w.svc.repo.participants.update(w.user_id, now, country=country.code)
        text, keyboard = _zones(w, pressed.mode, country.code)
        await query.edit_message_text(text, reply_markup=keyboard)  # type: ignore[arg-type]
        return
    await w.svc.repo.participants.update(w.user_id, now, country=country.code, zone=country.zone)
    await _finish(update, context, pressed.mode)


async def on_zone(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(PickZone)
    await query.answer()
    w = await context.who()
    country = w.svc.schedule.country(pressed.country)
    zones = country.all_zones if country else []
    if country_fixed(w.person) and pressed.country != w.person.country:
        await _finish(update, context, pressed.mode)
        return
    if country is None or pressed.index >= len(zones):
        await query.edit_message_text(
            w.view.tr.gettext("Which country are you in?"),
            reply_markup=country_keyboard(w.view, w.svc.schedule, pressed.mode))
        return
    await w.svc.repo.participants.update(
        w.user_id, w.svc.clock.now(), country=country.code, zone=zones[pressed.index]
    )
    await _finish(update, context, pressed.mode)


async def on_zone_text(update: Update, context: BotContext, pending: Pending) -> None:
    message = update.effective_message
    assert message is not None
    w = await context.who()
    zone = match_zone(message.text or "")
    if zone is None:
        await message.reply_text(w.view.tr.gettext(
            "I don't know that time zone. Send a name like Europe/Paris or America/New_York."
        ))
        return
    await input.done(update, context)
    mode: Literal["ob", "st"] = "ob" if pending.data.get("mode") == "ob" else "st"
    await w.svc.repo.participants.update(w.user_id, w.svc.clock.now(), zone=zone)
    if country_fixed(w.person):  # the invitation's country stays
        await _finish(update, context, mode)
        return
    # Any zone, and still one of the program's countries (or none, for guests).
    fresh = await context.who(refresh=True)
    await message.reply_text(
        fresh.view.tr.gettext("Which of the program's countries are you part of?"),
        reply_markup=home_keyboard(fresh.view, fresh.svc.schedule, mode))


async def on_home(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(PickHome)
    await query.answer()
    w = await context.who()
    country = w.svc.schedule.country(pressed.code)
    if not country_fixed(w.person):
        await w.svc.repo.participants.update(w.user_id, w.svc.clock.now(),
                                             country=country.code if country else None)
    await _finish(update, context, pressed.mode)


def register(app: Application) -> None:
    input.expect(ZONE, on_zone_text, keep_on_command=True)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("settings", settings))
    app.add_handler(CallbackQueryHandler(on_settings_button, pattern=ChangeSetting.pattern()))
    app.add_handler(CallbackQueryHandler(on_language, pattern=PickLanguage.pattern()))
    app.add_handler(CallbackQueryHandler(on_country, pattern=PickCountry.pattern()))
    app.add_handler(CallbackQueryHandler(on_zone, pattern=PickZone.pattern()))
    app.add_handler(CallbackQueryHandler(on_home, pattern=PickHome.pattern()))
