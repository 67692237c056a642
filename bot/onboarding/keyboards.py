"""Language, country and time-zone pickers (onboarding and /settings).

Mode "ob" is first-time onboarding, "st" is /settings, "iv" is onboarding after an invitation
that set the country (that question is skipped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CallbackData
from bot.config import LANGUAGES
from bot.schedule import Country, Schedule
from bot.viewer import LANGUAGE_NAMES, Viewer, country_name, flag

Mode = Literal["ob", "st", "iv"]
OTHER = "other"  # "another country or time zone": the person types an IANA zone


@dataclass(frozen=True)
class PickLanguage(CallbackData, prefix="lang"):
    mode: Mode
    code: Literal["en", "es", "fr", "pt"]


@dataclass(frozen=True)
class PickCountry(CallbackData, prefix="country"):
    mode: Literal["ob", "st"]
    code: str  # ISO code, or OTHER


@dataclass(frozen=True)
class PickZone(CallbackData, prefix="zone"):
    mode: Literal["ob", "st"]
    country: str
    index: int


@dataclass(frozen=True)
class ChangeSetting(CallbackData, prefix="set"):
    what: Literal["lang", "country", "zone"]


@dataclass(frozen=True)
class PickHome(CallbackData, prefix="home"):
    """After a typed zone: which program country the person belongs to (or none)."""

    mode: Literal["ob", "st"]
    code: str  # ISO code, or NONE


NONE = "none"


def rows(buttons: list[InlineKeyboardButton], width: int = 2) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([buttons[i: i + width] for i in range(0, len(buttons), width)])


def language_keyboard(mode: Mode) -> InlineKeyboardMarkup:
    return rows([InlineKeyboardButton(LANGUAGE_NAMES[c],
                                      callback_data=PickLanguage(mode, c).pack())  # type: ignore[arg-type]
                 for c in LANGUAGES])


def country_keyboard(v: Viewer, schedule: Schedule, mode: Literal["ob", "st"]
                     ) -> InlineKeyboardMarkup:
    _ = v.tr.gettext
    buttons = [
        InlineKeyboardButton(f"{flag(c.code)} {country_name(c, v.lang)}",
                             callback_data=PickCountry(mode, c.code).pack())
        for c in schedule.countries
    ]
    buttons.append(InlineKeyboardButton("🌐 " + _("Another country or time zone"),
                                        callback_data=PickCountry(mode, OTHER).pack()))
    return rows(buttons)


def zone_keyboard(v: Viewer, country: Country, mode: Literal["ob", "st"],
                  first_session: datetime) -> InlineKeyboardMarkup:
    """The country's zones, with the local time of the first session; and any other zone."""
    buttons = [
        InlineKeyboardButton(f"{v.city(zone)} ({v.time(first_session, zone)})",
                             callback_data=PickZone(mode, country.code, i).pack())
        for i, zone in enumerate(country.all_zones)
    ]
    buttons.append(InlineKeyboardButton("🌐 " + v.tr.gettext("Another time zone"),
                                        callback_data=PickCountry(mode, OTHER).pack()))
    return rows(buttons, width=1)


def home_keyboard(v: Viewer, schedule: Schedule, mode: Literal["ob", "st"]
                  ) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(f"{flag(c.code)} {country_name(c, v.lang)}",
                             callback_data=PickHome(mode, c.code).pack())
        for c in schedule.countries
    ]
    buttons.append(InlineKeyboardButton("🌐 " + v.tr.gettext("None of these"),
                                        callback_data=PickHome(mode, NONE).pack()))
    return rows(buttons)


def settings_keyboard(v: Viewer, country_fixed: bool) -> InlineKeyboardMarkup:
    """Someone whose invitation set the country changes only the time zone."""
    _ = v.tr.gettext
    place = (ChangeSetting("zone"), _("Change time zone")) if country_fixed else (
        ChangeSetting("country"), _("Change country or time zone"))
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(_("Change language"), callback_data=ChangeSetting("lang").pack())],
        [InlineKeyboardButton(place[1], callback_data=place[0].pack())],
    ])
