"""/person ID|@username: one person's card, and the corrections staff make from it.

A facilitator acts within their countries (`may_act_on`: the person's country, and for a
move the new one too); organizers also put someone back in a group, change the role and
decide whether a staff member counts as a participant. Each change is confirmed, written
with its audit row in one transaction, and the person is told in their language.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.attendance.rules import progress
from bot.context import BotContext, Who
from bot.features import staff_command_names
from bot.help import menus
from bot.membership import counted, counted_by_default, may_act_on
from bot.models import Participant
from bot.people import cards, texts
from bot.people.card_keyboards import (
    PersonAction,
    card_keyboard,
    confirm_keyboard,
    country_keyboard,
    role_keyboard,
)
from bot.services import Services
from bot.viewer import scope_refusal
from handlers.common import alert, personal, restricted, show

ORGANIZERS_ONLY = ("role", "count")


async def card_screen(w: Who, person: Participant, headline: str = ""
                      ) -> tuple[str, InlineKeyboardMarkup]:
    svc = w.svc
    m = await svc.member(person)
    is_counted = counted(person, m.role)
    pr = None
    if person.group is not None:
        records = await svc.repo.attendance.for_user(person.user_id)
        pr = progress(svc.schedule, m, records, svc.clock.now())
    card = cards.Card(person, m, is_counted, counted_by_default(person, m.role), pr)
    text = cards.card_text(w.view, svc.schedule, card)
    return ((headline + "\n\n" if headline else "") + text,
            card_keyboard(w.view, svc.schedule, person, w.member, is_counted))


@personal
@restricted("facilitator")
async def person_command(update: Update, context: BotContext) -> None:
    w = await context.who()
    _ = w.view.tr.gettext
    message = update.effective_message
    assert message is not None
    args = context.args or []
    if len(args) != 1:
        await message.reply_text(_("Usage: /person 123456789 or /person @username. /people "
                                   "lists everyone with a button for each card."))
        return
    person = await w.svc.repo.participants.find(args[0])
    if person is None:
        await message.reply_text(_(
            "I don't know {username}: they must open the bot and press Start first."
        ).format(username=escape(args[0])))
        return
    if not may_act_on(w.member, person.country):
        await message.reply_text(scope_refusal(w.view, w.svc.schedule, w.member.scope, "people"))
        return
    text, markup = await card_screen(w, person)
    await message.reply_text(text, reply_markup=markup)


def _valid(svc: Services, w: Who, pressed: PersonAction, person: Participant) -> bool:
    value = pressed.value
    match pressed.action:
        case "group":
            return value in ("core", "wider") and (person.group is not None
                                                   or w.role == "organizer")
        case "country":
            return value is None or (svc.schedule.country(value) is not None
                                     and may_act_on(w.member, value))
        case "out":
            return value == "x" and person.group is not None
        case "role":
            return value in (None, "participant", "cofacilitator", "facilitator")
        case "count":
            return value in ("yes", "no") and person.group is not None
    return True


@personal
@restricted("facilitator")
async def on_card_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    pressed = context.pressed(PersonAction)
    w = await context.who()
    _ = w.view.tr.gettext
    svc = w.svc
    person = await svc.repo.participants.get(pressed.user)
    if person is None or not may_act_on(w.member, person.country):
        await alert(update, scope_refusal(w.view, svc.schedule, w.member.scope, "people"))
        return
    if pressed.action in ORGANIZERS_ONLY and w.role != "organizer":
        await alert(update, _("Sorry, only organizers can do that."))
        return
    if not _valid(svc, w, pressed, person):
        await alert(update, _("This button no longer works. Please start again."))
        return
    if (pressed.action == "role" and pressed.value == "cofacilitator"
            and (person.group != "core" or svc.schedule.country(person.country) is None)):
        await alert(update, cards.cannot_cofacilitate(w.view))
        return
    if pressed.action == "show":
        await query.answer()
        await show(update, *await card_screen(w, person))
        return
    if pressed.value is None:  # choose the country or the role first
        await query.answer()
        v = w.view
        if pressed.action == "country":
            await show(update, _("Move {name} to which country?").format(
                name=escape(person.name)), country_keyboard(v, svc.schedule, person, w.member))
        else:
            await show(update, _("Which role for {name}?").format(name=escape(person.name)),
                       role_keyboard(v, person))
        return
    if pressed.confirm is None:
        await query.answer()
        await show(update, _confirmation(w, person, pressed), confirm_keyboard(w.view, pressed))
        return
    told = await _apply(w, person, pressed)
    await query.answer()
    fresh = await svc.repo.participants.get(person.user_id)
    assert fresh is not None
    headline = cards.done(w.view) if told else cards.unchanged(w.view)
    await show(update, *await card_screen(w, fresh, headline))


def _confirmation(w: Who, person: Participant, pressed: PersonAction) -> str:
    v, schedule, value = w.view, w.svc.schedule, pressed.value or ""
    match pressed.action:
        case "group":
            return cards.confirm_group(v, person, value)
        case "country":
            return cards.confirm_country(v, schedule, person, value)
        case "out":
            return cards.confirm_out(v, person)
        case "role":
            return cards.confirm_role(v, schedule, person, value)  # type: ignore[arg-type]
    return cards.confirm_counted(v, person, value == "yes")


async def _apply(w: Who, person: Participant, pressed: PersonAction) -> bool:
    """Make the change (with its audit row, in one transaction) and tell the person.
    False when there was nothing to change (a stale or repeated confirmation)."""
    svc, now, value = w.svc, w.svc.clock.now(), pressed.value or ""
    store = svc.repo.participants
    action = "person_" + pressed.action
    schedule = svc.schedule
    if pressed.action == "role":
        return await _change_role(w, person, value, now)
    fields: dict[str, Any]
    if pressed.action == "group":
        if person.group == value:
            return False
        # Placed by the staff, as an invitation would: a member from now on
        # (bot.membership.counted), however they first came in.
        fields = {"grp": value, "left_at": None, "joined_via": "invite"}
        if person.group != "core":  # wider -> core, or back in: core sessions count from now
            fields["joined_at"] = now
        detail = f"{person.group or '-'}->{value}"
        notice = lambda v: cards.told_group(v, value)  # noqa: E731
    elif pressed.action == "country":
        if person.country == value:
            return False
        found = schedule.country(value)
        assert found is not None
        fields = {"country": value, "zone": found.zone}
        detail = f"{person.country or '-'}->{value}"
        notice = lambda v: cards.told_country(v, schedule, value)  # noqa: E731
    elif pressed.action == "out":
        if person.group is None:
            return False
        fields = {"grp": None, "left_at": now}
        detail = person.group
        notice = lambda v: cards.told_out(v, schedule)  # noqa: E731
    else:
        wanted = value == "yes"
        m = await svc.member(person)
        if counted(person, m.role) == wanted:
            return False
        by_rule = counted_by_default(person, m.role)
        fields = {"counted": None if wanted == by_rule else int(wanted)}
        detail = value
        notice = lambda v: cards.told_counted(v, wanted)  # noqa: E731
    async with svc.repo.audited(w.user_id, action, now, target=str(person.user_id),
                                detail=detail):
        await store.update(person.user_id, now, **fields)
    await tell(svc, person, notice)
    return True


async def _change_role(w: Who, person: Participant, value: str, now: datetime) -> bool:
    svc, people = w.svc, w.svc.repo.people
    if svc.is_organizer(person.user_id):
        return False  # ORGANIZER_IDS come from the settings
    schedule = svc.schedule
    current = await people.facilitator_countries(person.user_id)
    if value == "participant":
        if person.role == "participant":
            return False
        async with svc.repo.audited(w.user_id, "person_role", now, target=str(person.user_id),
                                    detail=value):
            await people.revoke_facilitator(person.user_id, now)
        notice = texts.role_revoked
    else:
        countries: set[str] = set()
        if value == "cofacilitator":
            if person.group != "core" or schedule.country(person.country) is None:
                return False
            assert person.country is not None
            countries = {person.country}
        if person.role == "facilitator" and current == countries:
            return False
        async with svc.repo.audited(w.user_id, "person_role", now, target=str(person.user_id),
                                    detail=value):
            await people.set_facilitator(person.user_id, countries, now)
        tools = staff_command_names("facilitator")
        notice = lambda v: texts.role_granted(v, schedule, value, countries, tools)  # noqa: E731
    await menus.publish(svc.app, person.user_id)
    await tell(svc, person, notice)
    return True


async def tell(svc: Services, person: Participant, render: Any) -> None:
    """One message to the person, in their language (blocked: marked inactive)."""
    fresh = await svc.repo.participants.get(person.user_id) or person
    text = render(svc.viewer(fresh))
    outcome = await svc.sender.send(
        lambda rl: svc.app.bot.send_message(person.user_id, text, rate_limit_args=rl))
    if outcome.status == "blocked":
        await svc.mark_blocked(person.user_id)


def register(app: Application) -> None:
    app.add_handler(CommandHandler("person", person_command))
    app.add_handler(CallbackQueryHandler(on_card_button, pattern=PersonAction.pattern()))
