"""/people as plain functions: filters, counts and paging (no Telegram here)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from bot.models import Participant
from bot.registration import find_country
from bot.schedule import Schedule

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
