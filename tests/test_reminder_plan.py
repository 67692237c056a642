"""Pure reminder planning: which jobs exist, catch-up within grace, drops, audiences, moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.membership import Member, in_audience
from bot.reminders.rules import moved_sessions, plan, still_sendable
from bot.schedule import Schedule


def _actions(schedule: Schedule, now: datetime, number: int) -> dict[int, str]:
    return {p.offset: p.action for p in plan(schedule, now) if p.session.number == number}


def test_future_reminders_are_scheduled_one_job_per_session_and_offset(
    schedule: Schedule,
) -> None:
    planned = plan(schedule, datetime(2021, 1, 1, tzinfo=UTC))
    assert len(planned) == 11 * 3
    assert {p.action for p in planned} == {"schedule"}
    assert len({p.job_name for p in planned}) == 33


def test_catch_up_within_grace_and_drop_after(schedule: Schedule) -> None:
    start = schedule.session(3).start
    # 20 minutes after the 1-hour reminder was due: still sent.
    assert _actions(schedule, start - timedelta(minutes=40), 3) == {
        1440: "drop", 60: "catch_up", 0: "schedule"}
    # 31 minutes late: dropped.
    assert _actions(schedule, start - timedelta(minutes=29), 3)[60] == "drop"
    # the "starting now" reminder, 30 minutes into the session: still sent.
    assert _actions(schedule, start + timedelta(minutes=30), 3)[0] == "catch_up"
    # long ago: nothing to log
    assert _actions(schedule, datetime(2021, 12, 1, tzinfo=UTC), 3)[0] == "past"


def test_never_after_the_session_ended(schedule: Schedule) -> None:
    session = schedule.session(10)  # 90 minutes
    short = session.model_copy(update={"duration_minutes": 20})
    assert not still_sendable(short, short.start, short.start + timedelta(minutes=25),
                              timedelta(minutes=30))
    assert still_sendable(session, session.start, session.start + timedelta(minutes=25),
                          timedelta(minutes=30))


def _member(group: str | None, role: str = "participant") -> Member:
    return Member(1, group, "PE", role, None, None)  # type: ignore[arg-type]


def test_audiences(schedule: Schedule) -> None:
    core_only, open_to_all = schedule.session(3), schedule.session(7)
    assert core_only is not None and open_to_all is not None
    core, wider, nobody = _member("core"), _member("wider"), _member(None)
    assert in_audience(core_only, core) and in_audience(open_to_all, core)
    assert not in_audience(core_only, wider) and in_audience(open_to_all, wider)
    assert not in_audience(core_only, nobody) and not in_audience(open_to_all, nobody)
    assert in_audience(core_only, _member(None, "facilitator"))


def test_moved_sessions(schedule: Schedule) -> None:
    now = datetime(2021, 3, 1, tzinfo=UTC)
    known = {s.number: s.start for s in schedule.sessions}
    assert moved_sessions(known, schedule, now) == []
    known[4] = known[4] - timedelta(days=7)
    known[1] = known[1] - timedelta(days=1)  # in the past: nobody is told
    assert [s.number for s in moved_sessions(known, schedule, now)] == [4]
