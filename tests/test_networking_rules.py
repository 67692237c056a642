"""Networking rules: the matching score and why, exclusions, breakout rooms, counts, config,
and suggestions cut to fit one message."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pytest

from bot.i18n import I18n
from bot.models import Participant
from bot.networking.rules import (
    MAX_SUGGESTIONS,
    Card,
    breakout_rooms,
    clean_note,
    continents,
    match,
    stats,
    suggest,
    toggle,
)
from bot.networking.texts import MAX_TEXT, Entry, fitting, matches_text
from bot.schedule import Schedule, ScheduleError, parse_schedule
from bot.storage.networking import Profile, Request
from bot.viewer import Viewer
from tests.helpers import ROOT

WHERE = {"GH": "Africa", "CI": "Africa", "PE": "America", "CO": "America", "BR": "America"}
ORDER = ["agroforestry", "finance", "markets", "research"]


def card(uid: int, country: str | None, offers: str = "", seeks: str = "",
         langs: str = "en") -> Card:
    return Card(uid, country, frozenset(offers.split()), frozenset(seeks.split()),
                frozenset(langs.split()))


ME = card(1, "PE", offers="agroforestry", seeks="finance", langs="es")


def test_continents_come_from_the_default_zones(schedule: Schedule) -> None:
    assert continents(schedule) == {"GH": "Africa", "CI": "Africa", "CO": "America",
                                    "PE": "America", "BR": "America", "DO": "America"}


def test_complementary_topics_make_the_score() -> None:
    offers_what_i_seek = match(ME, card(2, "PE", offers="finance", langs="pt"), WHERE, ORDER)
    seeks_what_i_offer = match(ME, card(3, "PE", seeks="agroforestry", langs="pt"), WHERE, ORDER)
    both = match(ME, card(4, "PE", offers="finance", seeks="agroforestry", langs="pt"), WHERE)
    assert offers_what_i_seek is not None and offers_what_i_seek.score == 3
    assert seeks_what_i_offer is not None and seeks_what_i_offer.score == 2
    assert both is not None and both.score == 5
    assert offers_what_i_seek.reason.they_offer == ("finance",)
    assert seeks_what_i_offer.reason.they_seek == ("agroforestry",)
    # Offering what I offer, or seeking what I seek, is no match.
    assert match(ME, card(5, "GH", offers="agroforestry", seeks="finance"), WHERE) is None
    assert match(ME, ME, WHERE) is None


def test_other_country_continent_and_language_add_a_bonus() -> None:
    same = match(ME, card(2, "PE", offers="finance", langs="pt"), WHERE)
    country = match(ME, card(3, "CO", offers="finance", langs="pt"), WHERE)
    continent = match(ME, card(4, "GH", offers="finance", langs="pt"), WHERE)
    spoken = match(ME, card(5, "GH", offers="finance", langs="en es"), WHERE)
    assert [s.score for s in (same, country, continent, spoken) if s] == [3, 4, 5, 6]
    assert same is not None and same.reason.country is None
    assert country is not None and country.reason.country == "CO"
    assert not country.reason.other_continent
    assert continent is not None and continent.reason.other_continent
    assert spoken is not None and spoken.reason.languages == ("es",)
    # Someone without a country gets no country bonus, and gives none.
    guest = match(card(6, None, seeks="finance", langs="fr"), card(7, "GH", offers="finance"),
                  WHERE)
    assert guest is not None and guest.score == 3 and guest.reason.country is None


def test_suggestions_best_first_at_most_five_without_the_excluded() -> None:
    others = [card(10 + n, "GH", offers="finance", langs="es") for n in range(8)]
    others += [card(30, "PE", offers="finance", langs="pt"),  # same country, fits
               card(31, "GH", offers="research"),  # nothing I seek
               card(32, "CI", offers="finance markets", seeks="agroforestry", langs="es")]
    found = suggest(ME, others, excluded={10, 11, 12}, continent_of=WHERE, order=ORDER)
    assert len(found) == MAX_SUGGESTIONS
    assert found[0].card.user_id == 32 and found[0].score == 3 + 2 + 1 + 1 + 1
    ids = [s.card.user_id for s in found]
    assert not {10, 11, 12, 30, 31} & set(ids)  # excluded, and 30 is outscored
    assert ids == [s.card.user_id for s in suggest(ME, list(reversed(others)), {10, 11, 12},
                                                   WHERE, ORDER)]  # order does not matter
    everyone = suggest(ME, others, set(), WHERE, ORDER, limit=100)
    assert {s.card.user_id for s in everyone} == {*range(10, 18), 30, 32}


def test_topics_in_the_reason_follow_the_schedule_order() -> None:
    me = card(1, "PE", seeks="research finance agroforestry")
    other = card(2, "GH", offers="research agroforestry finance")
    found = match(me, other, WHERE, ORDER)
    assert found is not None and found.reason.they_offer == ("agroforestry", "finance",
                                                             "research")


def test_breakouts_mix_countries_with_even_sizes() -> None:
    people = [card(100 * i + n, code) for i, code in enumerate(["GH", "CI", "PE", "CO", "BR",
                                                                 "DO"]) for n in range(3)]
    rooms = breakout_rooms(people, 3)
    country = {p.user_id: p.country for p in people}
    assert sorted(len(r) for r in rooms) == [6, 6, 6]
    for room in rooms:
        assert len({country[u] for u in room}) == 6  # one of each country
    assert sorted(u for r in rooms for u in r) == sorted(p.user_id for p in people)
    assert breakout_rooms(list(reversed(people)), 3) == rooms  # deterministic


def test_breakouts_spread_a_large_country_and_keep_sizes_within_one() -> None:
    people = [card(n, "GH") for n in range(7)] + [card(50 + n, "PE") for n in range(3)]
    rooms = breakout_rooms(people, 4)
    assert sorted(len(r) for r in rooms) == [2, 2, 3, 3]
    per_room = [Counter("GH" if u < 50 else "PE" for u in room) for room in rooms]
    assert max(c["GH"] for c in per_room) == 2 and max(c["PE"] for c in per_room) == 1


def test_breakouts_put_complementary_people_together() -> None:
    people = [card(1, "GH", offers="finance"), card(2, "PE", seeks="finance"),
              card(3, "CI", offers="research"), card(4, "CO", seeks="research")]
    rooms = breakout_rooms(people, 2)
    assert sorted(sorted(r) for r in rooms) == [[1, 2], [3, 4]]


def test_breakouts_with_more_rooms_than_people() -> None:
    assert breakout_rooms([card(1, "GH"), card(2, "PE")], 5) == [[1], [2]]
    assert breakout_rooms([], 3) == []


def test_toggle_and_the_note() -> None:
    assert toggle(("a",), "b") == ("a", "b")
    assert toggle(("a", "b"), "a") == ("b",)
    assert toggle(tuple("abcde"), "f") is None
    assert clean_note("  We   fund <b>cocoa</b>  ") == "We fund <b>cocoa</b>"
    assert clean_note("x" * 201) is None and clean_note("x" * 200) == "x" * 200
    assert clean_note("   ") is None


def test_counts_per_country_pair_within_a_scope() -> None:
    now = datetime(2021, 8, 1, tzinfo=UTC)
    country = {1: "GH", 2: "PE", 3: "PE", 4: "CI", 5: None}

    def req(n: int, a: int, b: int, status: str) -> Request:
        return Request(n, a, b, None, status, now, None)  # type: ignore[arg-type]

    requests = [req(1, 1, 2, "accepted"), req(2, 3, 1, "declined"), req(3, 1, 4, "open"),
                req(4, 2, 4, "withdrawn"), req(5, 5, 2, "open")]
    everyone = stats(["GH", "PE", "PE", None], requests, country)
    assert everyone.profiles == Counter({"PE": 2, "GH": 1, "—": 1})
    pair = everyone.pairs[("GH", "PE")]
    assert (pair.requests, pair.accepted, pair.declined, pair.open) == (2, 1, 1, 0)
    assert set(everyone.pairs) == {("GH", "PE"), ("CI", "GH"), ("CI", "PE"), ("PE", "—")}
    ghana = stats(["GH", "PE"], requests, country, scope=frozenset({"GH"}))
    assert ghana.profiles == Counter({"GH": 1})
    assert set(ghana.pairs) == {("GH", "PE"), ("CI", "GH")}


def test_schedule_networking_is_validated() -> None:
    data = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    assert parse_schedule(data).networking.sessions == [9]
    bad = json.loads(json.dumps(data))
    bad["networking"]["sessions"] = [42]
    with pytest.raises(ScheduleError, match="no session 42"):
        parse_schedule(bad)
    bad = json.loads(json.dumps(data))
    bad["networking"]["topics"][1]["key"] = bad["networking"]["topics"][0]["key"]
    with pytest.raises(ScheduleError, match="duplicate topic key"):
        parse_schedule(bad)
    bad = json.loads(json.dumps(data))
    del bad["networking"]["topics"][0]["name"]["pt"]
    with pytest.raises(ScheduleError, match="networking.topics\\[0\\].name: missing language"):
        parse_schedule(bad)
    del data["networking"]  # an older schedule.json still validates
    assert parse_schedule(data).networking.topics == []


def test_suggestions_are_cut_to_fit_one_message(schedule: Schedule, i18n: I18n) -> None:
    view = Viewer(i18n.get("en"), "en", "UTC")
    now = datetime(2021, 8, 1, tzinfo=UTC)
    keys = [t.key for t in schedule.networking.topics]
    me = card(1, "PE", offers=" ".join(keys[:5]), seeks=" ".join(keys[5:10]), langs="es")
    entries = []
    for n in range(5):
        person = Participant(100 + n, "en", "GH", None, "wider", "X", None, None, "participant",
                             True, True, now, now, organization="O" * 120, sector="civil")
        profile = Profile(n + 1, 100 + n, True, tuple(keys[5:10]), tuple(keys[:5]), ("fr",),
                          "N" * 200, now)
        found = match(me, card(100 + n, "GH", offers=" ".join(keys[5:10]),
                               seeks=" ".join(keys[:5]), langs="en es"), WHERE, keys)
        assert found is not None
        entries.append(Entry(person, profile, found))
    assert len(matches_text(view, schedule, entries)) > 4096
    shown = fitting(view, schedule, entries)
    assert 1 <= len(shown) < 5 and len(matches_text(view, schedule, shown)) <= MAX_TEXT
    assert fitting(view, schedule, entries[:1]) == entries[:1]
