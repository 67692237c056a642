"""/grant and /revoke facilitator rights (organizers).

  /grant facilitator PERSON [COUNTRY ...]  facilitator, limited to those countries if given
  /grant cofacilitator PERSON              a core participant, for their own country only
  /revoke facilitator PERSON               back to participant (also /revoke cofacilitator)

PERSON is a Telegram user id, the @username of someone who has started the bot, or left out
when the command replies to a message of theirs forwarded to the bot.

After a change the person's command menu follows their role (bot/help/menus.py) and they are
told what they can now do (in the background, bot.notify); ORGANIZER_IDS keep their rights and
their menu whatever the database says, so they get no notice.
"""

from __future__ import annotations

from html import escape

from telegram import Message, MessageOriginHiddenUser, MessageOriginUser, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.context import BotContext, Who
from bot.features import staff_command_names
from bot.help import menus
from bot.notify import Render, notify
from bot.parsing import parse_int
from bot.people import texts
from bot.people.rules import find_country
from bot.services import get_services
from bot.viewer import country_name, flag
from handlers.common import Group, personal, restricted

KINDS = {"facilitator": "facilitator", "cofacilitator": "cofacilitator",
         "co-facilitator": "cofacilitator"}


class Refusal(Exception):
    """A localized answer instead of the change."""


def _forwarded_from(message: Message | None, w: Who) -> int | None:
    origin = message.forward_origin if message is not None else None
    if isinstance(origin, MessageOriginUser):
        return origin.sender_user.id
    if isinstance(origin, MessageOriginHiddenUser):
        raise Refusal(w.view.tr.gettext(
            "That person hides their account in forwarded messages. Use their @username or "
            "their user id instead."))
    return None


async def _target(w: Who, message: Message, rest: list[str]) -> tuple[int | None, list[str]]:
    """(user id or None when none was given, the words after it)."""
    _ = w.view.tr.gettext
    if rest and (user_id := parse_int(rest[0], max_digits=15, signed=True)) is not None:
        return user_id, rest[1:]
    if rest and rest[0].startswith("@"):
        found = await w.svc.repo.participants.find(rest[0])
        if found is None:
            raise Refusal(_(
                "I don't know {username}: they must open the bot and press Start first."
            ).format(username=escape(rest[0])))
        return found.user_id, rest[1:]
    return _forwarded_from(message.reply_to_message, w), rest


def _countries(w: Who, words: list[str]) -> set[str]:
    codes = set()
    for word in " ".join(words).replace(",", " ").split():
        found = find_country(w.svc.schedule, word)
        if found is None:
            raise Refusal(w.view.tr.gettext("I don't know the country {country}.").format(
                country=escape(word)))
        codes.add(found.code)
    return codes


def _country_list(w: Who, codes: set[str]) -> str:
    names = []
    for code in sorted(codes):
        found = w.svc.schedule.country(code)
        names.append(f"{flag(code)} {escape(country_name(found, w.view.lang))}" if found
                     else code)
    return ", ".join(names)


async def _after_change(w: Who, target: int, notice: Render | None) -> None:
    """The person's menu as their role is now, and (notice given) what they can now do."""
    await menus.publish(w.svc.app, target)
    person = await w.svc.repo.participants.get(target)
    if notice is not None and person is not None and not w.svc.is_organizer(target):
        notify(w.svc.app, [person], notice)


async def _named(w: Who, user_id: int) -> str:
    """The person as staff read them everywhere: their profile name (Participant.name)."""
    person = await w.svc.repo.participants.get(user_id)
    return escape(person.name) if person is not None and person.name else str(user_id)


