"""Benchmark: reminders for a large program, through the real bot and the emulator.

Run by hand (not in CI), from the repository root:

    python bench/reminders.py                       # 10 000 people, sender unthrottled
    python bench/reminders.py --users 2000 --rate 30

Measures, for N core participants: how many scheduler jobs exist (one per session and offset,
whatever N), how long one fire spends choosing recipients and queueing their rows, and the
sustained send rate of the fan-out at the emulator. With --rate 30 (Telegram's limit) the fan-out
takes N / 30 seconds by design; the default lifts the limit to show the bot's own overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Row, print_table, row  # noqa: E402
from bot.app import running, setup_application  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.delivery.keyed import session_targets as _targets  # noqa: E402
from bot.emulator import BotAPIEmulator  # noqa: E402
from bot.jobs import fire_due  # noqa: E402
from bot.services import get_services  # noqa: E402
from bot.storage.reminders import DeliveryKey  # noqa: E402

FIRST = 100_000
S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)
NAME = "6 reminders"


async def run(users: int = 10_000, rate: float = 10_000.0) -> list[Row]:
    logging.basicConfig(level=logging.WARNING)
    clock = FakeClock(S3 - timedelta(days=2))
    with tempfile.TemporaryDirectory() as folder:
        async with BotAPIEmulator() as emu:
            settings = load_settings(
                env_file=None, telegram_bot_token=emu.token, bot_api_url=emu.base_url,
                database_path=Path(folder) / "bench.sqlite3",
                schedule_path=ROOT / "schedule.json", send_rate=rate, send_chat_interval=0,
            )
            app = setup_application(settings, clock=clock)
            async with running(app):
                svc = get_services(app)
                now = clock.now()
                async with svc.repo.db.transaction() as db:
                    await db.write_many(
                        "INSERT INTO participants (user_id, language, country, zone, grp,"
                        " first_name, onboarded, created_at, updated_at)"
                        " VALUES (?, 'es', 'PE', 'America/Lima', 'core', 'P', 1, ?, ?)",
                        [(uid, now.isoformat(), now.isoformat())
                         for uid in range(FIRST, FIRST + users)],
                    )
                for uid in range(FIRST, FIRST + users):
                    emu.private_chat(emu.user(uid, "es").json)
                assert app.job_queue is not None
                jobs = [j for j in app.job_queue.jobs() if (j.name or "").startswith("reminder:")]
                session = svc.schedule.session(3)
                assert session is not None
                started = time.perf_counter()
                targets = await _targets(svc, session, 60)
                chose = time.perf_counter() - started
                started = time.perf_counter()
                await svc.repo.reminders.add_pending(
                    DeliveryKey("bench", 3, session.start, 60), targets, now
                )
                queued = time.perf_counter() - started

                clock.set(S3 - timedelta(hours=1))
                started = time.perf_counter()
                await fire_due(app, clock)
                elapsed = time.perf_counter() - started
                rows = await svc.repo.reminders.statuses(DeliveryKey("reminder", 3, S3, 60))
    sent = sum(status == "sent" for status in rows.values())
    return [
        row(NAME, f"{users} people: scheduler jobs", f"{len(jobs)}",
            "one per session and offset"),
        row(NAME, "choose recipients / queue their rows (ms)",
            f"{chose * 1000:.0f} / {queued * 1000:.0f}"),
        row(NAME, f"fan-out of the 1-hour reminder (limit {rate:g}/s)",
            f"{sent} sent in {elapsed:.1f} s = {sent / elapsed:.0f} msg/s", f"{users} sent",
            sent == users),
    ]


async def main(users: int, rate: float) -> int:
    rows = await run(users, rate)
    print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=10_000.0)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.users, args.rate)))
