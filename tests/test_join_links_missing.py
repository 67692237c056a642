"""Join links never silently missing (issue 25, item 4): `check` and /status warn about sessions
without one, /help and the .ics promise no link that does not exist, and a reminder without a
link says how to get it (the program's contact)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from icalendar import Calendar

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.jobs import fire_due
from bot.services import Services
from bot.storage import Repository
from bot.storage.program import ProgramChange
from tests.helpers import ORGANIZER_ID, ROOT, as_core, onboard

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)
ZOOM = "https://zoom.us/j/777"
CONTACT = "Write to Catalina von Hildebrand (Alisos): catalina.vonhildebrand@alisos.net."


def check(database: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TELEGRAM_BOT_TOKEN": "1:a",
             "SCHEDULE_PATH": str(ROOT / "schedule.json"), "DATABASE_PATH": str(database)},
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )


def test_check_warns_about_sessions_without_a_link_unless_the_chat_set_one(
    tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    result = check(database)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"warning: {ROOT / 'schedule.json'}: no join link for sessions 0, 1, 2, 3, 4, 5, 6, 7, "
        "8, 9, 10: set meeting.link (or a session's meeting_link), or /joinlink in the chat; "
        "until then reminders tell people to ask the program contact"]
    assert not database.exists()  # check creates no database

    async def set_link() -> None:
        repo = await Repository.open(database)
        try:
            await repo.program.put(ProgramChange("program_link", "", link=ZOOM), ORGANIZER_ID,
                                   datetime(2021, 3, 1, tzinfo=UTC))
            await repo.program.put(ProgramChange("session_link", "42", link=ZOOM), ORGANIZER_ID,
                                   datetime(2021, 3, 1, tzinfo=UTC))
        finally:
            await repo.close()

    asyncio.run(set_link())
    result = check(database)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"warning: {ROOT / 'schedule.json'}: the change made in the chat to session_link 42 is "
        "not applied: session 42 is no longer in schedule.json"]


async def test_status_help_reminders_and_calendar_without_a_link(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    ama = emulator.user(301, "en")
    await onboard(ama, "English", "Ghana")
    await as_core(bot, ama)
    (status,) = await organizer.send("/status")
    assert ("⚠️ No join link for sessions 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10: /joinlink sets one."
            in status.text.splitlines())
    (help_,) = await ama.send("/help")
    assert "/calendar: all your sessions as a calendar file\n" in help_.text
    assert "join links" not in help_.text
    (cal,) = await ama.send("/calendar")
    assert cal.document is not None
    s3 = next(e for e in Calendar.from_ical(cal.document[1]).walk("VEVENT")
              if str(e["uid"]).startswith("session-3@"))
    assert "url" not in s3 and "location" not in s3
    assert f"The join link has not been shared yet. {CONTACT}" in str(s3["description"])
    mark = len(ama.messages)
    for when in (S3 - timedelta(hours=1), S3):
        clock.set(when)
        await fire_due(bot.app, clock)
    hour, now = [m for m in ama.messages[mark:] if m.text.startswith(("⏰", "🔔"))]
    for reminder in (hour, now):
        assert f"🔗 The join link has not been shared yet. {CONTACT}" in reminder.text
    assert now.buttons() == [[("✅ Check in", "ci:3:301")]]

    # Once the link is set, no warning and /help promises the links again.
    await organizer.send(f"/joinlink {ZOOM}")
    (status,) = await organizer.send("/status")
    assert "No join link" not in status.text
    (help_,) = await ama.send("/help")
    assert "/calendar: all your sessions as a calendar file, with the join links" in help_.text
