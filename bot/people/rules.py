"""Who is in the program, as plain rules (no Telegram, no SQL): joining (invitation codes, open
or closed registration), finding a country by name, /people filters, profile fields.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from babel import Locale

from bot.config import LANGUAGES
from bot.membership import counted
from bot.models import Group, Participant, Role
from bot.parsing import parse_int
from bot.roles import effective_role
from bot.schedule import Country, Schedule

ANY = "any"  # an invitation to the wider group from any country
DEFAULT_USES: dict[Group, int] = {"core": 7, "wider": 100}  # 7 core participants per country
DEFAULT_DAYS = 30
MAX_USES = 1000
MAX_DAYS = 365

def new_code() -> str:
    """16 URL-safe characters (96 random bits): allowed in a t.me ?start= payload."""
    return secrets.token_urlsafe(12)


def deep_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={code}"


def wider_group_start(schedule: Schedule) -> datetime | None:
    """The first session open to all: from then on, open registration joins the wider group."""
    return next((s.start for s in schedule.sessions if s.audience == "all"), None)


def wider_started(schedule: Schedule, now: datetime) -> bool:
    """Self-registered people belong to the wider group from the moment they register; before
    its first session they are told when it starts."""
    start = wider_group_start(schedule)
    return start is None or now >= start


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
    while rest and (number := parse_int(rest[-1], max_digits=6)) is not None:
        rest.pop()
        numbers.insert(0, number)
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


# /people: filters, counts and paging

GroupFilter = Literal["core", "wider", "none", "all"]
GROUP_WORDS: dict[str, GroupFilter] = {"core": "core", "wider": "wider", "none": "none",
                                        "all": "all"}


@dataclass(frozen=True)
class PeopleFilter:
    country: str | None = None  # ISO code; None: every country (the caller's scope)
    group: GroupFilter = "all"


def parse_people_args(args: list[str], schedule: Schedule) -> PeopleFilter | None:
    """`[country] [core|wider|none]` in any order; None when a word is not understood."""
    group: GroupFilter = "all"
    words = []
    for arg in args:
        if arg.lower() in GROUP_WORDS:
            group = GROUP_WORDS[arg.lower()]
        else:
            words.append(arg)
    country = None
    if words and " ".join(words).lower() != "all":
        found = find_country(schedule, " ".join(words))
        if found is None:
            return None
        country = found.code
    return PeopleFilter(country, group)


def group_key(person: Participant) -> str:
    return person.group or "none"


def select(people: list[Participant], f: PeopleFilter,
           scope: set[str] | None = None) -> list[Participant]:
    """Matching people; `scope` limits to those countries (a country-limited facilitator)."""
    return [
        p for p in people
        if (scope is None or p.country in scope)
        and (f.country is None or p.country == f.country)
        and (f.group == "all" or group_key(p) == f.group)
    ]


def staff_label(role: Role, person: Participant, countries: Collection[str]) -> str:
    """The staff role a person holds, as /people and the people export name it: organizer,
    facilitator, or co-facilitator (a core member acting for their own country only); "" for
    a participant. `role`: the effective role (ORGANIZER_IDS count); `countries`: theirs."""
    if role == "organizer":
        return "organizer"
    if role != "facilitator":
        return ""
    if person.group == "core" and set(countries) == {person.country}:
        return "co-facilitator"
    return "facilitator"


def split_staff(people: list[Participant], organizers: Collection[int]
                ) -> tuple[list[Participant], list[Participant]]:
    """(the people listed as participants, the staff listed apart): staff not counted as
    participants (bot.membership.counted) go apart; a co-facilitator who is a member stays."""
    listed: list[Participant] = []
    staff: list[Participant] = []
    for p in people:
        role = effective_role(p.user_id, p, list(organizers))
        (staff if role != "participant" and not counted(p, role) else listed).append(p)
    return listed, staff


def counts(people: list[Participant]) -> dict[str | None, Counter[str]]:
    """Per country (None: no country), how many in core, wider and no group."""
    table: dict[str | None, Counter[str]] = {}
    for p in people:
        table.setdefault(p.country, Counter())[group_key(p)] += 1
    return table


def pages(lines: list[str], limit: int = 3800) -> list[str]:
    """Join lines into messages under Telegram's 4096 characters."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > limit:
            out.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        out.append("\n".join(current))
    return out


# profile: what a person tells about themselves beyond Telegram


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return message


# Stored keys (short: they travel in callback data) and their English labels (msgids).
SECTORS: dict[str, str] = {
    "public": N_("Public sector"),
    "industry": N_("Industry"),
    "cocoa": N_("National cocoa organization"),
    "coop": N_("Farmers' cooperative"),
    "producers": N_("Producers' association"),
    "civil": N_("Civil society"),
    "cfi": N_("Cocoa & Forests Initiative secretariat"),
    "wb": N_("World Bank"),
    "other": N_("Other"),
}

MAX_NAME = 64
MAX_ORGANIZATION = 120
CLEAR = "-"  # sent instead of a value: remove it


def clean_text(text: str, limit: int) -> str | None:
    """One line, spaces collapsed; None when empty, too long or not printable."""
    value = " ".join(text.split())
    if not value or len(value) > limit or not value.isprintable():
        return None
    return value
