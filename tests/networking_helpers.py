"""Helpers for the networking tests: people with a profile, and contact details to look for."""

from __future__ import annotations

import json

from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.services import Services
from tests.goal_helpers import member

TOPIC = {  # topic key -> its button in each language (schedule.json)
    "agroforestry": {"en": "Agroforestry design", "es": "Diseño agroforestal",
                     "fr": "Conception agroforestière", "pt": "Desenho agroflorestal"},
    "finance": {"en": "Finance & funding", "es": "Finanzas y financiamiento",
                "fr": "Finance et financement", "pt": "Finanças e financiamento"},
    "markets": {"en": "Market access", "es": "Acceso a mercados", "fr": "Accès aux marchés",
                "pt": "Acesso a mercados"},
}


async def networker(bot: Services, emulator: BotAPIEmulator, user_id: int, lang: str,
                    country_button: str, *, offers: tuple[str, ...] = (),
                    seeks: tuple[str, ...] = (), group: str = "wider", first_name: str = "Test",
                    username: str | None = None, turn_on: bool = True) -> FakeUser:
    """A program member who made a networking profile through /network, as a person would."""
    user = await member(bot, emulator, user_id, lang, country_button, group=group,
                        first_name=first_name)
    user.username = username
    await user.send("/network")
    for kind, keys in (("🎁", offers), ("🔎", seeks)):
        if keys:
            await user.press(kind)
            for key in keys:
                await user.press(TOPIC[key][lang])
            await user.press("↩️")
    if turn_on:
        await user.press("▶️")
    return user


async def seeded(bot: Services, user_id: int, country: str, offers: str = "",
                 seeks: str = "", lang: str = "en", visible: bool = True,
                 emulator: BotAPIEmulator | None = None) -> None:
    """A wider-group member with a profile, straight in the database (crowds); with the
    emulator, they have opened their chat with the bot (so messages reach them)."""
    now = bot.clock.now()
    if emulator is not None:
        emulator.private_chat(emulator.user(user_id, lang, first_name=f"P{user_id}").json)
    await bot.repo.participants.ensure(user_id, first_name=f"P{user_id}", last_name=None,
                                       username=f"user{user_id}", now=now)
    await bot.repo.participants.update(user_id, now, grp="wider", country=country,
                                       language=lang, onboarded=1)
    await bot.repo.networking.save(user_id, now, offers=tuple(offers.split()),
                                   seeks=tuple(seeks.split()))
    await bot.repo.networking.set_visible(user_id, visible, now)


def shown(message: BotMessage) -> str:
    """Everything a client could show or read of a message: text, HTML with its links,
    buttons and their data."""
    return json.dumps([message.text, message.html, message.entities, message.reply_markup],
                      ensure_ascii=False)


def contact_leaks(messages: list[BotMessage], other: FakeUser) -> list[str]:
    """The messages that reveal anything identifying `other`."""
    marks = ["tg://user", str(other.id), other.first_name]
    if other.username:
        marks.append(other.username)
    return [shown(m) for m in messages if any(mark in shown(m) for mark in marks)]
