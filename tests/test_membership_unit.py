"""Plain domain code of roles, invitations and /people (no Telegram)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.membership import may_act_on, member
from bot.models import Participant
from bot.people.rules import (
    PeopleFilter,
    clean_text,
    counts,
    deep_link,
    find_country,
    new_code,
    pages,
    parse_invite_args,
    parse_people_args,
    select,
    wider_group_start,
    wider_started,
)
from bot.schedule import Schedule
from bot.storage.invitations import Invitation

NOW = datetime(2021, 3, 20, 12, 0, tzinfo=UTC)


def test_codes_are_unguessable_and_fit_a_deep_link() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 16 and all(c.isalnum() or c in "-_" for c in code)
    assert deep_link("sske_test_bot", "abc") == "https://t.me/sske_test_bot?start=abc"


def test_invitation_status() -> None:
    inv = Invitation("c", "core", "PE", 2, 0, NOW + timedelta(days=1), 1, NOW, None)
    assert inv.status(NOW) == "valid" and inv.uses_left == 2
    assert inv.status(NOW + timedelta(days=1)) == "expired"
    used = Invitation("c", "core", "PE", 2, 2, NOW + timedelta(days=1), 1, NOW, None)
    assert used.status(NOW) == "used_up"
    revoked = Invitation("c", "core", "PE", 2, 0, NOW + timedelta(days=1), 1, NOW, NOW)
    assert revoked.status(NOW) == "revoked"


def test_countries_by_code_or_name_in_any_language(schedule: Schedule) -> None:
    for text, code in [("PE", "PE"), ("pe", "PE"), ("Perú", "PE"), ("peru", "PE"),
                       ("Pérou", "PE"), ("Côte d’Ivoire", "CI"), ("cote d'ivoire", "CI"),
                       ("Costa de Marfil", "CI"), ("República Dominicana", "DO"),
                       ("Dominican Republic", "DO"), ("Brasil", "BR"), ("Gana", "GH")]:
        found = find_country(schedule, text)
        assert found is not None and found.code == code, text
    assert find_country(schedule, "Atlantis") is None
    assert find_country(schedule, "") is None


def test_invite_arguments(schedule: Schedule) -> None:
    parsed = parse_invite_args(["core", "Perú", "5", "10"], schedule)
    assert (parsed.group, parsed.country, parsed.uses, parsed.days) == ("core", "PE", 5, 10)
    parsed = parse_invite_args(["wider", "Dominican", "Republic"], schedule)
    assert (parsed.group, parsed.country, parsed.uses, parsed.days) == ("wider", "DO", None, None)
    assert parse_invite_args(["wider", "any", "50"], schedule).country == "any"
    assert parse_invite_args(["core"], schedule).country is None  # ask with buttons
    assert parse_invite_args([], schedule).group is None
    assert parse_invite_args(["vip", "PE"], schedule).error == "group"
    assert parse_invite_args(["core", "any"], schedule).error == "any_core"
    assert parse_invite_args(["core", "Atlantis"], schedule).error == "country"
    assert parse_invite_args(["core", "PE", "0"], schedule).error == "numbers"
    assert parse_invite_args(["core", "PE", "5000"], schedule).error == "numbers"
    assert parse_invite_args(["core", "PE", "1", "2", "3"], schedule).error == "numbers"


def test_wider_group_start_is_the_first_session_open_to_all(schedule: Schedule) -> None:
    start = wider_group_start(schedule)
    assert start == datetime(2021, 6, 17, 14, 0, tzinfo=UTC)
    assert not wider_started(schedule, start - timedelta(seconds=1))
    assert wider_started(schedule, start)


@pytest.mark.parametrize(
    ("role", "countries", "country", "allowed"),
    [
        ("organizer", set(), "PE", True),
        ("organizer", set(), None, True),
        ("facilitator", set(), "PE", True),  # not limited
        ("facilitator", set(), None, True),
        ("facilitator", {"PE"}, "PE", True),  # a co-facilitator of Peru
        ("facilitator", {"PE"}, "CO", False),
        ("facilitator", {"PE"}, None, False),  # the whole program is not theirs
        ("participant", set(), "PE", False),
        ("participant", {"PE"}, "PE", False),
    ],
)
def test_can_act_on_country(role: str, countries: set[str], country: str | None,
                            allowed: bool) -> None:
    person = Participant(1, "en", "PE", "America/Lima", "core", "Ana", None, None,
                         role, True, True, NOW, NOW)  # type: ignore[arg-type]
    assert may_act_on(member(person, role, countries), country) is allowed  # type: ignore[arg-type]


def _person(user_id: int, country: str | None, group: str | None) -> Participant:
    return Participant(user_id, "en", country, None, group, f"P{user_id}", None, None,  # type: ignore[arg-type]
                       "participant", True, True, NOW, NOW)


def test_people_filters_counts_and_pages(schedule: Schedule) -> None:
    people = [_person(1, "PE", "core"), _person(2, "PE", "wider"), _person(3, "CO", "core"),
              _person(4, None, None)]
    assert parse_people_args(["wider", "peru"], schedule) == PeopleFilter("PE", "wider")
    assert parse_people_args([], schedule) == PeopleFilter(None, "all")
    assert parse_people_args(["Atlantis"], schedule) is None
    assert [p.user_id for p in select(people, PeopleFilter("PE", "all"))] == [1, 2]
    assert [p.user_id for p in select(people, PeopleFilter(None, "core"))] == [1, 3]
    assert [p.user_id for p in select(people, PeopleFilter(None, "none"))] == [4]
    assert [p.user_id for p in select(people, PeopleFilter(), scope={"CO"})] == [3]
    table = counts(people)
    assert table["PE"] == {"core": 1, "wider": 1} and table[None] == {"none": 1}
    many = pages([f"line {i} " + "x" * 90 for i in range(200)])
    assert len(many) > 1 and all(len(page) <= 3800 for page in many)


def test_profile_text_is_one_clean_line() -> None:
    assert clean_text("  Cocoa   Board \n", 64) == "Cocoa Board"
    assert clean_text("", 64) is None
    assert clean_text("x" * 65, 64) is None
    assert clean_text("a\x00b", 64) is None


def test_registration_and_privacy_settings() -> None:
    from bot.config import SettingsError, load_settings

    settings = load_settings(env_file=None, telegram_bot_token="1:a")
    assert (settings.registration, settings.privacy_url) == ("open", None)
    settings = load_settings(env_file=None, telegram_bot_token="1:a", registration=" Closed ",
                             privacy_url="https://example.org/privacy")
    assert (settings.registration, settings.privacy_url) == (
        "closed", "https://example.org/privacy")
    with pytest.raises(SettingsError, match="^REGISTRATION: must be open or closed$"):
        load_settings(env_file=None, telegram_bot_token="1:a", registration="maybe")
    with pytest.raises(SettingsError, match="^PRIVACY_URL: must start with http"):
        load_settings(env_file=None, telegram_bot_token="1:a", privacy_url="example.org")
