"""Joining the program: invitation codes and open or closed registration (no Telegram here)."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from babel import Locale

from bot.config import LANGUAGES
from bot.schedule import Country, Group, Schedule

ANY = "any"  # an invitation to the wider group from any country
DEFAULT_USES: dict[Group, int] = {"core": 7, "wider": 100}  # 7 core participants per country
DEFAULT_DAYS = 30
MAX_USES = 1000
MAX_DAYS = 365

Status = Literal["valid", "expired", "used_up", "revoked"]


def new_code() -> str:
    """16 URL-safe characters (96 random bits): allowed in a t.me ?start= payload."""
    return secrets.token_urlsafe(12)


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def wider_group_start(schedule: Schedule) -> datetime | None:
    """The first session open to all: from then on, open registration joins the wider group."""
    return next((s.start for s in schedule.sessions if s.audience == "all"), None)


def open_registration_group(schedule: Schedule, now: datetime) -> Group | None:
    """The group an uninvited person joins now; None before the wider group starts."""
    start = wider_group_start(schedule)
    return "wider" if start is None or now >= start else None


@dataclass(frozen=True)
class Invitation:
    code: str
    group: Group
    country: str | None  # None: any country (wider group only)
    max_uses: int
    uses: int
    expires_at: datetime
    created_by: int
    created_at: datetime
    revoked_at: datetime | None

    @property
    def uses_left(self) -> int:
        return max(self.max_uses - self.uses, 0)

    def status(self, now: datetime) -> Status:
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        if self.uses_left <= 0:
            return "used_up"
        return "valid"


def _plain(text: str) -> str:
    """Case, accents and punctuation folded: "Côte d’Ivoire" -> "cotedivoire"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def find_country(schedule: Schedule, text: str) -> Country | None:
    """A program country by ISO code or by name in any of the bot's languages."""
    wanted = _plain(text)
    if not wanted:
        return None
    for country in schedule.countries:
        names = {country.code, *country.name.values()}
        for lang in LANGUAGES:
            territory = Locale.parse(lang).territories.get(country.code)
            if territory:
                names.add(territory)
        if wanted in {_plain(n) for n in names}:
            return country
    return None


InviteError = Literal["group", "country", "any_core", "numbers"]


@dataclass(frozen=True)
class InviteArgs:
    group: Group | None = None
    country: str | None = None  # ISO code, ANY, or None when left out (ask with buttons)
    uses: int | None = None
    days: int | None = None
    error: InviteError | None = None


def parse_invite_args(args: list[str], schedule: Schedule) -> InviteArgs:
    """`core <country> [uses] [days]` or `wider <country|any> [uses] [days]`."""
    if not args:
        return InviteArgs()
    word = args[0].lower()
    if word not in ("core", "wider"):
        return InviteArgs(error="group")
    group: Group = "core" if word == "core" else "wider"
    rest = list(args[1:])
    numbers: list[int] = []
    while rest and rest[-1].isdigit():
        numbers.insert(0, int(rest.pop()))
    if len(numbers) > 2 or any(n < 1 for n in numbers):
        return InviteArgs(group=group, error="numbers")
    uses = numbers[0] if numbers else None
    days = numbers[1] if len(numbers) > 1 else None
    if (uses or 0) > MAX_USES or (days or 0) > MAX_DAYS:
        return InviteArgs(group=group, error="numbers")
    text = " ".join(rest)
    country: str | None = None
    if text:
        if _plain(text) in ("any", "all"):
            if group == "core":
                return InviteArgs(group="core", error="any_core")
            country = ANY
        else:
            found = find_country(schedule, text)
            if found is None:
                return InviteArgs(group=group, error="country")
            country = found.code
    return InviteArgs(group=group, country=country, uses=uses, days=days)