async def _change(w: Who, message: Message, args: list[str], grant: bool) -> str:
    _ = w.view.tr.gettext
    usage = _(
        "Usage: {example}. The person: their Telegram user id, their @username (once they "
        "have started the bot), or reply with the command to a message of theirs that you "
        "forwarded to me."
    ).format(example="/grant facilitator 123456789" if grant else "/revoke facilitator 123456789")
    kind = KINDS.get(args[0].lower()) if args else None
    if kind is None:
        return usage
    target, rest = await _target(w, message, args[1:])
    if target is None:
        return usage
    now = w.svc.clock.now()
    people = w.svc.repo.people
    unknown = _("I don't know user {id} yet: they must open the bot and press Start first.")
    if not grant:
        if rest:
            return usage
        before = await w.svc.repo.participants.get(target)
        async with w.svc.repo.audited(w.user_id, "revoke", now, target=str(target),
                                      detail="facilitator") as entry:
            if not await people.revoke_facilitator(target, now):
                entry.skip()
        if entry.skipped:
            return unknown.format(id=target)
        was_facilitator = before is not None and before.role == "facilitator"
        await _after_change(w, target, (lambda v, p: texts.role_revoked(v))
                            if was_facilitator else None)
        return _("{name} is no longer a facilitator.").format(name=await _named(w, target))
    if kind == "cofacilitator":
        if rest:
            return usage
        person = await w.svc.repo.participants.get(target)
        if person is None:
            return unknown.format(id=target)
        home = w.svc.schedule.country(person.country)
        if person.group != "core" or home is None:
            return _("{name} is not a core participant of a country: only they can become "
                     "co-facilitators.").format(name=await _named(w, target))
        countries = {home.code}
    else:
        countries = _countries(w, rest)
    detail = kind + (":" + ",".join(sorted(countries)) if countries else "")
    async with w.svc.repo.audited(w.user_id, "grant", now, target=str(target),
                                  detail=detail) as entry:
        if not await people.set_facilitator(target, countries, now):
            entry.skip()
    if entry.skipped:
        return unknown.format(id=target)
    schedule = w.svc.schedule
    tools = staff_command_names("facilitator")
    await _after_change(w, target,
                        lambda v, p: texts.role_granted(v, schedule, kind, countries, tools))
    if kind == "cofacilitator":
        return _("{name} is now a co-facilitator for {country}.").format(
            name=await _named(w, target), country=_country_list(w, countries))
    if countries:
        return _("{name} is now a facilitator for {countries}.").format(
            name=await _named(w, target), countries=_country_list(w, countries))
    return _("{name} is now a facilitator.").format(name=await _named(w, target))


async def _reply(update: Update, context: BotContext, grant: bool) -> None:
    w = await context.who()
    message = update.effective_message
    assert message is not None
    try:
        text = await _change(w, message, context.args or [], grant)
    except Refusal as refusal:
        text = str(refusal)
    await message.reply_text(text)


@personal
@restricted("organizer")
async def grant(update: Update, context: BotContext) -> None:
    await _reply(update, context, grant=True)


@personal
@restricted("organizer")
async def revoke(update: Update, context: BotContext) -> None:
    await _reply(update, context, grant=False)


async def on_forwarded(update: Update, context: BotContext) -> None:
    """Organizers only (by filter): say whose forwarded message it is and what to do next."""
    w = await context.who()
    _ = w.view.tr.gettext
    message = update.effective_message
    assert message is not None
    try:
        target = _forwarded_from(message, w)
    except Refusal as refusal:
        await message.reply_text(str(refusal))
        raise ApplicationHandlerStop from None
    if target is None:
        return  # forwarded from a chat or channel: nothing to do with roles
    origin = message.forward_origin
    assert isinstance(origin, MessageOriginUser)
    await message.reply_text(_(
        "Forwarded from {name}, user id {id}. Reply to that message with /grant facilitator, "
        "/grant cofacilitator or /revoke facilitator."
    ).format(name=escape(origin.sender_user.full_name), id=target))
    raise ApplicationHandlerStop


def register(app: Application) -> None:
    app.add_handler(CommandHandler("grant", grant))
    app.add_handler(CommandHandler("revoke", revoke))
    organizers = get_services(app).settings.organizer_ids
    app.add_handler(
        MessageHandler(filters.FORWARDED & filters.ChatType.PRIVATE
                       & filters.User(user_id=organizers), on_forwarded),
        group=Group.FORWARD,
    )
