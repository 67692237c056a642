"""The one storage seam: every SQL statement of the bot lives under bot/storage."""

from bot.storage.repository import Repository

__all__ = ["Repository"]
