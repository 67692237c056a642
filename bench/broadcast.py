"""Benchmark: one broadcast to many people through the emulator, Telegram's limits enforced.

Run by hand (not in CI), from the repository root:

    python bench/broadcast.py                 # 3000 people at the real 30 msg/s (~100 s)
    python bench/broadcast.py --users 600 --rate 30

The emulator answers 429 like Telegram when more than --rate messages/s arrive (bucket of one
second's worth, 1/s per chat). The bot runs for real (long polling, SQLite file, the shared
Sender at SEND_RATE = --rate); a facilitator composes the broadcast through the /broadcast
flow. Printed: the sustained rate at the emulator (first to last delivery), the share of the
limit it reaches (target >= 95 %), 429 answers, and the bot's own report.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Row, print_table, row  # noqa: E402
from bot.app import running, setup_application  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.emulator import BotAPIEmulator  # noqa: E402
from bot.services import get_services  # noqa: E402

ORGANIZER = 900
FIRST = 100_000
NAME = "6 broadcast"


async def run(users: int = 3000, rate: float = 30.0) -> list[Row]:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        async with BotAPIEmulator() as emu:
            emu.set_rate_limits(per_second=rate, per_chat_per_second=1)
            settings = load_settings(
                env_file=None,
                telegram_bot_token=emu.token,
                bot_api_url=emu.base_url,
                database_path=Path(tmp) / "bench.sqlite3",
                schedule_path=ROOT / "schedule.json",
                organizer_ids=[ORGANIZER],
                send_rate=rate,
            )
            clock = FakeClock(datetime(2021, 3, 20, 12, 0, tzinfo=UTC))
            app = setup_application(settings, clock=clock)
            async with running(app):
                svc = get_services(app)
                now = clock.now().isoformat()
                ids = list(range(FIRST, FIRST + users))
                async with svc.repo.db.transaction() as db:
                    await db.write_many(
                        "INSERT INTO participants (user_id, language, country, zone, grp, "
                        "first_name, onboarded, active, created_at, updated_at) "
                        "VALUES (?, 'en', 'GH', 'Africa/Accra', 'core', 'P', 1, 1, ?, ?)",
                        [(uid, now, now) for uid in ids],
                    )
                for uid in ids:
                    emu.private_chat(emu.user(uid).json)
                facilitator = emu.user(ORGANIZER, "en")
                await facilitator.send("/broadcast")
                await facilitator.press("Continue")
                await facilitator.send("<b>Benchmark</b> broadcast", html=True, expect=3)
                began = time.monotonic()
                await facilitator.press("Send now")
                await get_services(app).join()
                elapsed = time.monotonic() - began
                report = await svc.repo.broadcasts.report(1)
            wanted = set(ids)
            stamps = sorted(t for t, chat in emu.deliveries if chat in wanted)
            per_chat = [len(emu.messages_to(uid)) for uid in ids]
    span = stamps[-1] - stamps[0] if len(stamps) > 1 else 0.0
    sustained = (len(stamps) - 1) / span if span else 0.0
    once = sum(1 for n in per_chat if n == 1)
    return [
        row(NAME, f"{users} people at {rate:g} msg/s: sustained rate",
            f"{sustained:.2f} msg/s = {100 * sustained / rate:.1f} %", ">= 95 %",
            sustained >= 0.95 * rate),
        row(NAME, "delivered exactly once / report",
            f"{once} of {users} / sent {report['sent']}, failed {report['failed']}, "
            f"unknown {report['unknown']}", "all", once == users),
        row(NAME, "429 answers / press to report (s)",
            f"{emu.flood_errors} / {elapsed:.1f}", "0", emu.flood_errors == 0),
    ]


async def main(users: int, rate: float) -> int:
    rows = await run(users, rate)
    print_table(rows)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=30.0)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.users, args.rate)))
