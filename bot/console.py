"""Console mode: chat with the real bot in a terminal, through the Bot API emulator.

    python -m bot console [--lang es] [--user 1001] [--now 2021-03-20T12:00Z] [--db FILE]
                          [--schedule FILE] [--organizer ID] [--files DIR]

Each line is sent as a message from the active user (`/start CODE` opens an invitation link);
`\n` in a line is a line break. Lines starting with "!" drive the session (command names
ignore case):
  !press TEXT     press the inline button whose text is TEXT (exact, then contained, then
                  the same ignoring case)
  !file PATH [CAPTION]  send the file as a document (e.g. `!file roster.csv /roster`)
  !time ISO       move the clock (e.g. 2021-03-24T13:00Z) and run the jobs now due
  !user ID [LANG] [@NAME]  speak as another user (with that Telegram username)
  !quit           stop
Messages and pop-ups that reach other people than the active user (a broadcast, a correction
notice) are shown too, prefixed with the recipient. Every document and photo the bot sends is
saved into --files (a temporary folder by default) and its path printed. After each line the
console waits until the bot has finished answering (every update taken, every reply sent,
including replies paced at one per second per chat, and background work done), so a script's
output lines up with its input.

Settings are read like the bot reads them (environment, then .env): ORGANIZER_IDS,
SCHEDULE_PATH, DATABASE_PATH (a temporary database when unset), DEFAULT_LANGUAGE,
REGISTRATION...; --db, --schedule and --organizer override them. No token and no network: the
bot runs against the emulator on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from pydantic import SecretStr
from telegram.ext import Application

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.jobs import fire_due
from bot.services import get_services

SETTLE_LIMIT = 120.0  # seconds: a bot still busy after this is reported, and the script goes on


class Screen:
    """Prints what the bot did since the last look, in every chat; saves documents."""

    def __init__(self, emu: BotAPIEmulator, out: TextIO, files: Path) -> None:
        self.emu = emu
        self.out = out
        self.files = files
        self.seen_events: dict[int, int] = {}
        self.seen_answers: dict[int, int] = {}

    def mark(self) -> None:
        """Everything so far counts as shown."""
        for chat_id, chat in self.emu.chats.items():
            self.seen_events[chat_id] = len(chat.events)
        for user_id, answers in self.emu.callback_answers.items():
            self.seen_answers[user_id] = len(answers)

    def show(self, active: int) -> None:
        for chat_id, chat in list(self.emu.chats.items()):
            new = chat.events[self.seen_events.get(chat_id, 0):]
            self.seen_events[chat_id] = len(chat.events)
            for message in new:
                self._message(message, None if chat_id == active else self._who(chat.info))
        for user_id, answers in list(self.emu.callback_answers.items()):
            new_answers = answers[self.seen_answers.get(user_id, 0):]
            self.seen_answers[user_id] = len(answers)
            for answer in new_answers:
                if answer.get("text"):
                    to = "" if user_id == active else f"[to {self._user(user_id)}] "
                    print(f"bot> {to}(pop-up) {answer['text']}", file=self.out)

    def _who(self, info: dict[str, Any]) -> str:
        name = info.get("title") or info.get("first_name") or ""
        return f"{info['id']} {name}".strip()

    def _user(self, user_id: int) -> str:
        chat = self.emu.chats.get(user_id)
        return self._who(chat.info) if chat else str(user_id)

    def _message(self, message: BotMessage, recipient: str | None) -> None:
        to = f"[to {recipient}] " if recipient else ""
        mark = "(edited) " if message.edited else ""
        print(f"bot> {to}{mark}{message.text}", file=self.out)
        saved = message.document
        if saved is None and message.media == "photo" and message.file_id in self.emu.files:
            stored = self.emu.files[message.file_id]
            saved = (stored.name if "." in stored.name else "photo.png", stored.content)
        if saved is not None:
            name, content = saved
            safe = re.sub(r"[^\w.-]", "_", name) or "file"
            path = self.files / f"{message.chat_id}-{message.message_id}-{safe}"
            path.write_bytes(content)
            kind = "photo" if message.media == "photo" else "document"
            print(f"     [{kind} {name}, {len(content)} bytes: saved as {path}]", file=self.out)
        for row in message.buttons():
            print("     " + "  ".join(f"[{text}]" for text, _data in row), file=self.out)


async def press(user: FakeUser, text: str) -> None:
    """Exact or contained text first (FakeUser.press), then the same ignoring case."""
    try:
        await user.press(text, timeout=5)
        return
    except AssertionError as exc:
        if not str(exc).startswith("no button"):
            raise
    wanted = text.casefold()
    for message in reversed(user.messages):
        for row in message.buttons():
            for label, _data in row:
                if wanted in label.casefold():
                    await user.press(label, message=message, timeout=5)
                    return
    raise AssertionError(f"no button {text!r}")


async def run_console(lines: TextIO, out: TextIO, *, settings: Settings, user_id: int, lang: str,
                      now: datetime, files: Path) -> int:
    clock = FakeClock(now)
    files.mkdir(parents=True, exist_ok=True)
    async with BotAPIEmulator() as emu:
        settings = settings.model_copy(update={
            "telegram_bot_token": SecretStr(emu.token), "bot_api_url": emu.base_url,
        })
        app = setup_application(settings, clock=clock)
        async with running(app):
            screen = Screen(emu, out, files)
            user: FakeUser = emu.user(user_id, lang)
            where = "PostgreSQL (DATABASE_URL)" if settings.database_url else \
                settings.database_path
            print(f"console: user {user_id} ({lang}), now {clock.now():%Y-%m-%d %H:%M} UTC, "
                  f"database {where}, files in {files}; !quit to stop", file=out)
            screen.mark()
            for raw in lines:
                line = raw.strip()
                if not line:
                    continue
                print(f"you> {line}", file=out)
                command, _sep, rest = line.partition(" ")
                command = command.lower() if command.startswith("!") else command
                rest = rest.replace("\\n", "\n")
                try:
                    if command == "!quit":
                        break
                    elif command == "!press":
                        await press(user, rest)
                    elif command == "!file":
                        path, _s, caption = rest.partition(" ")
                        file = Path(path).expanduser()
                        user.send_document_nowait(file.name, file.read_bytes(), caption or None)
                    elif command == "!time":
                        when = datetime.fromisoformat(rest.replace("Z", "+00:00"))
                        clock.set(when if when.tzinfo else when.replace(tzinfo=UTC))
                        await fire_due(app, clock)
                    elif command == "!user":
                        user = switch_user(emu, rest, lang)
                    else:
                        user.send_nowait(line.replace("\\n", "\n"))
                except AssertionError as exc:  # no such button
                    print(f"console: {str(exc).splitlines()[0][:200]}", file=out)
                except (ValueError, OSError) as exc:
                    print(f"console: {exc}", file=out)
                if not await settle(emu, app):
                    print(f"console: the bot is still busy after {SETTLE_LIMIT:.0f}s", file=out)
                screen.show(user.id)
            await settle(emu, app)
            screen.show(user.id)
    return 0


def switch_user(emu: BotAPIEmulator, rest: str, default_lang: str) -> FakeUser:
    """`ID [LANG] [@NAME]`: that user becomes the active one (with that @username)."""
    words = rest.split()
    if not words:
        raise ValueError("!user ID [LANG] [@NAME]")
    names = [w.removeprefix("@") for w in words[1:] if w.startswith("@")]
    langs = [w for w in words[1:] if not w.startswith("@")]
    user = emu.user(int(words[0]), langs[0] if langs else default_lang)
    if langs:
        user.language_code = langs[0]
    if names:
        user.username = names[0]
        chat = emu.chats.get(user.id)
        if chat is not None:
            chat.info["username"] = names[0]
    return user


def bot_idle(emu: BotAPIEmulator, app: Application) -> bool:
    """Nothing left to answer: every update confirmed and no call of the bot open at the
    emulator; no update in the bot's queue or being handled (a handler waiting for its
    paced reply counts as handled), no background work running."""
    return (not emu.bot_busy and app.update_queue.empty()
            and app.update_processor.current_concurrent_updates == 0
            and not get_services(app).busy())


async def settle(emu: BotAPIEmulator, app: Application) -> bool:
    """Until the bot has finished answering (False: still busy after SETTLE_LIMIT)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + SETTLE_LIMIT
    while loop.time() < deadline:
        if bot_idle(emu, app):
            for _ in range(3):  # a task just made from the bot's queue starts within these
                await asyncio.sleep(0)
            if bot_idle(emu, app):
                return True
        # Woken by any call the bot makes; a handler busy without calling is looked at again.
        await emu.wait_change(0.02)
    return False


