"""Coaching rules without Telegram: typed candidate times, a group's state and hours, the
tally with changed answers, the reminder plan, schedule.json's coaching section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.coaching import rules
from bot.models import Participant
from bot.schedule import Schedule, ScheduleError, parse_schedule
from bot.storage.coaching import Coaching, Slot

NOW = datetime(2021, 3, 20, 12, tzinfo=UTC)


def coaching(status: str = "polling", start: datetime | None = None, cid: int = 1,
             country: str = "GH", bookings: int = 0) -> Coaching:
    return Coaching(cid, country, status, 1, NOW, start, 60, bookings, 700, None, None, None,  # type: ignore[arg-type]
                    NOW)


def person(uid: int, name: str, group: str | None = "core", country: str = "GH") -> Participant:
    return Participant(uid, "en", country, "Africa/Accra", group, name, None, None,  # type: ignore[arg-type]
                       "participant", True, True, NOW, NOW)


@pytest.mark.parametrize(("text", "zone", "expected"), [
    ("2021-03-23 15:00\n25/03/2021 16:30", "Europe/Amsterdam",
     [datetime(2021, 3, 23, 14, tzinfo=UTC), datetime(2021, 3, 25, 15, 30, tzinfo=UTC)]),
    ("23/03/2021 09:00\n 2021-03-22T09:00 \n\n", "America/Lima",
     [datetime(2021, 3, 22, 14, tzinfo=UTC), datetime(2021, 3, 23, 14, tzinfo=UTC)]),
])
def test_times_are_read_in_the_typists_zone(schedule: Schedule, text: str, zone: str,
                                            expected: list[datetime]) -> None:
    assert rules.parse_slots(text, zone, NOW, schedule, (2, 5)) == expected


def test_bad_lines_are_named_one_by_one(schedule: Schedule) -> None:
    text = "\n".join([
        "2021-03-28 02:30",   # Amsterdam springs forward: this time does not exist
        "tomorrow",           # not a time
        "2021-03-19 10:00",   # past
        "2021-07-01 10:00",   # part 2
        "2021-03-24 15:30",   # session 3 runs 14:00-17:00 UTC
        "2021-03-23 15:00",
        "23/03/2021 15:00",   # the same time twice
    ])
    with pytest.raises(rules.SlotsError) as caught:
        rules.parse_slots(text, "Europe/Amsterdam", NOW, schedule, (2, 5))
    assert [(b.number, b.reason, b.session) for b in caught.value.bad] == [
        (1, "gap", None), (2, "format", None), (3, "past", None), (4, "outside", None),
        (5, "clash", 3), (7, "duplicate", None)]


def test_how_many_times(schedule: Schedule) -> None:
    one = "2021-03-23 15:00"
    six = "\n".join(f"2021-04-0{d} 10:00" for d in range(1, 7))
    for text, allowed, count in ((one, (2, 5), 1), (six, (1, 5), 6)):
        with pytest.raises(rules.SlotsError) as caught:
            rules.parse_slots(text, "UTC", NOW, schedule, allowed)
        assert (caught.value.bad, caught.value.count) == ([], count)
    # A coaching under way takes one time (booked directly).
    assert rules.allowed_counts(coaching()) == (1, 5) and rules.allowed_counts(None) == (2, 5)
    assert len(rules.parse_slots(one, "UTC", NOW, schedule, (1, 5))) == 1


def test_the_part_window_and_any_time(schedule: Schedule) -> None:
    assert rules.part_window(schedule) == (datetime(2021, 1, 20, 14, tzinfo=UTC),
                                           datetime(2021, 6, 17, 14, tzinfo=UTC))
    anytime = schedule.model_copy(update={
        "coaching": schedule.coaching.model_copy(update={"part": None})})
    assert rules.part_window(anytime) is None
    assert rules.parse_slots("2021-07-01 10:00\n2021-07-02 10:00", "UTC", NOW, anytime, (2, 5))


def test_state_hours_and_opening(schedule: Schedule) -> None:
    later = NOW + timedelta(days=3)
    gh = rules.group_coaching(schedule, "GH", [], NOW)
    assert (gh.state, gh.hours, gh.used, rules.may_open(gh)) == ("not_started", 1, 0, None)
    polling = rules.group_coaching(schedule, "GH", [coaching()], NOW)
    assert (polling.state, rules.may_open(polling)) == ("polling", "under_way")
    booked = [coaching("booked", later, bookings=1)]
    assert rules.group_coaching(schedule, "GH", booked, NOW).state == "booked"
    done = rules.group_coaching(schedule, "GH", booked, later + timedelta(hours=2))
    assert (done.state, done.used, rules.may_open(done)) == ("done", 1, "no_hours")
    # Organizers add an hour for Ghana; a cancelled coaching uses none.
    more = schedule.model_copy(update={
        "coaching": schedule.coaching.model_copy(update={"extra_hours": {"GH": 1}})})
    again = rules.group_coaching(more, "GH", [*booked, coaching("cancelled", cid=2)],
                                 later + timedelta(hours=2))
    assert (again.hours, again.used, again.left, rules.may_open(again)) == (2, 1, 1, None)
    assert rules.group_coaching(more, "PE", booked, NOW).state == "not_started"


def test_tally_keeps_the_latest_answer_of_current_members() -> None:
    slots = [Slot(10, 1, 1, 1, NOW), Slot(11, 1, 1, 2, NOW)]
    kofi, ama, yaw = person(1, "Kofi"), person(2, "Ama"), person(3, "Yaw")
    # Kofi first said yes to 1, then no (the store keeps his latest); a former member's answer
    # (id 9) is not counted.
    answers: dict[int, dict[int, rules.Answer]] = {10: {1: "no", 2: "yes", 9: "yes"},
                                                   11: {1: "yes"}}
    t = rules.tally(slots, answers, [kofi, ama, yaw])
    assert [([p.name for p in r.yes], [p.name for p in r.no]) for r in t.slots] == [
        (["Ama"], ["Kofi"]), (["Kofi"], [])]
    assert [p.name for p in t.unanswered] == ["Yaw"] and t.members == 3
    assert rules.my_answers(slots, answers, 1) == {10: "no", 11: "yes"}


def test_members_are_the_core_group_of_the_country() -> None:
    assert rules.is_member(person(1, "Kofi"), "GH")
    assert not rules.is_member(person(1, "Kofi"), "CI")
    assert not rules.is_member(person(2, "Wider", group="wider"), "GH")


def test_reminder_plan_follows_the_sessions_offsets(schedule: Schedule) -> None:
    start = NOW + timedelta(hours=2)
    plan = rules.reminder_plan(schedule, [coaching("booked", start, bookings=1),
                                          coaching("polling", cid=2)], NOW)
    assert [(p.job_name, p.action) for p in plan] == [
        ("coaching:1:60", "schedule"), ("coaching:1:0", "schedule")]  # 24 h before: past
    late = rules.reminder_plan(schedule, [coaching("booked", start, bookings=1)],
                               start + timedelta(minutes=10))
    assert [(p.job_name, p.action) for p in late] == [("coaching:1:0", "catch_up")]


def test_schedule_json_coaching_section(schedule: Schedule) -> None:
    assert schedule.coaching.hours("GH") == 1 and schedule.coaching.duration_minutes == 60
    data = schedule.model_dump(mode="json")
    data["coaching"] = {"extra_hours": {"XX": 1}}
    with pytest.raises(ScheduleError, match="coaching: unknown country 'XX'"):
        parse_schedule(data)
    data["coaching"] = {"part": 7}
    with pytest.raises(ScheduleError, match="coaching.part: no session is in part 7"):
        parse_schedule(data)
    data["coaching"] = {"meeting_links": {"GH": "https://meet.example.org/gh"},
                        "meeting_link": "https://meet.example.org/all"}
    parsed = parse_schedule(data).coaching
    assert (parsed.link("GH"), parsed.link("PE")) == ("https://meet.example.org/gh",
                                                       "https://meet.example.org/all")
