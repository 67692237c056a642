"""The operator's view (/status), errors told to organizers (once an hour per kind), and
guided flows that survive a restart (their state is pending input in the database)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.clock import FakeClock
from bot.context import BotContext
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID, BotRunner, as_core, core_members, onboard

ORGANIZERS_ONLY = "Sorry, only organizers can do that."


@pytest.mark.parametrize(("role", "allowed"), [
    ("participant", False), ("facilitator GH", False), ("organizer", True)])
async def test_status_is_for_organizers(bot: Services, emulator: BotAPIEmulator, role: str,
                                        allowed: bool) -> None:
    user = emulator.user(ORGANIZER_ID if role == "organizer" else 5001, "en")
    await onboard(user, "English", "Ghana")
    await core_members(bot, [5101, 5102])
    if role.startswith("facilitator"):
        assert await bot.repo.people.set_facilitator(5001, {"GH"}, bot.clock.now())
    (reply,) = await user.send("/status")
    if not allowed:
        assert reply.text == ORGANIZERS_ONLY
        return
    text = reply.text
    backend = "PostgreSQL" if bot.repo.db.backend == "postgresql" else "SQLite"
    schema = await bot.repo.schema_version()
    assert text.startswith("Bot status\nVersion ")
    assert f"Storage: {backend}, " in text and f"schema version {schema}" in text
    # The organizer has no group; the two core members have not started the bot yet.
    assert "core group: 2 · wider group: 0 · no group: 1 · inactive: 0" in text
    # The next jobs, in the organizer's zone (Ghana: UTC), and how many more.
    assert ("Next scheduled jobs (Ghana time)\n21 Mar 2021 at 14:00 · goals:checkin:3\n"
            "23 Mar 2021 at 14:00 · reminder:3:1440\n") in text
    assert re.search(r"\nand \d+ more\n", text)  # the count grows with every feature's jobs
    assert "Pending deliveries\nNone." in text and "Last errors\nNone since the start." in text


async def boom(update: Update, context: BotContext) -> None:
    await context.who()
    raise ZeroDivisionError("Lucía's secret text")


async def test_an_error_gets_an_apology_and_organizers_hear_once_an_hour(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot.app.add_handler(CommandHandler("boom", boom), group=-10)
    organizer = emulator.user(ORGANIZER_ID, "fr")
    await onboard(organizer, "Français", "Ghana")
    lucia = emulator.user(5002, "es", "Lucía")
    await onboard(lucia, "Español", "Perú")
    caplog.set_level(logging.ERROR)

    # (The test handler runs in a group of its own, so the catch-all answers too.)
    sorry, _not_understood = await lucia.send("/boom Lucía's secret text", expect=2)
    assert sorry.text == "Disculpe, algo falló de mi lado. Inténtelo de nuevo en un momento."
    await bot.join()
    notice = organizer.last.text
    assert notice.startswith("⚠️ Le bot a rencontré une erreur (ZeroDivisionError) en "
                             "traitant message (/boom).")
    assert "Survenue 1\u00a0fois depuis le démarrage." in notice
    assert "Lucía" not in notice and "secret" not in notice and "5002" not in notice
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)

    seen = len(organizer.messages)
    await lucia.send("/boom", expect=2)
    clock.advance(timedelta(minutes=59))
    await lucia.send("/boom", expect=2)
    await bot.join()
    assert len(organizer.messages) == seen  # the same kind within the hour: not again
    clock.advance(timedelta(minutes=2))
    await lucia.send("/boom", expect=2)
    await bot.join()
    assert len(organizer.messages) == seen + 1
    assert "Survenue 4\u00a0fois" in organizer.last.text

    (status,) = await organizer.send("/status")
    assert status.text.count("ZeroDivisionError · message (/boom)") == 4


async def test_guided_answers_survive_a_restart(run_bot: BotRunner, emulator: BotAPIEmulator,
                                                clock: FakeClock) -> None:
    """Onboarding's organization question and a check-in code asked for, then a deploy."""
    newcomer = emulator.user(5003, "en")
    member = emulator.user(5004, "en")
    clock.set(datetime(2021, 3, 24, 14, 5, tzinfo=UTC))  # session 3 is running
    async with run_bot() as svc:
        await newcomer.send("/start")
        await newcomer.press("English")
        (asked,) = await newcomer.press("Ghana")
        assert asked.text.startswith("Almost done. Which organization do you work for?")
        await onboard(member, "English", "Ghana")
        await as_core(svc, member)
        await svc.repo.attendance.set_code(3, "4821", ORGANIZER_ID, clock.now())
        (code_asked,) = await member.send("/checkin")
    async with run_bot() as svc:
        (sector,) = await newcomer.send("Cocoa Growers Union")
        assert sector.text == "Which sector do you work in?"
        person = await svc.repo.participants.get(5003)
        assert person is not None and person.organization == "Cocoa Growers Union"
        (checked,) = await member.send("4821")
        record = await svc.repo.attendance.get(5004, 3)
        assert record is not None and record.status == "present", (code_asked.text, checked.text)
