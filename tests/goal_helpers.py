"""Helpers for the goal tests: onboard a person and put them in a group."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.emulator import BotAPIEmulator, FakeUser
from bot.services import Services
from tests.helpers import onboard

LANG_BUTTONS = {"en": "English", "es": "Español", "fr": "Français", "pt": "Português"}


async def member(
    bot: Services, emulator: BotAPIEmulator, user_id: int, lang: str, country_button: str,
    group: str | None = "core", first_name: str = "Test", zone_button: str | None = None,
) -> FakeUser:
    user = emulator.user(user_id, lang, first_name=first_name)
    await onboard(user, LANG_BUTTONS[lang], country_button, zone_button)
    # group None: in no group (e.g. staff only); open registration alone would make it wider.
    await bot.repo.participants.update(user_id, bot.clock.now(), grp=group)
    return user


async def add_goal(user: FakeUser, title: str, description: str | None = None,
                   target: str | None = None, command: str = "/addgoal", *,
                   skip: str = "Skip", save: str = "Save") -> None:
    """The whole add-goal conversation with the given answers; Skip where None."""
    await user.send(command)
    await user.send(title)
    if description is None:
        await user.press(skip)
    else:
        await user.send(description)
    if target is None:
        await user.press(skip)
    else:
        await user.send(target)
    await user.press(save, expect=2)



async def wait_for(emulator: BotAPIEmulator, check: Callable[[], bool],
                   timeout: float = 5.0) -> None:
    """Until check() holds: fan-outs keep sending after the pressing user's chat is quiet."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if not await emulator.wait_change(deadline - loop.time()):
            raise AssertionError("condition not met in time")
