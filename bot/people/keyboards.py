"""Buttons of the people features: invitations, /people filters, profile, /forget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.models import Group
from bot.people.rules import ANY, SECTORS
from bot.schedule import Schedule
from bot.viewer import Viewer, country_name, flag


@dataclass(frozen=True)
class InviteGroup(CallbackData, prefix="inv:g"):
    group: Literal["core", "wider"]


@dataclass(frozen=True)
class InviteCountry(CallbackData, prefix="inv:c"):
    group: Literal["core", "wider"]
    country: str  # ISO code, or ANY
    uses: int
    days: int


@dataclass(frozen=True)
class WithdrawInvite(CallbackData, prefix="inv:rev"):
    code: str


@dataclass(frozen=True)
class PeopleList(CallbackData, prefix="ppl"):
    country: str  # ISO code, or "all"
    group: Literal["core", "wider", "none", "all"]


@dataclass(frozen=True)
class ProfileAction(CallbackData, prefix="prof"):
    action: Literal["name", "org", "sector", "skip", "cancel"]


@dataclass(frozen=True)
class PickSector(CallbackData, prefix="sector"):
    mode: Literal["ob", "pf"]  # during onboarding, or from /profile
    key: str  # a key of SECTORS, or "skip"


@dataclass(frozen=True)
class Forget(CallbackData, prefix="forget"):
    answer: Literal["yes", "no", "keep"]  # keep: delete, but keep the certificate verifiable


def _pairs(buttons: list[InlineKeyboardButton], width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def invite_group_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(_("Core group"), callback_data=InviteGroup("core").pack()),
        InlineKeyboardButton(_("Wider group"), callback_data=InviteGroup("wider").pack()),
    ]])


def invite_country_keyboard(v: Viewer, schedule: Schedule, group: Group, uses: int,
                            days: int) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    buttons = [
        InlineKeyboardButton(f"{flag(c.code)} {country_name(c, v.lang)}",
                             callback_data=InviteCountry(group, c.code, uses, days).pack())
        for c in schedule.countries
    ]
    if group == "wider":
        buttons.append(InlineKeyboardButton(
            "🌐 " + _("Any country"), callback_data=InviteCountry(group, ANY, uses, days).pack()))
    return InlineKeyboardMarkup(_pairs(buttons))


def withdraw_keyboard(v: Viewer, codes: list[str]) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    buttons = [InlineKeyboardButton("✖️ " + _("Withdraw {number}").format(number=i),
                                    callback_data=WithdrawInvite(code).pack())
               for i, code in enumerate(codes, start=1)]
    return InlineKeyboardMarkup(_pairs(buttons, 3))


def people_filter_keyboard(v: Viewer, schedule: Schedule, scope: set[str] | None,
                           group_names: dict[str, str]) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    countries = [c for c in schedule.countries if scope is None or c.code in scope]
    buttons = [InlineKeyboardButton(f"{flag(c.code)} {country_name(c, v.lang)}",
                                    callback_data=PeopleList(c.code, "all").pack())
               for c in countries]
    rows = _pairs(buttons)
    rows.append([InlineKeyboardButton(group_names[g].capitalize(),
                                      callback_data=PeopleList("all", g).pack())
                 for g in ("core", "wider", "none")])
    everyone = PeopleList("all", "all").pack()
    rows.append([InlineKeyboardButton(_("Everyone"), callback_data=everyone)])
    return InlineKeyboardMarkup(rows)


def profile_keyboard(v: Viewer) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    return InlineKeyboardMarkup([
        [InlineKeyboardButton("✏️ " + _("Name"), callback_data=ProfileAction("name").pack()),
         InlineKeyboardButton("✏️ " + _("Organization"), callback_data=ProfileAction("org").pack())],
        [InlineKeyboardButton("✏️ " + _("Sector"), callback_data=ProfileAction("sector").pack())],
    ])


def one_button(text: str, action: Literal["skip", "cancel"]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text,
                                                       callback_data=ProfileAction(action).pack())]])


def sector_keyboard(v: Viewer, mode: Literal["ob", "pf"]) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    rows = [[InlineKeyboardButton(_(label), callback_data=PickSector(mode, key).pack())]
            for key, label in SECTORS.items()]
    last = "⏭ " + _("Skip") if mode == "ob" else "↩️ " + _("Back")
    rows.append([InlineKeyboardButton(last, callback_data=PickSector(mode, "skip").pack())])
    return InlineKeyboardMarkup(rows)


def forget_keyboard(v: Viewer, certificate: bool = False) -> InlineKeyboardMarkup:
    """certificate: the person holds one; they choose whether it stays verifiable."""
    _ = v.tr.gettext
    if not certificate:
        return InlineKeyboardMarkup([
            [InlineKeyboardButton("🗑 " + _("Yes, delete my data"),
                                  callback_data=Forget("yes").pack())],
            [InlineKeyboardButton(_("No, keep it"), callback_data=Forget("no").pack())],
        ])
    return InlineKeyboardMarkup([
        [InlineKeyboardButton("🗑 " + _("Delete, keep my certificate verifiable"),
                              callback_data=Forget("keep").pack())],
        [InlineKeyboardButton("🗑 " + _("Delete all, revoke my certificate"),
                              callback_data=Forget("yes").pack())],
        [InlineKeyboardButton(_("No, keep it"), callback_data=Forget("no").pack())],
    ])
