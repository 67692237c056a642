"""What the benchmarks share: the result table, seeding a database, a program shifted to run
now, the real bot as a child process (`python -m bot` pointed at the emulator), timings.

Every figure is a count or a ratio taken within one run, so it holds on a noisy machine.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import math
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.emulator import BotAPIEmulator  # noqa: E402
from bot.storage import Repository  # noqa: E402

ORGANIZER = 900
TICK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Row:
    bench: str
    measure: str
    value: str
    target: str = ""
    ok: bool | None = None  # None: reported, no target


def row(bench: str, measure: str, value: Any, target: str = "", ok: bool | None = None) -> Row:
    if isinstance(value, float):
        value = f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    return Row(bench, measure, str(value), target, ok)


def print_table(rows: Sequence[Row], out: Any = sys.stdout) -> None:
    head = ("benchmark", "measure", "value", "target", "ok")
    cells = [(r.bench, r.measure, r.value, r.target,
              "" if r.ok is None else ("yes" if r.ok else "NO")) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(head)]
    print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |",
          file=out)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|", file=out)
    for c in cells:
        print("| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |",
              file=out)


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# --- data ---------------------------------------------------------------------------

PERSON = ("user_id", "language", "country", "zone", "grp", "first_name", "onboarded",
          "active", "created_at", "updated_at")
ZONES = {"GH": "Africa/Accra", "CI": "Africa/Abidjan", "CO": "America/Bogota",
         "PE": "America/Lima", "BR": "America/Sao_Paulo", "DO": "America/Santo_Domingo"}
LANGS = {"GH": "en", "CI": "fr", "CO": "es", "PE": "es", "BR": "pt", "DO": "es"}


async def seed_people(db_path: Path, people: Iterable[tuple[int, str, str | None]],
                      *, reminders_off: bool = False) -> None:  # fmt: skip
    """Onboarded, active participants (user id, country, group) straight into the database
    (migrated first), in their country's language and zone."""
    now = datetime.now(UTC).isoformat()
    repo = await Repository.open(db_path)
    try:
        rows = [(uid, LANGS[c], c, ZONES[c], grp, f"P{uid}", 1, 1, now, now)
                for uid, c, grp in people]
        async with repo.db.transaction() as db:
            await db.write_many(
                f"INSERT INTO participants ({', '.join(PERSON)}) "
                f"VALUES ({', '.join('?' * len(PERSON))})", rows)
            if reminders_off:  # -1: every reminder off (bot/storage/reminders.py ALL_OFF)
                await db.write_many(
                    "INSERT INTO reminder_optouts (user_id, offset_minutes) VALUES (?, -1)",
                    [(r[0],) for r in rows])
    finally:
        await repo.close()


def open_chats(emu: BotAPIEmulator, ids: Iterable[int]) -> None:
    """These people have written to the bot (their private chats exist)."""
    for uid in ids:
        emu.private_chat(emu.user(uid, "en", first_name=f"P{uid}").json)


def query(db_path: Path, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Read the bot's database from outside (WAL: readers never block the bot)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def shifted_schedule(folder: Path, number: int, start: datetime) -> Path:
    """schedule.json with every session moved by the same amount, so session `number`
    starts at `start` (real time: the bot in its own process runs on the system clock)."""
    program = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    sessions = program["sessions"]
    old = next(s for s in sessions if s["number"] == number)["start"]
    delta = start - datetime.fromisoformat(old.replace("Z", "+00:00"))
    delta = timedelta(seconds=round(delta.total_seconds()))
    for s in sessions:
        moved = datetime.fromisoformat(s["start"].replace("Z", "+00:00")) + delta
        s["start"] = moved.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = folder / "schedule.json"
    path.write_text(json.dumps(program, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# --- the bot as a child process ------------------------------------------------------

class BotProcess:
    """`python -m bot` (or another script) pointed at the emulator through BOT_API_URL."""

    def __init__(self, emu: BotAPIEmulator, folder: Path, db_path: Path, *,
                 schedule: Path | None = None, args: Sequence[str] = ("-m", "bot"),
                 **env: object) -> None:  # fmt: skip
        self.emu = emu
        self.log_path = folder / f"bot-{time.monotonic_ns()}.log"
        self.args = list(args)
        self.env = {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": emu.token,
            "BOT_API_URL": emu.base_url,
            "DATABASE_PATH": str(db_path),
            "SCHEDULE_PATH": str(schedule or ROOT / "schedule.json"),
            "ORGANIZER_IDS": str(ORGANIZER),
            "PYTHONPATH": str(ROOT),
            **{k.upper(): str(v) for k, v in env.items()},
        }
        self.proc: asyncio.subprocess.Process | None = None
        self.spawned = 0.0

    async def start(self) -> float:
        """Spawn it; returns the seconds until it was polling (its first getUpdates)."""
        seen = len(self.emu.calls)
        self.spawned = time.monotonic()
        log = self.log_path.open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, *self.args, cwd=ROOT, env=self.env, stdout=log, stderr=log,
            stdin=asyncio.subprocess.DEVNULL)
        log.close()
        deadline = self.spawned + 60
        while not any(name == "getUpdates" for name, _ in self.emu.calls[seen:]):
            if self.proc.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the bot did not start; see {self.log_path}")
            await self.emu.wait_change(0.05)
        return time.monotonic() - self.spawned

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def cpu(self) -> float:
        """CPU seconds (user + system) the process has used so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICK

    def memory(self) -> tuple[float, float]:
        """(resident now, peak resident) in MB."""
        status = Path(f"/proc/{self.pid}/status").read_text().splitlines()
        kb = {line.split(":")[0]: int(line.split()[1]) for line in status
              if line.startswith(("VmRSS", "VmHWM"))}
        return kb["VmRSS"] / 1024, kb["VmHWM"] / 1024

    def kill(self) -> None:
        """kill -9: no clean-up of any kind."""
        assert self.proc is not None
        os.kill(self.pid, signal.SIGKILL)

    async def stop(self) -> None:
        """A graceful stop (SIGTERM, as a host's restart sends), or the kill's reaping."""
        if self.proc is None:
            return
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), 30)
        except TimeoutError:
            self.kill()
            await self.proc.wait()


async def until(predicate: Any, timeout: float, emu: BotAPIEmulator | None = None,
                step: float = 0.05) -> bool:  # fmt: skip
    """Wait for predicate() (re-checked on emulator activity, or every `step` s)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        if emu is not None:
            await emu.wait_change(min(step, left))
        else:
            await asyncio.sleep(min(step, left))
    return True


class Answers:
    """When the bot answered each chat: calls of `methods` per chat, in time order."""

    def __init__(self, emu: BotAPIEmulator, methods: Iterable[str] = ("sendMessage",)) -> None:
        wanted = set(methods)
        self.times: dict[object, list[float]] = {}
        for stamp, name, chat_id in emu.timeline:
            if name in wanted:
                self.times.setdefault(chat_id, []).append(stamp)

    def first_after(self, chat: int, since: float) -> float | None:
        times = self.times.get(chat, [])
        index = bisect.bisect_left(times, since)
        return times[index] if index < len(times) else None
