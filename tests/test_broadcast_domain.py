"""Broadcast domain logic, without Telegram: audiences, versions, typed times, reports."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.broadcasts.rules import Audience, Report, Version, pick_version
from bot.parsing import WhenError, parse_when
from bot.schedule import Schedule

NOW = datetime(2021, 3, 20, 12, 0, tzinfo=UTC)


def test_audience_toggles_and_everyone() -> None:
    a = Audience()
    assert a.everyone
    a = a.toggle("groups", "core").toggle("countries", "GH").toggle("countries", "CI")
    assert a.groups == {"core"} and a.countries == {"GH", "CI"} and not a.everyone
    assert a.toggle("countries", "GH").countries == {"CI"}
    a = a.with_attendance("absent", 3)
    assert a.attendance == ("absent", 3)
    assert a.with_attendance("absent", 3).attendance is None  # same choice again removes it
    assert a.with_attendance("present", 3).attendance == ("present", 3)


def test_audience_json_round_trip() -> None:
    a = Audience(frozenset({"wider"}), frozenset({"PE", "CO"}), frozenset({"es"}), ("present", 2))
    assert Audience.from_json(a.to_json()) == a
    assert Audience.from_json("{}") == Audience() == Audience.from_json(None)


def test_absent_from_a_core_session_means_core_members(schedule: Schedule) -> None:
    assert Audience(attendance=("absent", 3)).effective(schedule).groups == {"core"}
    assert Audience(attendance=("absent", 7)).effective(schedule).groups == frozenset()
    assert Audience(attendance=("present", 3)).effective(schedule).groups == frozenset()


def test_version_in_own_language_else_the_first() -> None:
    versions = [Version(1, None, 9, 100), Version(2, "es", 9, 101), Version(3, "fr", 9, 102)]
    assert pick_version(versions, "es").message_id == 101
    assert pick_version(versions, "fr").message_id == 102
    assert pick_version(versions, "pt").message_id == 100
    assert pick_version(versions, None).message_id == 100


@pytest.mark.parametrize(
    ("text", "zone", "utc"),
    [
        ("2021-03-24 09:00", "America/Lima", datetime(2021, 3, 24, 14, 0, tzinfo=UTC)),
        ("24/03/2021 09:00", "America/Lima", datetime(2021, 3, 24, 14, 0, tzinfo=UTC)),
        (" 24.03.2021  10:00 ", "America/Santo_Domingo", datetime(2021, 3, 24, 14, tzinfo=UTC)),
        ("2021-03-24T15:00", "Europe/Amsterdam", datetime(2021, 3, 24, 14, 0, tzinfo=UTC)),
        ("2021-04-14 16:00", "Europe/Amsterdam", datetime(2021, 4, 14, 14, 0, tzinfo=UTC)),
        # Clocks go back on 31 Oct 2021 in Amsterdam: 02:30 happens twice; the first counts.
        ("31/10/2021 02:30", "Europe/Amsterdam", datetime(2021, 10, 31, 0, 30, tzinfo=UTC)),
    ],
)
def test_parse_when_in_the_facilitators_zone(text: str, zone: str, utc: datetime) -> None:
    assert parse_when(text, zone, NOW) == utc


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("tomorrow", "format"),
        ("2021-13-01 09:00", "format"),
        ("2021-03-19 09:00", "past"),
        ("2021-03-28 02:30", "gap"),  # skipped when Amsterdam's clocks go forward
    ],
)
def test_parse_when_refusals(text: str, reason: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, "Europe/Amsterdam", NOW)
    assert caught.value.reason == reason


def test_report_totals() -> None:
    report = Report()
    report.counts.update(sent=5, blocked=1, failed=2, unknown=1, skipped=3, pending=4)
    assert report.total == 13 and report.done == 9 and report["cancelled"] == 0
