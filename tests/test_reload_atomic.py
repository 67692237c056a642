"""/reload never half-applies: a bad file is refused in one line, and a schedule whose jobs
cannot be built leaves the old schedule and the old jobs exactly as they were."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.emulator import BotAPIEmulator
from bot.schedule import Schedule
from bot.services import Services
from tests.helpers import ORGANIZER_ID, ROOT


def jobs_now(svc: Services) -> list[tuple[str, Any]]:
    assert svc.app.job_queue is not None
    return sorted((j.id, j.next_run_time) for j in svc.app.job_queue.scheduler.get_jobs())


def program() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    return data


def session_3(data: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in data["sessions"] if s["number"] == 3)


def far_future(data: dict[str, Any]) -> None:
    session_3(data)["start"] = "9999-12-31T23:00:00Z"


def endless(data: dict[str, Any]) -> None:
    session_3(data)["duration_minutes"] = 10**30


def huge_offset(data: dict[str, Any]) -> None:
    data["reminders"]["offsets_minutes"] = [10**12, 60, 0]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (far_future, "sessions[3].start: must be between 2000 and 2100"),
        (endless, "sessions[3].duration_minutes: a session lasts at most 24 hours"),
        (huge_offset, "reminders.offsets_minutes: offsets must be at most 43200 minutes"),
        ('{"program": "Côte d\'Ivoire"}'.encode("latin-1"), "not UTF-8 text (byte 14)"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
async def test_a_bad_file_is_refused_in_one_line_and_nothing_changes(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path, content: object, problem: str
) -> None:
    path = tmp_path / "schedule.json"
    if callable(content):
        data = program()
        content(data)
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        assert isinstance(content, bytes)
        path.write_bytes(content)
    bot.settings.schedule_path = path
    schedule, jobs = bot.schedule, jobs_now(bot)
    organizer = emulator.user(ORGANIZER_ID, "en")
    (reply,) = await organizer.send("/reload")
    assert reply.text.startswith(f"The schedule was not reloaded: {path}: {problem}")
    assert "\n" not in reply.text
    assert bot.schedule is schedule and jobs_now(bot) == jobs


async def test_jobs_that_cannot_be_built_leave_the_old_schedule_and_jobs(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    data = program()
    session_3(data)["start"] = "2021-03-25T14:00:00Z"  # a day later: new reminder times
    path = tmp_path / "schedule.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    bot.settings.schedule_path = path

    async def breaks(app: Application) -> None:  # a builder that fails after others ran
        raise RuntimeError("cannot plan this")

    bot.job_builders.append(breaks)
    schedule, jobs = bot.schedule, jobs_now(bot)
    organizer = emulator.user(ORGANIZER_ID, "en")
    (reply,) = await organizer.send("/reload")
    assert reply.text == ("The schedule was not reloaded: its jobs could not be built "
                          "(RuntimeError: cannot plan this)")
    assert bot.schedule is schedule and jobs_now(bot) == jobs

    bot.job_builders.remove(breaks)
    (reply,) = await organizer.send("/reload")
    assert reply.text.splitlines() == [
        "Schedule reloaded: 11 sessions. Reminders were rebuilt.",
        "📅 Session 3 moved: Mar 24, 2021, 14:00 → Mar 25, 2021, 14:00 (UTC)",
        "Nobody needs to be told now.",
    ]
    moved = {j.id: j.next_run_time for j in bot.app.job_queue.scheduler.get_jobs()}  # type: ignore[union-attr]
    assert "reminder:3:0" in moved and jobs_now(bot) != jobs
    session = bot.schedule.session(3)
    assert session is not None and session.start == datetime(2021, 3, 25, 14, tzinfo=UTC)


async def test_zone_labels_follow_a_new_schedule_at_once(bot: Services) -> None:
    """The labels derived from schedule.json are never served from an earlier schedule."""
    assert bot.viewer_for("en", "America/Lima").zone_name() == "Peru time"
    data = bot.schedule.model_dump(mode="json", by_alias=True)
    for country in data["countries"]:
        if country["code"] == "PE":
            country["time_label"]["en"] = "Lima time"
    await bot.install(Schedule.model_validate(data))
    assert bot.viewer_for("en", "America/Lima").zone_name() == "Lima time"