def console_settings(folder: Path, *, db: Path | None, schedule: Path | None,
                     organizers: list[int], env_file: str | None = ".env") -> Settings:
    """The bot's own settings (environment, .env), with the command line's overrides."""
    settings = load_settings(env_file=env_file, require_token=False)
    update: dict[str, Any] = {}
    if db is not None:
        update.update(database_path=db, database_url=None)
    elif "database_path" not in settings.model_fields_set and not settings.database_url:
        update["database_path"] = folder / "console.sqlite3"
    if schedule is not None:
        update["schedule_path"] = schedule
    if organizers:
        update["organizer_ids"] = [*settings.organizer_ids, *organizers]
    # The console talks to its emulator only: no webhook, no daily backups.
    update.update(webhook_url=None, backup_dir=None)
    return settings.model_copy(update=update)


def main(args: list[str]) -> int:
    import argparse

    from bot.config import SettingsError
    from bot.schedule import ScheduleError

    parser = argparse.ArgumentParser(prog="python -m bot console", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--user", type=int, default=1001, help="the first active user's id")
    parser.add_argument("--lang", default="en", help="that user's Telegram language")
    parser.add_argument("--now", default="2021-03-20T12:00:00+00:00", help="the clock's start")
    parser.add_argument("--db", type=Path, help="SQLite file (default: DATABASE_PATH, else new)")
    parser.add_argument("--schedule", type=Path, help="default: SCHEDULE_PATH or schedule.json")
    parser.add_argument("--organizer", type=int, action="append", default=[],
                        help="an organizer's user id, added to ORGANIZER_IDS (repeatable)")
    parser.add_argument("--files", type=Path, help="where documents go (default: a temp folder)")
    ns = parser.parse_args(args)
    now = datetime.fromisoformat(ns.now.replace("Z", "+00:00"))
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        try:
            settings = console_settings(Path(folder), db=ns.db, schedule=ns.schedule,
                                        organizers=ns.organizer)
        except SettingsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        files = ns.files or Path(tempfile.mkdtemp(prefix="sske-console-files-"))
        try:
            return asyncio.run(run_console(sys.stdin, sys.stdout, settings=settings,
                                           user_id=ns.user, lang=ns.lang, now=now, files=files))
        except ScheduleError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
