"""Networking rules: who takes part, the matching score and why, breakout rooms, counts.

Plain Python on the schedule and stored records; no Telegram, no SQL.

Matching: a suggestion needs what one offers to meet what the other seeks. Score: 3 per topic
they offer that you seek, 2 per topic they seek that you offer, +1 for another country, +1 more
for another continent (a country's continent is the first part of its default zone in
schedule.json: "Africa/Accra" -> Africa), +1 for a language both speak. Ties are broken by a
stable hash of the pair, so the same few people are not first in everyone's list.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.membership import Member
from bot.schedule import Schedule
from bot.storage.networking import Request

MAX_NOTE = 200  # characters of the profile line and of a request's note
MAX_OPEN_REQUESTS = 10  # requests waiting for an answer, per person
MAX_SUGGESTIONS = 5
MAX_TOPICS = 5  # per list (offers, seeks): keeps a card short on a phone

SEEK_MET = 3  # per topic they offer that you seek
OFFER_MET = 2  # per topic they seek that you offer
OTHER_COUNTRY = 1
OTHER_CONTINENT = 1  # on top of another country
SHARED_LANGUAGE = 1


@dataclass(frozen=True)
class Card:
    """What matching knows of a person (their name is not part of it)."""

    user_id: int
    country: str | None
    offers: frozenset[str] = frozenset()
    seeks: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()  # every language they speak, bot language too


@dataclass(frozen=True)
class Reason:
    """Why a suggestion was made, for the one line under it."""

    they_offer: tuple[str, ...]  # topics they offer that you seek
    they_seek: tuple[str, ...]  # topics they seek that you offer
    country: str | None  # theirs, when it is another country than yours
    other_continent: bool
    languages: tuple[str, ...]  # spoken by both


@dataclass(frozen=True)
class Suggestion:
    card: Card
    score: int
    reason: Reason


def may_network(m: Member) -> bool:
    """People in the program (core or wider group) and staff; not someone turned away."""
    return m.group is not None or m.staff


def continents(schedule: Schedule) -> dict[str, str]:
    """Each program country's continent, from its default zone."""
    return {c.code: c.zone.split("/")[0] for c in schedule.countries}


def _ordered(keys: Iterable[str], order: Sequence[str]) -> tuple[str, ...]:
    rank = {k: i for i, k in enumerate(order)}
    return tuple(sorted(keys, key=lambda k: (rank.get(k, len(rank)), k)))


def match(me: Card, other: Card, continent_of: Mapping[str, str],
          order: Sequence[str] = ()) -> Suggestion | None:
    """The suggestion of `other` to `me`, or None when nothing they offer or seek fits."""
    if other.user_id == me.user_id:
        return None
    they_offer = _ordered(other.offers & me.seeks, order)
    they_seek = _ordered(other.seeks & me.offers, order)
    if not they_offer and not they_seek:
        return None
    score = SEEK_MET * len(they_offer) + OFFER_MET * len(they_seek)
    other_country = (me.country is not None and other.country is not None
                     and other.country != me.country)
    other_continent = False
    if other_country:
        score += OTHER_COUNTRY
        mine, theirs = continent_of.get(me.country or ""), continent_of.get(other.country or "")
        other_continent = mine is not None and theirs is not None and mine != theirs
        score += OTHER_CONTINENT if other_continent else 0
    shared = tuple(sorted(me.languages & other.languages))
    score += SHARED_LANGUAGE if shared else 0
    reason = Reason(they_offer, they_seek, other.country if other_country else None,
                    other_continent, shared)
    return Suggestion(other, score, reason)


def _tiebreak(a: int, b: int) -> int:
    return zlib.crc32(f"{a}:{b}".encode())


