"""Fake Telegram Bot API server for running the real ptb Application in tests."""

from bot.emulator.models import BotMessage
from bot.emulator.server import BotAPIEmulator
from bot.emulator.user import FakeUser

__all__ = ["BotAPIEmulator", "BotMessage", "FakeUser"]
