"""The schedule model: the real schedule.json, the queries, and every validation error."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.membership import Member, program
from bot.schedule import ScheduleError, load_schedule, parse_schedule

ROOT = Path(__file__).resolve().parent.parent
RAW = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))


def test_real_schedule_matches_the_program_facts() -> None:
    schedule = load_schedule(ROOT / "schedule.json")
    assert [s.number for s in schedule.sessions] == list(range(11))
    assert schedule.total_minutes == 1650  # 27.5 hours
    assert all(s.start.hour == 14 and s.start.tzinfo == UTC for s in schedule.sessions)
    assert schedule.session(6).start.date().isoformat() == "2021-06-17"  # agenda table wins
    assert schedule.session(7).start.date().isoformat() == "2021-07-07"
    assert schedule.session(10).duration_minutes == 90
    assert {s.audience for s in schedule.sessions[:6]} == {"core"}
    assert {s.audience for s in schedule.sessions[6:]} == {"all"}
    assert [c.code for c in schedule.countries] == ["GH", "CI", "CO", "PE", "BR", "DO"]
    assert "America/Manaus" in schedule.country("BR").all_zones


def test_next_session_by_group_and_program_over() -> None:
    schedule = parse_schedule(RAW)
    march = datetime(2021, 3, 1, tzinfo=UTC)
    assert schedule.next_session(march).number == 3
    wider = Member(1, "wider", "PE", "participant", frozenset(), None)
    assert schedule.next_session(march, program(schedule, wider)).number == 6
    during = datetime(2021, 3, 24, 15, tzinfo=UTC)
    assert schedule.next_session(during).number == 3  # running now counts
    assert schedule.next_session(datetime(2021, 10, 6, 15, 31, tzinfo=UTC)) is None
    assert [s.number for s in program(schedule, wider)] == [6, 7, 8, 9, 10]


def _broken(mutate) -> str:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(RAW)
    mutate(data)
    with pytest.raises(ScheduleError) as info:
        parse_schedule(data, "schedule.json")
    return str(info.value)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["countries"][3].update(zone="America/Lim"),
         "schedule.json: countries[3].zone: unknown time zone 'America/Lim'"),
        (lambda d: d["countries"][4]["zones"].append("Brazil/Nowhere"),
         "schedule.json: countries[4].zones: unknown time zone 'Brazil/Nowhere'"),
        (lambda d: d["countries"][4].update(zone="America/Bogota"),
         "schedule.json: countries[4]: zone 'America/Bogota' must also be listed in zones"),
        (lambda d: d["sessions"][2]["title"].pop("fr"),
         "schedule.json: sessions[2].title: missing language 'fr'"),
        (lambda d: d["languages"].remove("pt"),
         "schedule.json: languages: missing language 'pt'"),
        (lambda d: d["languages"].append("de"),
         "schedule.json: languages: the bot does not speak 'de'"),
        (lambda d: d["sessions"][4].update(number=3),
         "schedule.json: sessions: duplicate session number 3"),
        (lambda d: d["sessions"][1].update(duration_minutes=0),
         "schedule.json: sessions[1].duration_minutes: end before start"),
        (lambda d: d["sessions"][1].update(start="2021-01-20T15:00:00Z"),
         "schedule.json: sessions: session 1 starts before session 0 ends"),
        (lambda d: d["sessions"][1].update(start="2021-02-03T14:00:00"),
         "schedule.json: sessions[1].start: needs a UTC offset"),
        (lambda d: d["sessions"][1].update(start="3 February"),
         "schedule.json: sessions[1].start: Input should be a valid datetime"),
        (lambda d: d["sessions"][0].update(audience="everyone"),
         "schedule.json: sessions[0].audience: Input should be 'core' or 'all'"),
        (lambda d: d["sessions"][0].pop("start"),
         "schedule.json: sessions[0].start: Field required"),
        (lambda d: d["countries"][1].update(code="CIV"),
         "schedule.json: countries[1].code: String should match pattern"),
        (lambda d: d["countries"].append(copy.deepcopy(d["countries"][0])),
         "schedule.json: countries: duplicate country code 'GH'"),
        (lambda d: d["reminders"].update(offsets_minutes=[60, -5]),
         "schedule.json: reminders.offsets_minutes: offsets must be 0 or more minutes"),
        (lambda d: d["sessions"][0].update(colour="red"),
         "schedule.json: sessions[0].colour: Extra inputs are not permitted"),
    ],
)
def test_each_validation_error_names_file_field_and_problem(mutate, expected) -> None:  # type: ignore[no-untyped-def]
    assert _broken(mutate).startswith(expected)


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "schedule.json"
    bad.write_text('{"program": {\n  "name": 1,,\n}', encoding="utf-8")
    with pytest.raises(ScheduleError, match=r"schedule.json: line 2 column \d+: "):
        load_schedule(bad)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ScheduleError, match="cannot read"):
        load_schedule(tmp_path / "nope.json")
