"""Benchmark 4, size: a whole program's worth of data, 10 000 participants x 11 sessions.

    python bench/size.py [--people 10000]

The database gets --people onboarded core members (all six countries) and their attendance
for the 11 sessions of schedule.json (about 85 % present, 5 % late, the rest absent), all in
the past. Then, with the real bot as its own process (`python -m bot`): start-up time from
spawning the process to its first getUpdates; its resident memory once up and at its peak
after the commands below; an organizer's /people, /people GH and /attendance 3, timed from
the command to the first message of the answer (the rendering; long lists are then paged
out at Telegram's per-chat pace); and `python -m bot export attendance` to CSV and XLSX
from the shell (wall time, interpreter start included), plus /export in the chat.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ORGANIZER,
    ROOT,
    Answers,
    BotProcess,
    Row,
    open_chats,
    print_table,
    row,
    seed_people,
    until,
)
from bot.emulator import BotAPIEmulator  # noqa: E402
from bot.schedule import load_schedule  # noqa: E402
from bot.storage import Repository  # noqa: E402

NAME = "4 size"
ORGANIZER_2 = ORGANIZER + 1
COUNTRIES = ("GH", "CI", "CO", "PE", "BR", "DO")


async def _attendance(db: Path, ids: list[int]) -> int:
    schedule = load_schedule(ROOT / "schedule.json")
    rows = []
    for uid in ids:
        for s in schedule.sessions:
            roll = (uid * 7 + s.number * 13) % 100
            if roll >= 90:
                continue  # absent: no row
            status = "late" if roll >= 85 else "present"
            at = (s.start + timedelta(minutes=20 if status == "late" else 2)).isoformat()
            rows.append((uid, s.number, status, at, status, "button", at))
    repo = await Repository.open(db)
    try:
        await repo.db.write_many(
            "INSERT INTO attendance (user_id, session_number, status, checked_in_at, "
            "checkin_status, method, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    finally:
        await repo.close()
    return len(rows)


async def _first_answer(emu: BotAPIEmulator, text: str, expect: str = "sendMessage",
                        timeout: float = 120, user: int = ORGANIZER) -> float:  # fmt: skip
    """Seconds from an organizer's command to the first `expect` call in their chat."""
    sent = time.monotonic()
    emu.user(user, "en").send_nowait(text)
    await until(lambda: Answers(emu, (expect,)).first_after(user, sent) is not None,
                timeout, emu, step=0.05)
    answered = Answers(emu, (expect,)).first_after(user, sent)
    return (answered or time.monotonic()) - sent


async def _cli_export(db: Path, fmt: str, folder: Path) -> float:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "1:x", "DATABASE_PATH": str(db),
           "SCHEDULE_PATH": str(ROOT / "schedule.json"), "ORGANIZER_IDS": str(ORGANIZER),
           "PYTHONPATH": str(ROOT)}
    began = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "export", "attendance", "--format", fmt,
        "--output", str(folder / f"attendance.{fmt}"), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    if await proc.wait() != 0:
        raise RuntimeError(f"export {fmt} failed")
    return time.monotonic() - began


async def run(people: int = 10_000) -> list[Row]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bot.sqlite3"
        ids = list(range(100_000, 100_000 + people))
        await seed_people(db, [(u, COUNTRIES[u % 6], "core") for u in ids])
        records = await _attendance(db, ids)
        async with BotAPIEmulator() as emu:
            open_chats(emu, [ORGANIZER, ORGANIZER_2])
            bot = BotProcess(emu, folder, db, organizer_ids=f"{ORGANIZER},{ORGANIZER_2}")
            startup = await bot.start()
            try:
                await asyncio.sleep(1)  # jobs built at start have run
                rss_up, _peak = bot.memory()
                await _first_answer(emu, "/start")  # the organizer is known from here on
                timings = {cmd: await _first_answer(emu, cmd)
                           for cmd in ("/people", "/people GH", "/attendance 3")}
                _rss, peak_commands = bot.memory()
                # The pages above go out at Telegram's per-chat pace (1/s); the documents of
                # /export would queue behind them in the same chat, so time it from another.
                await _first_answer(emu, "/start", user=ORGANIZER_2)
                timings["/export"] = await _first_answer(emu, "/export", "sendDocument", 300,
                                                         user=ORGANIZER_2)
                await asyncio.sleep(1)
                _rss, peak = bot.memory()
            finally:
                await bot.stop()
        csv_s = await _cli_export(db, "csv", folder)
        xlsx_s = await _cli_export(db, "xlsx", folder)
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    return [
        row(NAME, "data", f"{people} people, {records} check-ins ({when})"),
        row(NAME, "start-up to polling (s)", startup, "< 3", startup < 3),
        row(NAME, "resident memory: up / after the commands (MB)",
            f"{rss_up:.0f} / {peak_commands:.0f}", "< 150", peak_commands < 150),
        row(NAME, "resident memory: peak with /export (MB)", f"{peak:.0f}", "< 150",
            peak < 150),
        row(NAME, "/people: first answer (s)", timings["/people"]),
        row(NAME, "/people GH: first page (s)", timings["/people GH"]),
        row(NAME, "/attendance 3: first page (s)", timings["/attendance 3"]),
        row(NAME, "export attendance CSV, shell (s)", csv_s, "< 5", csv_s < 5),
        row(NAME, "export attendance XLSX, shell (s)", xlsx_s, "< 5", xlsx_s < 5),
        row(NAME, "/export in the chat: first document (s)", timings["/export"]),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    a = parser.parse_args()
    rows = asyncio.run(run(a.people))
    print_table(rows)
    sys.exit(0 if all(r.ok is not False for r in rows) else 1)
