"""Everything the emulator remembers, plus the wake-up signal all waiting uses."""

from __future__ import annotations

import asyncio
import mimetypes
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot.emulator.models import ChatState, JsonDict, StoredFile

# What Telegram delivers when allowed_updates is empty: all but these.
NOT_DEFAULT_UPDATES = {"chat_member", "message_reaction", "message_reaction_count"}


# Telegram's file_ids start differently per kind of file; kept for realism in logs.
FILE_ID_PREFIX = {"photo": "AgACAgIAAx", "video": "BAACAgIAAx", "voice": "AwACAgIAAx",
                  "audio": "CQACAgIAAx", "animation": "CgACAgIAAx"}
FOLDERS = {"photo": "photos", "video": "videos", "voice": "voice", "audio": "music",
           "animation": "animations"}


@dataclass
class Upload:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    mime_type: str


def now() -> int:
    return int(time.time())


@dataclass
class Webhook:
    """Set by setWebhook: where updates are POSTed, and the secret header they carry."""

    url: str
    secret: str
    last_error: str = ""
    last_error_date: int = 0


class EmulatorState:
    def __init__(self, token: str, bot_username: str, bot_first_name: str) -> None:
        self.token = token
        self.bot_user: JsonDict = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.calls: list[tuple[str, JsonDict]] = []
        self.chats: dict[int, ChatState] = {}
        self.updates: list[JsonDict] = []  # not yet confirmed by getUpdates offset
        self.next_update_id = 1
        self.delivered_update_id = 0  # highest update_id returned by getUpdates
        self.allowed_updates: list[str] = []
        self.webhook: Webhook | None = None
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}  # group id -> the supergroup it became
        self.my_commands: dict[tuple[str, str], list[JsonDict]] = {}
        self.my_texts: dict[tuple[str, str], str] = {}  # (description kind, language)
        self.files: dict[str, StoredFile] = {}
        self.open_queries: dict[str, int] = {}  # callback query id -> user id
        self.next_query_id = 1
        self.callback_answers: dict[int, list[JsonDict]] = {}
        self.activity = 0  # bumped on every bot call except getUpdates
        self.in_flight = 0  # bot calls being answered right now (getUpdates aside)
        # Set by whoever runs the bot in this process (tests/conftest.py): True while it still
        # handles an update or runs background work. With it, waiters end as soon as the bot
        # is idle; without it, after a quiet period (see server.idle()).
        self.busy: Callable[[], bool] | None = None
        self.closing = False
        self.poll_generation = 0
        self._changed = asyncio.Event()

    # --- waking up -------------------------------------------------------
    def notify(self) -> None:
        """Wake every waiter (long polls and test helpers); they re-check their state."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_change(self, timeout: float) -> bool:
        """Wait for the next notify(); False on timeout."""
        if timeout <= 0:
            return False
        event = self._changed
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    @property
    def bot_busy(self) -> bool:
        """Updates the bot has not yet confirmed (fetched and acknowledged, or answered 200
        at its webhook), or a call of the bot being answered: what a driver waits out before
        the next input (the bot's own queued work it checks itself)."""
        return bool(self.updates) or self.in_flight > 0

    # --- updates ---------------------------------------------------------
    def queue_update(self, kind: str, payload: JsonDict) -> int:
        """Queue an update; like Telegram, types excluded by allowed_updates are dropped."""
        update_id = self.next_update_id
        self.next_update_id += 1
        allowed = self.allowed_updates
        if (kind in allowed) if allowed else (kind not in NOT_DEFAULT_UPDATES):
            self.updates.append({"update_id": update_id, kind: payload})
            self.notify()
        return update_id

    # --- chats and files -------------------------------------------------
    def private_chat(self, user: JsonDict) -> ChatState:
        """The user's private chat; creating it means 'the user wrote to the bot'."""
        chat = self.chats.get(user["id"])
        if chat is None:
            info = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if user.get(key):
                    info[key] = user[key]
            chat = self.chats[user["id"]] = ChatState(info)
        return chat

    def store_file(
        self, name: str, content: bytes, mime_type: str | None = None, kind: str = "document"
    ) -> StoredFile:
        number = len(self.files) + 1
        mime = mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        suffix = name.rsplit(".", 1)[-1] if "." in name else "bin"
        stored = StoredFile(
            file_id=f"{FILE_ID_PREFIX.get(kind, 'BQACAgIAAx')}{number:06d}",
            file_unique_id=f"AgAD{number:06d}",
            name=name,
            content=content,
            mime_type=mime,
            path=f"{FOLDERS.get(kind, 'documents')}/file_{number}.{suffix}",
        )
        self.files[stored.file_id] = stored
        return stored

    def new_query_id(self, user_id: int) -> str:
        query_id = str(4_000_000_000_000 + self.next_query_id)
        self.next_query_id += 1
        self.open_queries[query_id] = user_id
        return query_id

    def touch(self, chat_id: Any) -> None:
        """Record that the bot did something, for the settle logic of waiters."""
        self.activity += 1
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is not None:
            chat.activity += 1
        self.notify()
