"""Benchmark 1, mixed load: a broadcast at Telegram's enforced rate while people use the bot.

    python bench/mixed.py [--recipients 3000] [--people 200] [--rate 30] [--spread 80]

The real bot runs as its own process (`python -m bot`, BOT_API_URL pointing at the emulator in
this process, which answers 429 above --rate msg/s overall and 1/s per chat). An organizer
sends a broadcast to --recipients people (Ghana, through the /broadcast flow); 3 s later
--people people send /next and as many tap the check-in button of the session running now,
spread over --spread seconds (about 5 requests a second, a busy session day).

Measured in that one run: requests answered (/next: the reply; a tap: the confirmation
message), the interactive p95 latency from the update to that answer, 429 answers, the
broadcast's rate at the emulator while interactive traffic lasts (first request to last
answer) and after it, as shares of the limit, and how many recipients got it exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ORGANIZER,
    Answers,
    BotProcess,
    Row,
    open_chats,
    percentile,
    print_table,
    query,
    row,
    seed_people,
    shifted_schedule,
    until,
)
from bot.emulator import BotAPIEmulator  # noqa: E402

NAME = "1 mixed load"
SESSION = 6  # open to everyone, so the wider group can check in


async def run(recipients: int = 3000, people: int = 200, rate: float = 30.0,
              spread: float = 80.0) -> list[Row]:  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bot.sqlite3"
        # Session 6 started 40 minutes ago: check-in is open and no reminder is due any more.
        schedule = shifted_schedule(folder, SESSION, datetime.now(UTC) - timedelta(minutes=40))
        audience = list(range(100_000, 100_000 + recipients))
        askers = list(range(200_000, 200_000 + people))
        tappers = list(range(300_000, 300_000 + people))
        await seed_people(db, [(u, "GH", "wider") for u in audience]
                          + [(u, "PE", "wider") for u in askers + tappers])
        async with BotAPIEmulator() as emu:
            emu.set_rate_limits(per_second=rate, per_chat_per_second=1)
            open_chats(emu, [ORGANIZER, *audience, *askers, *tappers])
            bot = BotProcess(emu, folder, db, schedule=schedule, send_rate=rate)
            await bot.start()
            try:
                organizer = emu.user(ORGANIZER, "en")
                await organizer.send("/broadcast", timeout=30)
                await organizer.press("Ghana", timeout=30)
                await organizer.press("Continue", timeout=30)
                await organizer.send("<b>Benchmark</b> broadcast", html=True, expect=3,
                                     timeout=30)
                await organizer.press("Send now", expect=0, timeout=30)
                await asyncio.sleep(3)
                requests = await _interactive_load(emu, askers, tappers, spread)
                wanted = set(audience)

                def finished() -> bool:
                    return any(m.text.startswith("📣 Broadcast #1: finished")
                               for m in organizer.messages)

                await until(finished, recipients / rate * 2 + 120, emu, step=0.5)
                await until(lambda: _answered(emu, requests) == len(requests), 30, emu, 0.5)
                report = dict(query(db, "SELECT status, COUNT(*) FROM broadcast_recipients "
                                        "GROUP BY status"))
            finally:
                await bot.stop()
            stamps = sorted(t for t, chat in emu.deliveries if chat in wanted)
            per_person = [len(emu.messages_to(uid)) for uid in audience]
            latencies, lost, end = _latencies(emu, requests)
            flood = emu.flood_errors
    begin = min(t for _k, _u, t in requests)
    during = [t for t in stamps if begin <= t <= end]
    after = [t for t in stamps if t > end]
    share_during = len(during) / (end - begin) / rate if end > begin else 0.0
    share_after = (len(after) / (after[-1] - end) / rate) if len(after) > 1 else float("nan")
    once = sum(1 for n in per_person if n == 1)
    p95 = percentile(latencies, 95)
    return [
        row(NAME, "interactive requests answered",
            f"{len(requests) - lost} of {len(requests)}", "all (0 lost)", lost == 0),
        row(NAME, "interactive latency p50 / p95 / max (s)",
            f"{percentile(latencies, 50):.2f} / {p95:.2f} / {max(latencies, default=0):.2f}",
            "p95 < 1.5", p95 < 1.5),
        row(NAME, "429 answers from Telegram", flood, "0", flood == 0),
        row(NAME, "broadcast rate while people interact",
            f"{100 * share_during:.1f} % of {rate:g}/s ({end - begin:.0f} s)", ">= 75 %",
            share_during >= 0.75),
        row(NAME, "broadcast rate after", f"{100 * share_after:.1f} % of {rate:g}/s",
            ">= 95 %", share_after >= 0.95),
        row(NAME, "recipients who got it exactly once", f"{once} of {recipients}",
            "all", once == recipients and report.get("sent") == recipients),
    ]


async def _interactive_load(emu: BotAPIEmulator, askers: list[int], tappers: list[int],
                            spread: float) -> list[tuple[str, int, float]]:  # fmt: skip
    """Each person acts once, at a random moment within `spread` seconds."""
    rng = random.Random(12)
    plan = [("next", u) for u in askers] + [("tap", u) for u in tappers]
    moments = sorted(rng.uniform(0, spread) for _ in plan)
    rng.shuffle(plan)
    start = time.monotonic()
    done: list[tuple[str, int, float]] = []
    for (kind, uid), at in zip(plan, moments, strict=True):
        delay = start + at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        user = emu.user(uid, "es", first_name=f"P{uid}")
        stamp = time.monotonic()
        if kind == "next":
            user.send_nowait("/next")
        else:
            user.press_data_nowait(f"ci:{SESSION}:{uid}")
        done.append((kind, uid, stamp))
    return done


def _answered(emu: BotAPIEmulator, requests: list[tuple[str, int, float]]) -> int:
    answers = Answers(emu)
    return sum(answers.first_after(uid, t) is not None for _k, uid, t in requests)


def _latencies(emu: BotAPIEmulator, requests: list[tuple[str, int, float]]
               ) -> tuple[list[float], int, float]:  # fmt: skip
    """Each request's latency, how many got no answer, and when the last answer came."""
    answers = Answers(emu)
    latencies, lost, last = [], 0, 0.0
    for _kind, uid, t in requests:
        answered = answers.first_after(uid, t)
        if answered is None:
            lost += 1
        else:
            latencies.append(answered - t)
            last = max(last, answered)
    return latencies, lost, last


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--spread", type=float, default=80.0)
    a = parser.parse_args()
    rows = asyncio.run(run(a.recipients, a.people, a.rate, a.spread))
    print_table(rows)
    sys.exit(0 if all(r.ok is not False for r in rows) else 1)