def suggest(me: Card, others: Iterable[Card], excluded: set[int],
            continent_of: Mapping[str, str], order: Sequence[str] = (),
            limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """The best `limit` people for `me`, best first; nobody in `excluded` (asked, declined,
    introduced or hidden) and never `me`."""
    found = [s for other in others if other.user_id not in excluded
             if (s := match(me, other, continent_of, order)) is not None]
    found.sort(key=lambda s: (-s.score, _tiebreak(me.user_id, s.card.user_id)))
    return found[:limit]


# profile edits


def toggle(keys: Sequence[str], key: str, limit: int = MAX_TOPICS) -> tuple[str, ...] | None:
    """The list with `key` added or removed; None when adding would pass the limit."""
    if key in keys:
        return tuple(k for k in keys if k != key)
    if len(keys) >= limit:
        return None
    return (*keys, key)


def clean_note(text: str) -> str | None:
    """One line of at most MAX_NOTE characters, spaces collapsed; None when empty, too long or
    not printable (it is shown to others, HTML-escaped)."""
    value = " ".join(text.split())
    if not value or len(value) > MAX_NOTE or not value.isprintable():
        return None
    return value


# breakout rooms


def breakout_rooms(people: Sequence[Card], rooms: int) -> list[list[int]]:
    """Split people into `rooms` rooms whose sizes differ by at most one, mixing countries and
    topics: each person goes to the open room with the fewest people of their country, then
    the one where what they offer and seek fits the others best, then the one with the fewest
    people offering the same. The largest countries are placed first (hardest to spread).
    Deterministic: the same people give the same rooms."""
    n = max(1, min(rooms, len(people)))
    if not people:
        return []
    sizes = [len(people) // n + (1 if i < len(people) % n else 0) for i in range(n)]
    per_country = Counter(p.country for p in people)
    order = sorted(people, key=lambda p: (-per_country[p.country], p.country or "",
                                          -(len(p.offers) + len(p.seeks)), p.user_id))
    placed: list[list[Card]] = [[] for _ in range(n)]

    def cost(person: Card, i: int) -> tuple[int, int, int, int, int]:
        room = placed[i]
        same = sum(1 for q in room if person.country is not None and q.country == person.country)
        fit = sum(len(person.offers & q.seeks) + len(person.seeks & q.offers) for q in room)
        overlap = sum(len(person.offers & q.offers) for q in room)
        return same, -fit, overlap, len(room), i

    for person in order:
        best = min((i for i in range(n) if len(placed[i]) < sizes[i]),
                   key=lambda i: cost(person, i))
        placed[best].append(person)
    return [[p.user_id for p in room] for room in placed]


# counts for staff and the export (anonymous)

NO_COUNTRY = "—"


@dataclass
class PairCount:
    requests: int = 0
    accepted: int = 0
    declined: int = 0
    open: int = 0


@dataclass
class Stats:
    profiles: Counter[str] = field(default_factory=Counter)  # visible, per country
    pairs: dict[tuple[str, str], PairCount] = field(default_factory=dict)


def pair_key(a: str | None, b: str | None) -> tuple[str, str]:
    """Unordered: Ghana–Peru and Peru–Ghana are one pair."""
    first, second = sorted((a or NO_COUNTRY, b or NO_COUNTRY))
    return first, second


def stats(profile_countries: Iterable[str | None], requests: Iterable[Request],
          country_of: Mapping[int, str | None],
          scope: frozenset[str] | None = None) -> Stats:
    """Profiles per country and requests per country pair; `scope`: only those countries (a
    limited facilitator), pairs counted when either side is theirs."""
    out = Stats()

    def seen(*countries: str | None) -> bool:
        return scope is None or any(c in scope for c in countries if c)

    for country in profile_countries:
        if seen(country):
            out.profiles[country or NO_COUNTRY] += 1
    for r in requests:
        a, b = country_of.get(r.from_user), country_of.get(r.to_user)
        if not seen(a, b):
            continue
        count = out.pairs.setdefault(pair_key(a, b), PairCount())
        count.requests += 1
        if r.status == "accepted":
            count.accepted += 1
        elif r.status == "declined":
            count.declined += 1
        elif r.status == "open":
            count.open += 1
    return out
