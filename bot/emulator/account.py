"""The Bot API methods about the bot itself: identity, updates, webhook, menus, files."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from bot.emulator.models import ApiError, JsonDict, bad_request
from bot.emulator.state import EmulatorState, Webhook

COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
# fmt: off
SCOPE_TYPES = {
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
    "chat_administrators", "chat_member",
}
# fmt: on


class AccountMethods(EmulatorState):
    # --- updates -------------------------------------------------------------
    async def get_me(self, p: JsonDict) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, p: JsonDict) -> list[JsonDict]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = p.get("offset") or 0
        limit = min(max(p.get("limit") or 100, 1), 100)
        timeout = max(p.get("timeout") or 0, 0)
        if isinstance(p.get("allowed_updates"), list):
            self.allowed_updates = p["allowed_updates"]
        # A newer getUpdates terminates a pending one with 409, as Telegram does.
        self.poll_generation += 1
        generation = self.poll_generation
        self.notify()
        if offset < 0:
            self.updates = self.updates[offset:]
        elif offset > 0:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            if self.closing:
                return []
            if generation != self.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that "
                    "only one bot instance is running",
                )
            if self.updates:
                batch = self.updates[:limit]
                self.delivered_update_id = max(self.delivered_update_id, batch[-1]["update_id"])
                self.notify()
                return batch
            remaining = deadline - asyncio.get_running_loop().time()
            if not await self.wait_change(remaining):
                return []

    async def delete_webhook(self, p: JsonDict) -> bool:
        if p.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = None
        self.notify()
        return True

    async def set_webhook(self, p: JsonDict) -> bool:
        """From now on updates are POSTed to the URL (with the secret token header), as
        Telegram does; getUpdates answers 409 until deleteWebhook."""
        url = str(p.get("url") or "")
        if not url:
            return await self.delete_webhook(p)
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = str(p.get("secret_token") or "")
        if secret and not SECRET_RE.fullmatch(secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        if p.get("drop_pending_updates"):
            self.updates.clear()
        if isinstance(p.get("allowed_updates"), list):
            self.allowed_updates = p["allowed_updates"]
        self.webhook = Webhook(url, secret)
        self.notify()
        return True

    async def get_webhook_info(self, p: JsonDict) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        if self.webhook and self.webhook.last_error:
            info["last_error_date"] = self.webhook.last_error_date
            info["last_error_message"] = self.webhook.last_error
        return info

    async def answer_callback_query(self, p: JsonDict) -> bool:
        user_id = self.open_queries.pop(str(p.get("callback_query_id", "")), None)
        if user_id is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(p.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers.setdefault(user_id, []).append(p)
        return True

    async def get_file(self, p: JsonDict) -> JsonDict:
        stored = self.files.get(str(p.get("file_id", "")))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.path,
        }

    # --- bot profile -----------------------------------------------------------
    async def set_my_commands(self, p: JsonDict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or not all(isinstance(c, dict) for c in commands):
            raise bad_request("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            name = str(command.get("command", ""))
            description = str(command.get("description", "")).strip()
            if not COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = (scope_key(p.get("scope")), str(p.get("language_code") or ""))
        if cleaned:
            self.my_commands[key] = cleaned
        else:  # an empty list clears them, as on Telegram
            self.my_commands.pop(key, None)
        return True

    async def get_my_commands(self, p: JsonDict) -> list[JsonDict]:
        key = (scope_key(p.get("scope")), str(p.get("language_code") or ""))
        return list(self.my_commands.get(key, []))

    async def delete_my_commands(self, p: JsonDict) -> bool:
        key = (scope_key(p.get("scope")), str(p.get("language_code") or ""))
        self.my_commands.pop(key, None)
        return True

    def _set_text(self, kind: str, p: JsonDict, limit: int) -> bool:
        text = str(p.get(kind) or "")
        if len(text) > limit:
            raise bad_request(f"{kind.replace('_', ' ')} is too long")
        key = (kind, str(p.get("language_code") or ""))
        if text:
            self.my_texts[key] = text
        else:
            self.my_texts.pop(key, None)
        return True

    async def set_my_description(self, p: JsonDict) -> bool:
        return self._set_text("description", p, 512)

    async def set_my_short_description(self, p: JsonDict) -> bool:
        return self._set_text("short_description", p, 120)

    async def get_my_description(self, p: JsonDict) -> JsonDict:
        return {
            "description": self.my_texts.get(("description", str(p.get("language_code") or "")), "")
        }

    async def get_my_short_description(self, p: JsonDict) -> JsonDict:
        key = ("short_description", str(p.get("language_code") or ""))
        return {"short_description": self.my_texts.get(key, "")}

def scope_key(scope: Any) -> str:
    """'default', 'all_private_chats', 'chat:123', 'chat_member:123:42', ..."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    parts = [str(scope["type"])] + [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
    return ":".join(parts)
