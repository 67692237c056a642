"""Console mode: chat with the real bot in a terminal, through the Bot API emulator.

    python -m bot console [--lang es] [--user 1001] [--now 2021-03-20T12:00Z] [--db FILE]

Each line is sent as a message from that user. Lines starting with "!" drive the session:
  !press TEXT     press the inline button whose text is (or contains) TEXT
  !time ISO       move the clock (e.g. 2021-03-24T13:00Z) and run the jobs now due
  !user ID [LANG] speak as another user
  !quit           stop
No token and no network: the bot runs against the emulator on 127.0.0.1, on a SQLite file.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import load_settings
from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.jobs import fire_due


def _show(messages: list[BotMessage], out: TextIO) -> None:
    for message in messages:
        mark = "(edited) " if message.edited else ""
        print(f"bot> {mark}{message.text}", file=out)
        if message.document:
            print(f"     [document {message.document[0]}, {len(message.document[1])} bytes]",
                  file=out)
        for row in message.buttons():
            print("     " + "  ".join(f"[{text}]" for text, _data in row), file=out)


async def run_console(
    lines: TextIO, out: TextIO, *, user_id: int, lang: str, now: datetime,
    db: Path | None, schedule: Path, organizer_ids: list[int],
) -> int:
    clock = FakeClock(now)
    with tempfile.TemporaryDirectory() as folder:
        async with BotAPIEmulator() as emu:
            settings = load_settings(
                env_file=None, telegram_bot_token=emu.token, bot_api_url=emu.base_url,
                database_path=db or Path(folder) / "console.sqlite3", schedule_path=schedule,
                organizer_ids=organizer_ids,
            )
            app = setup_application(settings, clock=clock)
            async with running(app):
                user: FakeUser = emu.user(user_id, lang)
                print(f"console: user {user_id} ({lang}), now {clock.now():%Y-%m-%d %H:%M} UTC;"
                      " !quit to stop", file=out)
                for raw in lines:
                    line = raw.strip()
                    if not line:
                        continue
                    print(f"you> {line}", file=out)
                    command, _sep, rest = line.partition(" ")
                    try:
                        if command == "!quit":
                            break
                        if command == "!press":
                            _show(await user.press(rest, timeout=5), out)
                        elif command == "!time":
                            seen = len(user.messages)
                            when = datetime.fromisoformat(rest.replace("Z", "+00:00"))
                            clock.set(when if when.tzinfo else when.replace(tzinfo=UTC))
                            await fire_due(app, clock)
                            _show(user.messages[seen:], out)
                        elif command == "!user":
                            uid, _s, code = rest.partition(" ")
                            user = emu.user(int(uid), code or lang)
                        else:
                            _show(await user.send(line, timeout=5), out)
                    except AssertionError as exc:  # no reply in time, no such button
                        print(f"console: {str(exc).splitlines()[0][:200]}", file=out)
                    except ValueError as exc:
                        print(f"console: {exc}", file=out)
    return 0


def main(args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bot console", description=__doc__)
    parser.add_argument("--user", type=int, default=1001)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--now", default="2021-03-20T12:00:00+00:00")
    parser.add_argument("--db", type=Path)
    parser.add_argument("--schedule", type=Path, default=Path("schedule.json"))
    parser.add_argument("--organizer", type=int, action="append", default=[])
    ns = parser.parse_args(args)
    now = datetime.fromisoformat(ns.now.replace("Z", "+00:00"))
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return asyncio.run(run_console(
        sys.stdin, sys.stdout, user_id=ns.user, lang=ns.lang, now=now, db=ns.db,
        schedule=ns.schedule, organizer_ids=ns.organizer,
    ))
