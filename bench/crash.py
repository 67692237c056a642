"""Benchmark 5, crash: kill -9 of the real bot in the middle of a fan-out, then a restart.

    python bench/crash.py [--people 600] [--rate 30]

Twice, each time with a fresh database and the emulator in this process enforcing --rate
msg/s: the real bot (`python -m bot`, BOT_API_URL at the emulator) sends a broadcast to
--people people (through the /broadcast flow), or the 1-hour reminder of a session to as many
(its program shifted so the reminder is due a moment after start). Once about half have it,
the process gets SIGKILL; the rows left "sending" at that moment are counted (the requests in
flight); then the bot is started again on the same database and runs the rest.

Reported per fan-out: people who got it exactly once, people who never got it (and how many
of them the bot reports "unknown": cut off in flight, not resent), people who got it twice.
Target: nobody twice, and nobody missing beyond those reported unknown.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ORGANIZER,
    BotProcess,
    Row,
    open_chats,
    print_table,
    query,
    row,
    seed_people,
    shifted_schedule,
    until,
)
from bot.emulator import BotAPIEmulator  # noqa: E402

NAME = "5 crash"
SESSION = 6  # open to everyone: the wider group gets its reminders and no goal nudges
REMINDER_TEXT = "⏰"


async def _broadcast(emu: BotAPIEmulator) -> None:
    organizer = emu.user(ORGANIZER, "en")
    await organizer.send("/broadcast", timeout=30)
    await organizer.press("Continue", timeout=30)
    await organizer.send("Crash test broadcast", expect=3, timeout=30)
    await organizer.press("Send now", expect=0, timeout=30)


async def _scenario(kind: str, people: int, rate: float) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bot.sqlite3"
        ids = list(range(100_000, 100_000 + people))
        # The reminder 1 hour before session 6 is due 4 s after the first start (within the
        # 30-minute grace at the restart); for the broadcast, session 6 is weeks away.
        lead = timedelta(hours=1, seconds=4) if kind == "reminder" else timedelta(days=20)
        schedule = shifted_schedule(folder, SESSION, datetime.now(UTC) + lead)
        await seed_people(db, [(u, "GH", "wider") for u in ids])
        wanted = set(ids)
        async with BotAPIEmulator() as emu:
            emu.set_rate_limits(per_second=rate, per_chat_per_second=1)
            open_chats(emu, [ORGANIZER, *ids])

            def got(uid: int) -> int:
                return sum(1 for m in emu.messages_to(uid) if kind == "broadcast"
                           or m.text.startswith(REMINDER_TEXT))

            def delivered() -> int:
                return sum(1 for _t, chat in emu.deliveries if chat in wanted)

            first = BotProcess(emu, folder, db, schedule=schedule, send_rate=rate)
            await first.start()
            if kind == "broadcast":
                await _broadcast(emu)
            await until(lambda: delivered() >= people // 2, people / rate * 3 + 60, emu, 0.01)
            first.kill()
            await first.stop()  # reaps the killed process
            table = "broadcast_recipients" if kind == "broadcast" else "deliveries"
            in_flight = query(db, f"SELECT COUNT(*) FROM {table} WHERE status = 'sending'")[0][0]
            at_kill = delivered()
            second = BotProcess(emu, folder, db, schedule=schedule, send_rate=rate)
            await second.start()
            try:
                done: Callable[[], bool] = lambda: not query(  # noqa: E731
                    db, f"SELECT COUNT(*) FROM {table} WHERE status IN ('pending', 'sending')"
                )[0][0]
                await until(done, people / rate * 3 + 60, emu, 0.5)
                await asyncio.sleep(1)
            finally:
                await second.stop()
            counts = {uid: got(uid) for uid in ids}
            status = dict(query(db, f"SELECT {'user_id' if kind == 'broadcast' else 'chat_id'}"
                                    f", status FROM {table}"))
    missing = [uid for uid, n in counts.items() if n == 0]
    return {
        "at_kill": at_kill, "in_flight": in_flight,
        "once": sum(1 for n in counts.values() if n == 1),
        "twice": sum(1 for n in counts.values() if n > 1),
        "missing": len(missing),
        "missing_unknown": sum(1 for uid in missing if status.get(uid) == "unknown"),
        "unknown": sum(1 for s in status.values() if s == "unknown"),
    }


async def run(people: int = 600, rate: float = 30.0) -> list[Row]:
    rows: list[Row] = []
    for kind in ("broadcast", "reminder"):
        r = await _scenario(kind, people, rate)
        lost = r["missing"] - r["missing_unknown"]
        rows += [
            row(NAME, f"{kind}: killed after / rows 'sending' at the kill",
                f"{r['at_kill']} delivered / {r['in_flight']}"),
            row(NAME, f"{kind}: received exactly once", f"{r['once']} of {people}"),
            row(NAME, f"{kind}: never received (reported unknown)",
                f"{r['missing']} ({r['missing_unknown']}); unknown in all: {r['unknown']}",
                "0 beyond unknown", lost == 0),
            row(NAME, f"{kind}: received twice", r["twice"], "0", r["twice"] == 0),
        ]
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=600)
    parser.add_argument("--rate", type=float, default=30.0)
    a = parser.parse_args()
    result = asyncio.run(run(a.people, a.rate))
    print_table(result)
    sys.exit(0 if all(r.ok is not False for r in result) else 1)
