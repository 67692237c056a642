"""A fake Telegram user: sends updates to the bot and waits for its answers."""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, Any

from bot.emulator.entities import command_entities, parse_html
from bot.emulator.models import BotMessage, ChatState, JsonDict
from bot.emulator.state import now

if TYPE_CHECKING:
    from bot.emulator.server import BotAPIEmulator

NOTHING_EXPECTED_WAIT = 0.3  # how long send(expect=0) listens, at most (see server.idle())
BUSY_POLL = 0.002  # how often a waiter asks the busy hook (it sends no wake-up)


class FakeUser:
    def __init__(
        self,
        emu: BotAPIEmulator,
        user_id: int,
        language_code: str | None,
        first_name: str,
        last_name: str | None,
        username: str | None,
    ) -> None:
        self._emu = emu
        self.id = user_id
        self.language_code = language_code
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.sent: dict[int, JsonDict] = {}  # this user's messages, for replies to them

    def __repr__(self) -> str:
        return f"FakeUser(id={self.id}, language_code={self.language_code!r})"

    @property
    def json(self) -> JsonDict:
        """The Telegram User object of this user."""
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def _chat(self) -> ChatState:
        """The private chat; creating it means the user has written to the bot."""
        return self._emu.private_chat(self.json)

    @property
    def messages(self) -> list[BotMessage]:
        """All bot messages in this private chat, edits applied, deleted ones left out."""
        return self._emu.messages_to(self.id)

    @property
    def last(self) -> BotMessage:
        messages = self.messages
        if not messages:
            raise AssertionError(f"the bot has sent nothing to user {self.id}")
        return messages[-1]

    @property
    def callback_answers(self) -> list[JsonDict]:
        """answerCallbackQuery parameters received for this user's button presses."""
        return self._emu.callback_answers.setdefault(self.id, [])

    # --- acting ------------------------------------------------------------------
    async def send(
        self,
        text: str,
        *,
        expect: int = 1,
        timeout: float = 5.0,
        html: bool = False,
        reply_to: int | BotMessage | None = None,
    ) -> list[BotMessage]:
        """Send a text message; return the bot's new messages and edits in this chat.

        html=True: ``text`` is what the person formatted in their app (bold, links...),
        given as Telegram HTML; the bot receives plain text plus entities, as from Telegram.
        reply_to: the message (or id) this one replies to.
        """
        message = self._new_message(reply_to)
        entities: list[JsonDict] = []
        if html:
            text, entities = parse_html(text)
        message["text"] = text
        entities = sorted(entities + command_entities(text), key=lambda e: e["offset"])
        if entities:
            message["entities"] = entities
        return await self._deliver("message", message, expect, timeout)

    async def forward(
        self,
        origin: FakeUser | str,
        text: str,
        *,
        expect: int = 1,
        timeout: float = 5.0,
    ) -> list[BotMessage]:
        """Forward to the bot a text written by `origin`: a user, or the name of a user whose
        privacy settings hide their account (forward_origin type hidden_user)."""
        message = self._new_message()
        message["text"] = text
        if isinstance(origin, FakeUser):
            message["forward_origin"] = {"type": "user", "date": now(), "sender_user": origin.json}
        else:
            message["forward_origin"] = {
                "type": "hidden_user", "date": now(), "sender_user_name": origin
            }
        return await self._deliver("message", message, expect, timeout)

    def send_nowait(self, text: str, *, reply_to: int | BotMessage | None = None) -> int:
        """Queue a text message (a command, with its entity) without waiting for the bot;
        returns the update id. For load generators: time the answers from emu.timeline."""
        message = self._new_message(reply_to)
        message["text"] = text
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        return self._emu.queue_update("message", message)

    def send_document_nowait(self, filename: str, content: bytes,
                             caption: str | None = None) -> int:
        """Queue a document (with an optional plain caption) without waiting; the update id."""
        message = self._new_message()
        stored = self._emu.store_file(filename, content, kind="document")
        message["document"] = stored.media_json("document")
        if caption:
            message["caption"] = caption
            if entities := command_entities(caption):
                message["caption_entities"] = entities
        return self._emu.queue_update("message", message)

    def press_data_nowait(self, data: str) -> int:
        """Queue a button press (callback query with this data) without waiting."""
        query: JsonDict = {
            "id": self._emu.new_query_id(self.id), "from": self.json,
            "chat_instance": str(8_000_000_000 + self.id), "data": data,
        }
        self._chat()
        return self._emu.queue_update("callback_query", query)

    @property
    def last_sent_id(self) -> int:
        """The message id of this user's latest message (e.g. a forward, to reply to it)."""
        return max(self.sent)

    async def send_document(
        self,
        filename: str,
        content: bytes,
        caption: str | None = None,
        *,
        expect: int = 1,
        timeout: float = 5.0,
        reply_to: int | BotMessage | None = None,
    ) -> list[BotMessage]:
        return await self.send_media(
            "document", content, caption, filename=filename, expect=expect, timeout=timeout,
            reply_to=reply_to,
        )

    async def send_photo(
        self, content: bytes = b"\x89PNG fake", caption: str | None = None, **kw: Any
    ) -> list[BotMessage]:
        return await self.send_media("photo", content, caption, filename="photo.jpg", **kw)

    async def send_video(
        self, content: bytes = b"fake mp4", caption: str | None = None, **kw: Any
    ) -> list[BotMessage]:
        return await self.send_media("video", content, caption, filename="video.mp4", **kw)

    async def send_voice(
        self, content: bytes = b"OggS fake", caption: str | None = None, **kw: Any
    ) -> list[BotMessage]:
        return await self.send_media("voice", content, caption, filename="voice.ogg", **kw)

    async def send_media(
        self,
        kind: str,
        content: bytes,
        caption: str | None = None,
        *,
        filename: str = "file.bin",
        html: bool = False,
        reply_to: int | BotMessage | None = None,
        expect: int = 1,
        timeout: float = 5.0,
    ) -> list[BotMessage]:
        """Send a photo, video, voice note, document... (caption optional, HTML-formatted)."""
        message = self._new_message(reply_to)
        stored = self._emu.store_file(filename, content, kind=kind)
        message[kind] = stored.media_json(kind)
        if caption:
            entities: list[JsonDict] = []
            if html:
                caption, entities = parse_html(caption)
            message["caption"] = caption
            if entities:
                message["caption_entities"] = entities
        return await self._deliver("message", message, expect, timeout)

    async def send_sticker(self, **kw: Any) -> list[BotMessage]:
        return await self.send_media("sticker", b"RIFF fake webp", filename="sticker.webp", **kw)

    async def send_location(self, latitude: float = 5.6, longitude: float = -0.19, *,
                            expect: int = 1, timeout: float = 5.0) -> list[BotMessage]:
        message = self._new_message()
        message["location"] = {"latitude": latitude, "longitude": longitude}
        return await self._deliver("message", message, expect, timeout)

    async def send_contact(self, phone_number: str = "+233200000000", first_name: str = "Ama",
                           *, expect: int = 1, timeout: float = 5.0) -> list[BotMessage]:
        message = self._new_message()
        message["contact"] = {"phone_number": phone_number, "first_name": first_name}
        return await self._deliver("message", message, expect, timeout)

    async def edit(self, message_id: int, text: str, *, expect: int = 0,
                   timeout: float = 5.0) -> list[BotMessage]:
        """Edit one of my earlier text messages (Telegram sends an edited_message update)."""
        original = self.sent.get(message_id)
        if original is None:
            raise AssertionError(f"user {self.id} sent no message {message_id}")
        edited = {**original, "text": text, "edit_date": now()}
        edited.pop("entities", None)
        entities = command_entities(text)
        if entities:
            edited["entities"] = entities
        self.sent[message_id] = edited
        self._chat().user_messages[message_id] = edited
        return await self._deliver("edited_message", edited, expect, timeout)

    async def press(
        self,
        button_text: str,
        *,
        message: BotMessage | None = None,
        expect: int = 1,
        timeout: float = 5.0,
    ) -> list[BotMessage]:
        """Press an inline button by its text (exact match first, then substring)."""
        chat = self._chat()
        if message is not None:
            current = chat.messages.get(message.message_id)
            if current is None or current.deleted:
                raise AssertionError(f"message {message.message_id} no longer exists")
            candidates = [current]
        else:
            candidates = list(reversed(self.messages))
        for matches in (lambda t: t == button_text, lambda t: button_text in t):
            for candidate in candidates:
                for button in _inline_buttons(candidate):
                    if matches(button["text"]):
                        if "callback_data" not in button:
                            raise AssertionError(
                                f"button {button['text']!r} sends no callback: {button}"
                            )
                        return await self._callback(
                            candidate, button["callback_data"], expect, timeout
                        )
        available = [b["text"] for m in candidates for b in _inline_buttons(m)]
        raise AssertionError(f"no button {button_text!r}; buttons present: {available}")

    async def press_data(
        self,
        data: str,
        *,
        message_id: int | None = None,
        expect: int = 1,
        timeout: float = 5.0,
    ) -> list[BotMessage]:
        """Send a callback query with arbitrary (possibly forged) data."""
        messages = self.messages
        if message_id is not None:
            found = [m for m in messages if m.message_id == message_id]
            if not found:
                raise AssertionError(f"no bot message {message_id} in chat {self.id}")
            return await self._callback(found[0], data, expect, timeout)
        return await self._callback(messages[-1] if messages else None, data, expect, timeout)

    async def block_bot(self, *, timeout: float = 5.0) -> None:
        """What a real block looks like: sends now fail and my_chat_member arrives."""
        self._emu.block(self.id)
        await self._emu.settle(self._emu.chat_member_update(self.id, "member", "kicked"), timeout)

    async def unblock_bot(self, *, timeout: float = 5.0) -> None:
        self._emu.unblock(self.id)
        await self._emu.settle(self._emu.chat_member_update(self.id, "kicked", "member"), timeout)

    async def send_in_group(
        self, chat_id: int, text: str, *, expect: int = 1, timeout: float = 5.0
    ) -> list[BotMessage]:
        """Send a text message in a group chat (see emu.add_bot_to_group); waits there."""
        chat = self._emu.chats[chat_id]
        message_id = chat.new_message_id()
        chat.user_message_ids.add(message_id)
        message: JsonDict = {
            "message_id": message_id, "from": self.json, "chat": chat.info, "date": now(),
            "text": text,
        }
        entities = command_entities(text)
        if entities:
            message["entities"] = entities
        return await self._deliver("message", message, expect, timeout, chat=chat)

    # --- internals -----------------------------------------------------------------
    def _new_message(self, reply_to: int | BotMessage | None = None) -> JsonDict:
        chat = self._chat()
        message_id = chat.new_message_id()
        chat.user_message_ids.add(message_id)
        message = {"message_id": message_id, "from": self.json, "chat": chat.info, "date": now()}
        self.sent[message_id] = message
        if reply_to is not None:
            target = reply_to if isinstance(reply_to, int) else reply_to.message_id
            replied = chat.user_messages.get(target) or (
                chat.messages[target].raw if target in chat.messages else None
            )
            if replied is None:
                raise AssertionError(f"no message {target} to reply to in chat {self.id}")
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        # Kept (the dict is filled in by the caller) so the bot can copy or quote it later.
        chat.user_messages[message_id] = message
        return message

    async def _callback(
        self, message: BotMessage | None, data: str, expect: int, timeout: float
    ) -> list[BotMessage]:
        query: JsonDict = {
            "id": self._emu.new_query_id(self.id),
            "from": self.json,
            "chat_instance": str(8_000_000_000 + self.id),
            "data": data,
        }
        if message is not None:
            query["message"] = message.raw
        answers = len(self.callback_answers)
        update_id = self._emu.next_update_id  # the id _deliver's update gets
        events = await self._deliver("callback_query", query, expect, timeout)
        # Every query should be answered (else the app shows a spinner); the answer can trail
        # the messages on a loaded machine, so give it until the timeout before returning
        # (or until the bot is idle: then no answer is coming).
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.callback_answers) <= answers and not self._emu.idle(update_id):
            left = deadline - loop.time()
            if left <= 0:
                break
            await self._emu.wait_change(left if self._emu.busy is None else min(left, BUSY_POLL))
        return events

    async def _deliver(
        self, kind: str, payload: JsonDict, expect: int, timeout: float,
        chat: ChatState | None = None,
    ) -> list[BotMessage]:
        chat = chat or self._chat()
        start, errors_start = len(chat.events), len(chat.errors)
        update_id = self._emu.queue_update(kind, payload)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if expect <= 0:
            # Listen NOTHING_EXPECTED_WAIT, or less if the bot is done with it before.
            await self._emu.wait_idle(update_id, lambda: chat.activity,
                                      loop.time() + NOTHING_EXPECTED_WAIT, quiet=math.inf)
            return chat.events[start:]
        while len(chat.events) - start < expect:
            if not await self._emu.wait_change(deadline - loop.time()):
                raise AssertionError(
                    f"user {self.id} expected {expect} bot message(s) within {timeout}s, "
                    f"got {len(chat.events) - start}: {chat.events[start:]}; "
                    f"failed API calls: {chat.errors[errors_start:]}"
                )
        await self._emu.wait_idle(update_id, lambda: chat.activity, deadline)
        return chat.events[start:]


def _inline_buttons(message: BotMessage) -> list[JsonDict]:
    rows = (message.reply_markup or {}).get("inline_keyboard") or []
    return [button for row in rows for button in row]
