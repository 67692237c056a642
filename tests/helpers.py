"""Shared test helpers: paths, ids, and walking onboarding as a person would."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

from bot.emulator import BotMessage, FakeUser
from bot.services import Services

ROOT = Path(__file__).resolve().parent.parent
ORGANIZER_ID = 900

BotRunner = Callable[..., AbstractAsyncContextManager[Services]]


async def onboard(user: FakeUser, lang_button: str, country_button: str,
                  zone_button: str | None = None) -> None:
    """Walk /start with button presses, as a person would."""
    await user.send("/start")
    await user.press(lang_button)
    await user.press(country_button)
    if zone_button is not None:
        await user.press(zone_button)
    await skip_profile_questions(user)


async def skip_profile_questions(user: FakeUser) -> BotMessage:
    """Onboarding's optional last questions (organization, then sector): skip both."""
    await user.press("⏭")
    (done,) = await user.press("⏭")
    return done
