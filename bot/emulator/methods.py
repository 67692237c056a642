"""The Bot API methods about messages, with Telegram's validation and error wording."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from bot.emulator.account import AccountMethods
from bot.emulator.entities import EntityParseError, parse_html, strip_text
from bot.emulator.models import ApiError, BotMessage, ChatState, JsonDict, bad_request
from bot.emulator.state import Upload, now

Handler = Callable[[JsonDict], Awaitable[Any]]

MAX_TEXT = 4096
MAX_CAPTION = 1024
# fmt: off
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}
INLINE_BUTTON_KINDS = {
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
}
# fmt: on
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"
MEDIA_KINDS = ("photo", "video", "voice", "audio", "animation", "document", "sticker",
               "video_note")
# What copyMessage keeps: the content, never the sender, date or reply.
COPIED_KEYS = ("text", "entities", "caption", "caption_entities", "location", "contact",
               *MEDIA_KINDS)


def inline_markup(markup: JsonDict | None) -> JsonDict | None:
    """The markup as it sticks to a message: only a non-empty inline keyboard does."""
    if markup and markup.get("inline_keyboard"):
        return markup
    return None


def check_markup(markup: Any) -> JsonDict | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup  # reply keyboard, ForceReply or ReplyKeyboardRemove
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for button in (b for row in rows for b in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise bad_request("can't parse inline keyboard button: Text is not specified")
        if "callback_data" in button:
            data = str(button["callback_data"]).encode("utf-8")
            if not 1 <= len(data) <= 64:
                raise bad_request("BUTTON_DATA_INVALID")
        elif not INLINE_BUTTON_KINDS & button.keys():
            raise bad_request(
                "can't parse inline keyboard button: Text buttons are unallowed in the "
                "inline keyboard"
            )
    return markup


def format_text(
    text: str, parse_mode: Any, entities: Any, *, limit: int, too_long: str
) -> tuple[str, list[JsonDict], str | None]:
    """(plain text, entities, raw html or None); length is checked after parsing."""
    mode = str(parse_mode or "").lower()
    if mode not in ("", "html", "markdown", "markdownv2"):
        raise bad_request("unsupported parse_mode")
    html = None
    if mode == "html":
        try:
            plain, found = parse_html(text)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        html = text
    else:  # MarkdownV2 is not emulated: shown as sent
        plain, found = text, list(entities) if isinstance(entities, list) else []
    plain, found = strip_text(plain, found)
    if len(plain) > limit:
        raise bad_request(too_long)
    return plain, found, html


class BotMethods(AccountMethods):
    def method_table(self) -> dict[str, tuple[str, Handler]]:
        """Lower-cased name -> (canonical name, handler); Telegram ignores case."""
        table: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "deleteWebhook": self.delete_webhook,
            "setWebhook": self.set_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "sendVideo": self.send_video,
            "sendVoice": self.send_voice,
            "sendAudio": self.send_audio,
            "sendAnimation": self.send_animation,
            "copyMessage": self.copy_message,
            "getFile": self.get_file,
            "sendChatAction": self.send_chat_action,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self.set_my_description,
            "getMyDescription": self.get_my_description,
            "setMyShortDescription": self.set_my_short_description,
            "getMyShortDescription": self.get_my_short_description,
        }
        return {name.lower(): (name, handler) for name, handler in table.items()}

    # --- helpers -----------------------------------------------------------
    def chat_for(self, p: JsonDict, *, sending: bool) -> ChatState:
        chat_id = p.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if chat_id in self.migrated:  # ptb turns this answer into ChatMigrated
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": self.migrated[chat_id]})
        chat = self.chats.get(chat_id) if isinstance(chat_id, int) else None
        if chat is None:
            raise bad_request("chat not found")
        if sending and chat.id in self.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def message_json(self, chat: ChatState, message_id: int, **content: Any) -> JsonDict:
        message: JsonDict = {
            "message_id": message_id,
            "from": self.bot_user,
            "chat": chat.info,
            "date": now(),
        }
        message.update({k: v for k, v in content.items() if v})
        return message

    def add_message(self, chat: ChatState, message: BotMessage) -> None:
        chat.messages[message.message_id] = message
        chat.events.append(message)

    def check_reply(self, chat: ChatState, p: JsonDict) -> JsonDict | None:
        """The message replied to (raw, without its own reply), or None."""
        reply = p.get("reply_parameters") or {}
        target = reply.get("message_id") or p.get("reply_to_message_id")
        if not target:
            return None
        bot_message = chat.messages.get(target)
        if target in chat.user_message_ids:
            found = chat.user_messages.get(target)
        elif bot_message is not None and not bot_message.deleted:
            found = bot_message.raw
        elif reply.get("allow_sending_without_reply"):
            return None
        else:
            raise bad_request("message to be replied not found")
        return {k: v for k, v in (found or {}).items() if k != "reply_to_message"} or None

    def editable(self, chat: ChatState, p: JsonDict) -> BotMessage:
        message_id = p.get("message_id")
        if not message_id:
            raise bad_request("message identifier is not specified")
        if message_id in chat.user_message_ids:
            raise bad_request("message can't be edited")
        message = chat.messages.get(message_id)
        if message is None or message.deleted:
            raise bad_request("message to edit not found")
        return message

    def store_edit(self, chat: ChatState, old: BotMessage, **changes: Any) -> JsonDict:
        """Apply an edit as a new snapshot; returns the edited Message object."""
        raw = {k: v for k, v in old.raw.items() if k != "reply_markup"}
        raw["edit_date"] = now()
        markup = changes.get("reply_markup", old.reply_markup)
        if inline_markup(markup):
            raw["reply_markup"] = markup
        key = "caption" if old.media else "text"
        raw.pop(key, None)
        if changes.get("text", old.text):
            raw[key] = changes.get("text", old.text)
        raw.pop(f"{'caption_' if old.media else ''}entities", None)
        entities = changes.get("entities", old.entities)
        if entities:
            raw["caption_entities" if old.media else "entities"] = entities
        new = replace(old, edited=True, raw=raw, **changes)
        self.add_message(chat, new)
        return raw

    # --- messages --------------------------------------------------------------
    async def send_message(self, p: JsonDict) -> JsonDict:
        chat = self.chat_for(p, sending=True)
        text, entities, html = format_text(
            str(p.get("text") or ""),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_TEXT,
            too_long="message is too long",
        )
        if not text:
            raise bad_request("message text is empty")
        markup = check_markup(p.get("reply_markup"))
        replied = self.check_reply(chat, p)
        message_id = chat.new_message_id()
        raw = self.message_json(
            chat, message_id, text=text, entities=entities, reply_markup=inline_markup(markup),
            reply_to_message=replied,
        )
        self.add_message(
            chat, BotMessage(message_id, chat.id, text, html, markup, entities=entities, raw=raw)
        )
        return raw

    async def send_document(self, p: JsonDict) -> JsonDict:
        return await self.send_file(p, "document")

    async def send_photo(self, p: JsonDict) -> JsonDict:
        return await self.send_file(p, "photo")

    async def send_video(self, p: JsonDict) -> JsonDict:
        return await self.send_file(p, "video")

    async def send_voice(self, p: JsonDict) -> JsonDict:
        return await self.send_file(p, "voice")

    async def send_audio(self, p: JsonDict) -> JsonDict:
        return await self.send_file(p, "audio")

    async def send_animation(self, p: JsonDict) -> JsonDict:
        return await self.send_file(p, "animation")

    async def send_file(self, p: JsonDict, kind: str) -> JsonDict:
        """sendDocument/Photo/Video/Voice/...: an upload or a known file_id, with a caption."""
        chat = self.chat_for(p, sending=True)
        given = p.get(kind)
        if isinstance(given, Upload):
            if not given.content:
                raise bad_request("file must be non-empty")
            stored = self.store_file(given.filename, given.content, given.mime_type, kind=kind)
        elif not given:
            raise bad_request(f"there is no {kind} in the request")
        elif isinstance(given, str) and given in self.files:
            stored = self.files[given]
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        caption, entities, html = format_text(
            str(p.get("caption") or ""),
            p.get("parse_mode"),
            p.get("caption_entities"),
            limit=MAX_CAPTION,
            too_long="message caption is too long",
        )
        markup = check_markup(p.get("reply_markup"))
        replied = self.check_reply(chat, p)
        message_id = chat.new_message_id()
        raw = self.message_json(
            chat,
            message_id,
            caption=caption,
            caption_entities=entities,
            reply_markup=inline_markup(markup),
            reply_to_message=replied,
            **{kind: stored.media_json(kind)},
        )
        message = BotMessage(
            message_id,
            chat.id,
            caption,
            html,
            markup,
            document=(stored.name, stored.content) if kind == "document" else None,
            media=kind,
            file_id=stored.file_id,
            entities=entities,
            raw=raw,
        )
        self.add_message(chat, message)
        return raw

    async def copy_message(self, p: JsonDict) -> JsonDict:
        """A copy without a link to the original; answers a MessageId, like Telegram."""
        chat = self.chat_for(p, sending=True)
        from_chat_id = p.get("from_chat_id")
        source_chat = self.chats.get(from_chat_id) if isinstance(from_chat_id, int) else None
        if source_chat is None:
            raise bad_request("chat not found")
        message_id = p.get("message_id")
        if not isinstance(message_id, int):
            raise bad_request("message identifier is not specified")
        source: JsonDict | None = None
        if message_id in source_chat.user_message_ids:
            source = source_chat.user_messages.get(message_id)
        else:
            bot_message = source_chat.messages.get(message_id)
            if bot_message is not None and not bot_message.deleted:
                source = bot_message.raw
        if source is None:
            raise bad_request("message to copy not found")
        kind = next((k for k in MEDIA_KINDS if k in source), None)
        if kind is None and "text" not in source:
            raise bad_request("message can't be copied")
        content: JsonDict = {k: source[k] for k in COPIED_KEYS if k in source}
        if kind is not None and "caption" in p:  # a new caption replaces the old one
            caption, entities, _html = format_text(
                str(p.get("caption") or ""), p.get("parse_mode"), p.get("caption_entities"),
                limit=MAX_CAPTION, too_long="message caption is too long",
            )
            content.pop("caption", None)
            content.pop("caption_entities", None)
            content.update(caption=caption, caption_entities=entities)
        markup = check_markup(p.get("reply_markup"))
        replied = self.check_reply(chat, p)
        new_id = chat.new_message_id()
        raw = self.message_json(
            chat, new_id, reply_markup=inline_markup(markup), reply_to_message=replied, **content
        )
        file_id = None
        document = None
        if kind is not None:
            media = raw[kind][-1] if kind == "photo" else raw[kind]
            file_id = media["file_id"]
            stored = self.files.get(file_id)
            if kind == "document" and stored is not None:
                document = (stored.name, stored.content)
        text = str(raw.get("caption") or "") if kind else str(raw.get("text") or "")
        entities = raw.get("caption_entities" if kind else "entities") or []
        self.add_message(
            chat,
            BotMessage(new_id, chat.id, text, None, markup, document=document, media=kind,
                       file_id=file_id, entities=list(entities), raw=raw),
        )
        return {"message_id": new_id}

    async def send_chat_action(self, p: JsonDict) -> bool:
        self.chat_for(p, sending=True)
        if p.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    async def edit_message_text(self, p: JsonDict) -> JsonDict:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")  # inline messages are not emulated
        chat = self.chat_for(p, sending=False)
        old = self.editable(chat, p)
        if old.media is not None:
            raise bad_request("there is no text in the message to edit")
        text, entities, html = format_text(
            str(p.get("text") or ""),
            p.get("parse_mode"),
            p.get("entities"),
            limit=MAX_TEXT,
            too_long="message is too long",
        )
        if not text:
            raise bad_request("message text is empty")
        # Without reply_markup Telegram removes the inline keyboard.
        markup = inline_markup(check_markup(p.get("reply_markup")))
        if (text, entities, markup) == (old.text, old.entities, inline_markup(old.reply_markup)):
            raise bad_request(NOT_MODIFIED)
        return self.store_edit(
            chat, old, text=text, html=html, entities=entities, reply_markup=markup
        )

    async def edit_message_caption(self, p: JsonDict) -> JsonDict:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.chat_for(p, sending=False)
        old = self.editable(chat, p)
        if old.media is None:
            raise bad_request("there is no caption in the message to edit")
        caption, entities, html = format_text(
            str(p.get("caption") or ""),
            p.get("parse_mode"),
            p.get("caption_entities"),
            limit=MAX_CAPTION,
            too_long="message caption is too long",
        )
        markup = inline_markup(check_markup(p.get("reply_markup")))
        if (caption, entities, markup) == (old.text, old.entities, inline_markup(old.reply_markup)):
            raise bad_request(NOT_MODIFIED)
        return self.store_edit(
            chat, old, text=caption, html=html, entities=entities, reply_markup=markup
        )

    async def edit_message_reply_markup(self, p: JsonDict) -> JsonDict:
        if p.get("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self.chat_for(p, sending=False)
        old = self.editable(chat, p)
        markup = inline_markup(check_markup(p.get("reply_markup")))
        if markup == inline_markup(old.reply_markup):
            raise bad_request(NOT_MODIFIED)
        return self.store_edit(chat, old, reply_markup=markup)

    async def delete_message(self, p: JsonDict) -> bool:
        chat = self.chat_for(p, sending=False)
        message_id = p.get("message_id")
        if message_id in chat.user_message_ids:
            chat.user_message_ids.discard(message_id)
            return True
        message = chat.messages.get(message_id) if isinstance(message_id, int) else None
        if message is None or message.deleted:
            raise bad_request("message to delete not found")
        chat.messages[message.message_id] = replace(message, deleted=True)
        return True
