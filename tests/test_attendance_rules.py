"""Attendance rules as plain functions: window, lateness, throttling, progress, packing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.attendance import rules as attendance
from bot.attendance.texts import pack
from bot.membership import Member
from bot.schedule import Schedule
from bot.storage.attendance import Record


def at(hour: int, minute: int = 0, day: int = 24, month: int = 3) -> datetime:
    return datetime(2021, month, day, hour, minute, tzinfo=UTC)


def test_window_and_lateness(schedule: Schedule) -> None:
    s3 = schedule.session(3)
    assert s3 is not None
    rules = schedule.checkin
    assert attendance.window(s3, rules) == (at(13, 45), at(17))
    assert attendance.window_state(s3, rules, at(13, 44)) == "early"
    assert attendance.window_state(s3, rules, at(13, 45)) == "open"
    assert attendance.window_state(s3, rules, at(16, 59)) == "open"
    assert attendance.window_state(s3, rules, at(17)) == "closed"
    assert attendance.status_at(s3, rules, at(14, 15)) == "present"
    assert attendance.status_at(s3, rules, at(14, 15) + timedelta(seconds=1)) == "late"


def member(group: str | None, joined: datetime | None = None) -> Member:
    return Member(1, group, "PE", "participant", frozenset(), joined)  # type: ignore[arg-type]


CORE, WIDER, NOBODY = member("core"), member("wider"), member(None)


def test_open_and_next_session_follow_the_group(schedule: Schedule) -> None:
    # 5 May is a core-only session: the wider group's next check-in is 17 June.
    now = at(14, 0, day=5, month=5)
    assert attendance.open_session(schedule, CORE, now).number == 5  # type: ignore[union-attr]
    assert attendance.open_session(schedule, NOBODY, now) is None  # not in the program
    assert attendance.open_session(schedule, WIDER, now) is None
    assert attendance.next_opening(schedule, WIDER, now).number == 6  # type: ignore[union-attr]
    assert attendance.next_opening(schedule, CORE, at(18, day=6, month=10)) is None


def test_wrong_code_throttle() -> None:
    now = at(14)
    four = [now - timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert attendance.locked_until(four, now) is None
    five = [*four, now - timedelta(minutes=9)]
    assert attendance.locked_until(five, now) == now + timedelta(minutes=1)
    old = [*four, now - timedelta(minutes=11)]
    assert attendance.locked_until(old, now) is None


def test_codes() -> None:
    code = attendance.generate_code()
    assert len(code) == 4 and code.isdigit()
    assert attendance.code_matches("AB12", " ab 12 ")
    assert not attendance.code_matches("AB12", "AB13")
    assert attendance.valid_code("X7Q") and not attendance.valid_code("12")
    assert not attendance.valid_code("ÑÑÑÑ")


def _record(n: int, status: str) -> Record:
    return Record(1, n, status, None, None, None, at(14))


def test_progress_and_certificate(schedule: Schedule) -> None:
    assert attendance.needed(11, 80) == 9 and attendance.needed(5, 80) == 4
    assert attendance.needed(10, 80) == 8
    now = at(18, day=17, month=6)  # session 6 is over
    wider = attendance.progress(
        schedule, WIDER, [_record(6, "late"), _record(2, "present")], now
    )
    assert wider.total == 5 and wider.attended == 1 and wider.remaining == 4
    assert wider.reachable and not wider.eligible and wider.needed == 4
    assert [c for _, c in wider.cells] == ["late", "upcoming", "upcoming", "upcoming",
                                            "upcoming"]
    core = attendance.progress(schedule, CORE, [_record(0, "present")], now)
    assert core.total == 11 and core.attended == 1 and not core.reachable
    assert core.percent == 9.1
    done = attendance.progress(
        schedule, WIDER, [_record(n, "present") for n in (6, 7, 8, 9)], at(18, 6, 10)
    )
    assert done.eligible and done.percent == 80.0 and done.standing == "reached"


def test_late_joiners_are_not_told_they_failed(schedule: Schedule) -> None:
    """A core member who joins after session 2: sessions 0-2 are "before you joined", not
    absent; the certificate needs facilitators to record some of them, it is not lost."""
    joined = at(12, day=1, month=3)  # after session 2 (17 February)
    late = member("core", joined)
    now = at(12, day=2, month=3)
    p = attendance.progress(schedule, late, [], now)
    assert [c for _, c in p.cells][:4] == ["before_joined"] * 3 + ["upcoming"]
    assert p.total == 11 and p.needed == 9 and p.remaining == 8 and p.before == 3
    assert not p.reachable and p.standing == "needs_records"
    recorded = attendance.progress(schedule, late, [_record(1, "present")], now)
    assert recorded.attended == 1 and recorded.standing == "reachable"
    on_time = attendance.progress(schedule, CORE, [], now)
    assert [c for _, c in on_time.cells][:3] == ["absent"] * 3
    assert on_time.standing == "out_of_reach"


def test_pack_splits_on_lines_under_the_limit() -> None:
    blocks = ["head", "\n".join(f"line {i:03d}" for i in range(100)), "tail"]
    messages = pack(blocks, limit=200)
    assert all(len(m) <= 200 for m in messages)
    joined = "\n".join(messages)
    assert all(f"line {i:03d}" in joined for i in range(100))
    assert messages[0].startswith("head") and messages[-1].endswith("tail")
