"""`python -m bot` as a real process against the emulator: SIGTERM in the middle of a
reminder fan-out, a start with no network, a rejected token, JSON logs."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.emulator import BotAPIEmulator
from bot.storage import Repository
from bot.storage.reminders import DeliveryKey
from tests.helpers import ROOT, database_env, fresh_database

PEOPLE = range(7001, 7301)  # 300 core members in Ghana
REMINDER = "⏰ Reminder:"


def shifted_schedule(folder: Path, session: int, start: datetime) -> Path:
    """schedule.json with every session moved so that `session` starts at `start`."""
    data = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    old = next(s for s in data["sessions"] if s["number"] == session)["start"]
    delta = start - datetime.fromisoformat(old.replace("Z", "+00:00"))
    for s in data["sessions"]:
        begins = datetime.fromisoformat(s["start"].replace("Z", "+00:00")) + delta
        s["start"] = begins.isoformat()
    path = folder / "schedule.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def env_for(emulator: BotAPIEmulator | None, **extra: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT),
           "SCHEDULE_PATH": str(ROOT / "schedule.json")}
    if emulator is not None:
        env.update(TELEGRAM_BOT_TOKEN=emulator.token, BOT_API_URL=emulator.base_url)
    return {**env, **extra}


@asynccontextmanager
async def bot_process(env: dict[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    with log.open("ab") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", env=env, cwd=log.parent, stdout=err, stderr=err)
        try:
            yield proc
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()


async def until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def stop(proc: asyncio.subprocess.Process) -> float:
    """SIGTERM; returns the seconds until the process exited (it must exit 0)."""
    began = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(proc.wait(), 15)
    assert code == 0
    return time.monotonic() - began


def reminders_to(emulator: BotAPIEmulator, uid: int) -> int:
    return sum(1 for m in emulator.messages_to(uid) if m.text.startswith(REMINDER))


async def test_sigterm_mid_fan_out_stops_within_seconds_and_the_restart_sends_the_rest_once(
    emulator: BotAPIEmulator, tmp_path: Path,
) -> None:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=59)
    database = await fresh_database(tmp_path)
    repo = await Repository.open(database)
    try:
        for uid in PEOPLE:
            await repo.participants.ensure(uid, first_name=f"Kwame{uid}", last_name=None,
                                           username=None, now=start)
            await repo.participants.update(uid, start, grp="core", country="GH", language="en",
                                           zone="Africa/Accra", onboarded=1,
                                           joined_at=start - timedelta(days=90))
    finally:
        await repo.close()
    for uid in PEOPLE:
        emulator.private_chat(emulator.user(uid).json)
    env = env_for(emulator, SCHEDULE_PATH=str(shifted_schedule(tmp_path, 3, start)),
                  SEND_RATE="20", LOG_FORMAT="json", **database_env(database))
    log = tmp_path / "bot.log"

    # The 60-minute reminder of session 3 was due a minute ago: it goes out at start.
    async with bot_process(env, log) as proc:
        await until(lambda: sum(reminders_to(emulator, u) for u in PEOPLE) >= 40, 90,
                    "the fan-out to start")
        assert await stop(proc) < 10  # hosts kill after ~30 s
    first_run = {u: reminders_to(emulator, u) for u in PEOPLE}
    assert 40 <= sum(first_run.values()) < len(PEOPLE)

    repo = await Repository.open(database)
    try:
        key = DeliveryKey("reminder", 3, start, 60)
        statuses = await repo.reminders.statuses(key)
    finally:
        await repo.close()
    assert "sending" not in statuses.values()  # the sends under way finished and were recorded
    assert {u for u, s in statuses.items() if s == "sent"} == {
        u for u, n in first_run.items() if n == 1}
    assert list(statuses.values()).count("pending") == len(PEOPLE) - sum(first_run.values())

    async with bot_process(env, log) as proc:
        await until(lambda: all(reminders_to(emulator, u) for u in PEOPLE), 90,
                    "the rest to be sent")
        await asyncio.sleep(0.5)
        await stop(proc)
    assert {reminders_to(emulator, u) for u in PEOPLE} == {1}  # everyone exactly once

    lines = log.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]  # LOG_FORMAT=json: every line is JSON
    assert any(r["message"] == "stopped" for r in records)
    info = "\n".join(r["message"] for r in records if r["level"] in ("DEBUG", "INFO"))
    assert "Kwame" not in info and "Task was destroyed" not in info
    assert emulator.token not in log.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_no_network_is_one_line_per_try_with_backoff_then_a_clean_stop(
    tmp_path: Path,
) -> None:
    port = free_port()  # nothing listens there
    env = env_for(None, TELEGRAM_BOT_TOKEN="123:abc", BOT_API_URL=f"http://127.0.0.1:{port}/bot",
                  DATABASE_PATH=str(tmp_path / "bot.sqlite3"))
    log = tmp_path / "bot.log"
    async with bot_process(env, log) as proc:
        await until(lambda: log.exists() and log.read_text().count("retrying in") >= 2, 60,
                    "two tries")
        await stop(proc)
    lines = log.read_text().splitlines()
    assert lines[0].startswith(f"cannot reach the Telegram Bot API at 127.0.0.1:{port}: ")
    assert lines[0].endswith("; retrying in 1 s") and lines[1].endswith("; retrying in 2 s")
    assert "Traceback" not in log.read_text() and "123:abc" not in log.read_text()


async def test_a_rejected_token_is_one_line_naming_the_variable(
    emulator: BotAPIEmulator, tmp_path: Path,
) -> None:
    env = env_for(emulator, TELEGRAM_BOT_TOKEN="999:wrong-token",
                  DATABASE_PATH=str(tmp_path / "bot.sqlite3"))
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert err.decode().splitlines() == [
        "error: TELEGRAM_BOT_TOKEN was rejected by the Telegram Bot API; copy the token from "
        "@BotFather again"]
    assert b"wrong-token" not in out + err
