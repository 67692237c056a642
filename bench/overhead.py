"""Benchmark 2, framework overhead: CPU per handled /next, this bot against a bare ptb bot.

    python bench/overhead.py [--people 200] [--rounds 10]

Both run at the same time as their own process, each against its own emulator in this
process (no limits there). This bot runs with SEND_RATE=1000 and SEND_CHAT_INTERVAL=0: every
reply still passes its outbound limiter and update processor, but neither waits for
Telegram's pace, so both bots work flat out (idle gaps between paced sends would add
cold-cache costs that are not framework overhead). --people onboarded people (all six
countries and languages, wider group) each send /next --rounds times: a round is everyone
once, all at once, then every answer; both bots get their rounds at the same moments, so
both see the same machine, and a first round warms up and is not counted. The bare bot
(bench/bare_bot.py) answers a fixed HTML text: this bot's own /next answer, in English.

Then the same like for like at Telegram's pace: this bot with its real limits (SEND_RATE=30,
SEND_CHAT_INTERVAL=1) against the bare bot paced by ptb's own AIORateLimiter at 30/s (pacing
has a CPU cost of its own, so the comparison paces both the same way).

Printed: CPU seconds (user + system, from /proc) per command for each, and the ratios
(target <= 1.3).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    BotProcess,
    Row,
    open_chats,
    print_table,
    row,
    seed_people,
    shifted_schedule,
    until,
)
from bot.emulator import BotAPIEmulator  # noqa: E402
from bot.i18n import I18n  # noqa: E402
from bot.membership import session_for_group  # noqa: E402
from bot.schedule import load_schedule  # noqa: E402
from bot.sessions.texts import next_text  # noqa: E402
from bot.viewer import Viewer  # noqa: E402

NAME = "2 overhead"
COUNTRIES = ("GH", "CI", "CO", "PE", "BR", "DO")


def _replies(emu: BotAPIEmulator) -> int:
    return sum(1 for _t, name, _c in emu.timeline if name == "sendMessage")


async def _round(emu: BotAPIEmulator, people: list[int]) -> None:
    """Everyone sends /next at once; wait until every one is answered."""
    target = _replies(emu) + len(people)
    for uid in people:
        emu.user(uid, "en", first_name=f"P{uid}").send_nowait("/next")
    if not await until(lambda: _replies(emu) >= target, 120, emu, step=0.2):
        raise RuntimeError("answers missing")


async def _compare(people: int, rounds: int, bare_env: dict[str, object],
                   bot_env: dict[str, object]) -> dict[str, float]:
    """CPU seconds per /next of the bare bot and of this bot, run side by side."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        # The program shifted so that session 3 is two days away (the system clock rules).
        schedule_path = shifted_schedule(folder, 3, datetime.now(UTC) + timedelta(days=2))
        ids = list(range(100_000, 100_000 + people))
        schedule = load_schedule(schedule_path)
        wider = [s for s in schedule.sessions if session_for_group(s, "wider")]
        session = schedule.next_session(datetime.now(UTC), wider)
        view = Viewer(I18n().get("en"), "en", "Africa/Accra")
        text = next_text(view, schedule, session, datetime.now(UTC), join=True)
        for kind in ("bare", "bot"):
            await seed_people(folder / f"{kind}.sqlite3",
                              [(u, COUNTRIES[u % 6], "wider") for u in ids])
        async with BotAPIEmulator() as bare_emu, BotAPIEmulator() as bot_emu:
            emus = {"bare": bare_emu, "bot": bot_emu}
            for emu in emus.values():
                open_chats(emu, ids)
            bots = {
                "bare": BotProcess(bare_emu, folder, folder / "bare.sqlite3",
                                   args=[str(ROOT / "bench" / "bare_bot.py")], bare_text=text,
                                   **bare_env),
                "bot": BotProcess(bot_emu, folder, folder / "bot.sqlite3", schedule=schedule_path,
                                  **bot_env),
            }
            try:
                for bot in bots.values():
                    await bot.start()
                await asyncio.gather(*(_round(emu, ids) for emu in emus.values()))  # warm-up
                before = {kind: bot.cpu() for kind, bot in bots.items()}
                for _ in range(rounds):  # both at once: both see the same machine
                    await asyncio.gather(*(_round(emu, ids) for emu in emus.values()))
                cpu = {kind: bot.cpu() - before[kind] for kind, bot in bots.items()}
            finally:
                for bot in bots.values():
                    await bot.stop()
    return {kind: seconds / (rounds * people) for kind, seconds in cpu.items()}


async def run(people: int = 200, rounds: int = 10, paced_rounds: int = 4) -> list[Row]:
    # Flat out: every reply passes this bot's limiter and update processor without waiting.
    flat = await _compare(people, rounds, {}, {"send_rate": 1000, "send_chat_interval": 0})
    # Like for like at Telegram's pace: this bot with its real limits (30/s, 1/s per chat)
    # against the bare bot paced by ptb's own AIORateLimiter at the same 30/s.
    paced = await _compare(people, paced_rounds, {"bare_paced": 30},
                           {"send_rate": 30, "send_chat_interval": 1})
    ratio, paced_ratio = flat["bot"] / flat["bare"], paced["bot"] / paced["bare"]
    return [
        row(NAME, "CPU per /next, bare ptb bot (ms)", 1000 * flat["bare"],
            f"{rounds * people} commands"),
        row(NAME, "CPU per /next, this bot (ms)", 1000 * flat["bot"],
            f"{rounds * people} commands"),
        row(NAME, "ratio this bot / bare", f"{ratio:.2f}", "<= 1.3", ratio <= 1.3),
        row(NAME, "paced 30/s: CPU per /next, bare + AIORateLimiter (ms)",
            1000 * paced["bare"], f"{paced_rounds * people} commands"),
        row(NAME, "paced 30/s: CPU per /next, this bot, real limits (ms)",
            1000 * paced["bot"], f"{paced_rounds * people} commands"),
        row(NAME, "paced ratio this bot / bare + AIORateLimiter", f"{paced_ratio:.2f}",
            "<= 1.3", paced_ratio <= 1.3),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=10)
    a = parser.parse_args()
    rows = asyncio.run(run(a.people, a.rounds))
    print_table(rows)
    sys.exit(0 if all(r.ok is not False for r in rows) else 1)
