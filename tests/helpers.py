"""Shared test helpers: paths, ids, and walking onboarding as a person would."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path

from bot.emulator import BotMessage, FakeUser
from bot.services import Services

ROOT = Path(__file__).resolve().parent.parent
ORGANIZER_ID = 900
# The emulator's token (bot/emulator/server.py): no log line of the suite may hold it.
TOKEN = "123456:TEST-TOKEN"

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


PROGRAM_START = datetime(2021, 1, 1, tzinfo=UTC)


async def as_core(bot: Services, *users: FakeUser | int, since: datetime = PROGRAM_START,
                  group: str = "core") -> None:
    """Put people in a group, as their invitation would have (since the program's start,
    unless said otherwise): tests that onboard openly and need core members."""
    for user in users:
        user_id = user if isinstance(user, int) else user.id
        await bot.repo.participants.update(user_id, bot.clock.now(), grp=group,
                                           joined_via="invite", joined_at=since)


async def core_members(bot: Services, user_ids: list[int], since: datetime = PROGRAM_START
                       ) -> None:
    """People already in the core group who have not written to the bot yet."""
    for user_id in user_ids:
        await bot.repo.participants.ensure(user_id, first_name=f"P{user_id}", last_name=None,
                                           username=None, now=bot.clock.now())
    await as_core(bot, *user_ids, since=since)
