"""Plain data kept by the emulator: what the user sees and per-chat state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


class ApiError(Exception):
    """A Telegram error answer; method code raises it, the HTTP layer renders it."""

    def __init__(self, code: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters  # ResponseParameters, e.g. {"retry_after": 3}


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


@dataclass
class BotMessage:
    """One message the bot sent, as the user sees it at some moment.

    Instances are never mutated: an edit produces a new snapshot, so the lists
    returned by ``FakeUser.send`` keep showing what arrived at that time.
    """

    message_id: int
    chat_id: int
    text: str  # plain text (HTML parsed), or the caption of a media message
    html: str | None  # raw text as sent when parse_mode was HTML
    reply_markup: JsonDict | None
    document: tuple[str, bytes] | None = None  # (file name, content)
    media: str | None = None  # "photo", "video", "voice", "document", ... (None: text)
    file_id: str | None = None  # the media's file_id
    edited: bool = False
    deleted: bool = False
    entities: list[JsonDict] = field(default_factory=list)
    raw: JsonDict = field(default_factory=dict, repr=False)  # Telegram Message object

    def buttons(self) -> list[list[tuple[str, str]]]:
        """Rows of (text, callback_data or url); reply keyboards give (text, "")."""
        markup = self.reply_markup or {}
        if "inline_keyboard" in markup:
            return [
                [(b["text"], _button_value(b)) for b in row] for row in markup["inline_keyboard"]
            ]
        rows = markup.get("keyboard") or []
        return [[(b, "") if isinstance(b, str) else (b["text"], "") for b in row] for row in rows]

    def button_texts(self) -> list[str]:
        return [text for row in self.buttons() for text, _ in row]


def _button_value(button: JsonDict) -> str:
    for key in ("callback_data", "url"):
        if key in button:
            return str(button[key])
    for key in ("web_app", "login_url"):
        if key in button:
            return str(button[key].get("url", ""))
    return ""


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    name: str
    content: bytes
    mime_type: str
    path: str  # what getFile returns as file_path

    def document_json(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.name,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }

    def media_json(self, kind: str) -> Any:
        """The object Telegram puts under message[kind] (a list of sizes for photos)."""
        ids = {"file_id": self.file_id, "file_unique_id": self.file_unique_id,
               "file_size": len(self.content)}
        if kind == "photo":
            return [{**ids, "width": 1280, "height": 720}]
        if kind == "voice":
            return {**ids, "duration": 3, "mime_type": self.mime_type}
        if kind in ("video", "animation"):
            return {**ids, "width": 1280, "height": 720, "duration": 5,
                    "mime_type": self.mime_type, "file_name": self.name}
        if kind == "audio":
            return {**ids, "duration": 5, "mime_type": self.mime_type, "file_name": self.name}
        if kind == "sticker":
            return {**ids, "width": 512, "height": 512, "is_animated": False, "is_video": False,
                    "type": "regular", "emoji": "👍"}
        return self.document_json()


@dataclass
class ChatState:
    info: JsonDict  # the Telegram Chat object
    next_message_id: int = 1  # shared by both sides, as in a real private chat
    messages: dict[int, BotMessage] = field(default_factory=dict)  # current bot messages
    user_message_ids: set[int] = field(default_factory=set)
    user_messages: dict[int, JsonDict] = field(default_factory=dict)  # raw, for copy/reply
    events: list[BotMessage] = field(default_factory=list)  # new messages and edits, in order
    errors: list[str] = field(default_factory=list)  # failed calls, for assertion messages
    activity: int = 0  # bumped on every bot call touching this chat

    @property
    def id(self) -> int:
        return int(self.info["id"])

    def new_message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1
