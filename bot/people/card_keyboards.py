"""Buttons of the person card: open it (from /people), each change, and its confirmation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.membership import Member, may_act_on
from bot.models import Participant
from bot.schedule import Schedule
from bot.viewer import Viewer, country_name, flag

Action = Literal["show", "group", "country", "out", "role", "count"]


@dataclass(frozen=True)
class PersonAction(CallbackData, prefix="pc"):
    """user: whose card; value: the target (a group, a country code, a role, yes/no);
    confirm: "yes" applies it (the value travels with it, so a stale button changes nothing
    twice)."""

    user: int
    action: Action
    value: str | None = None
    confirm: Literal["yes"] | None = None


def _pairs(buttons: list[InlineKeyboardButton], width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def people_buttons(people: list[Participant]) -> InlineKeyboardMarkup | None:
    """One button per listed person: their card."""
    if not people:
        return None
    return InlineKeyboardMarkup(_pairs([
        InlineKeyboardButton("👤 " + p.name[:28], callback_data=PersonAction(p.user_id,
                                                                             "show").pack())
        for p in people]))


def card_keyboard(v: Viewer, schedule: Schedule, person: Participant, actor: Member,
                  counted: bool) -> InlineKeyboardMarkup:
    """The changes this staff member may make (their country scope, organizers' own)."""
    _ = v.tr.gettext
    uid = person.user_id
    rows: list[list[InlineKeyboardButton]] = []
    if person.group is not None:
        other = "wider" if person.group == "core" else "core"
        label = _("Move to the wider group") if other == "wider" else _("Move to the core group")
        rows.append([InlineKeyboardButton("↔️ " + label,
                                          callback_data=PersonAction(uid, "group", other).pack())])
    elif actor.role == "organizer":
        rows.append([
            InlineKeyboardButton("➕ " + _("Core group"),
                                 callback_data=PersonAction(uid, "group", "core").pack()),
            InlineKeyboardButton("➕ " + _("Wider group"),
                                 callback_data=PersonAction(uid, "group", "wider").pack())])
    if any(may_act_on(actor, c.code) and c.code != person.country for c in schedule.countries):
        rows.append([InlineKeyboardButton("🌍 " + _("Move to another country"),
                                          callback_data=PersonAction(uid, "country").pack())])
    if person.group is not None:
        rows.append([InlineKeyboardButton("🚪 " + _("Take out of the program"),
                                          callback_data=PersonAction(uid, "out", "x").pack())])
    if actor.role == "organizer":
        rows.append([InlineKeyboardButton("🧰 " + _("Change role"),
                                          callback_data=PersonAction(uid, "role").pack())])
        if person.group is not None:
            label = (_("Count as participant: no") if counted
                     else _("Count as participant: yes"))
            rows.append([InlineKeyboardButton(
                "📊 " + label,
                callback_data=PersonAction(uid, "count", "no" if counted else "yes").pack())])
    return InlineKeyboardMarkup(rows)


def country_keyboard(v: Viewer, schedule: Schedule, person: Participant,
                     actor: Member) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(f"{flag(c.code)} {country_name(c, v.lang)}",
                                    callback_data=PersonAction(person.user_id, "country",
                                                               c.code).pack())
               for c in schedule.countries
               if may_act_on(actor, c.code) and c.code != person.country]
    return InlineKeyboardMarkup([*_pairs(buttons), [back_button(v, person.user_id)]])


def role_keyboard(v: Viewer, person: Participant) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    uid = person.user_id
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("Participant"),
                              callback_data=PersonAction(uid, "role", "participant").pack())],
        [InlineKeyboardButton(_("Co-facilitator for their country"),
                              callback_data=PersonAction(uid, "role", "cofacilitator").pack())],
        [InlineKeyboardButton(_("Facilitator for every country"),
                              callback_data=PersonAction(uid, "role", "facilitator").pack())],
        [back_button(v, uid)],
    ])


def back_button(v: Viewer, user_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton("↩️ " + v.tr.gettext("Back"),
                                callback_data=PersonAction(user_id, "show").pack())


def confirm_keyboard(v: Viewer, pressed: PersonAction) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    yes = PersonAction(pressed.user, pressed.action, pressed.value, "yes").pack()
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("✅ " + _("Yes, change it"), callback_data=yes),
        InlineKeyboardButton(_("Cancel"), callback_data=PersonAction(pressed.user,
                                                                     "show").pack()),
    ]])
