"""The single role check: refusals, /grant and /revoke, audit rows."""

from __future__ import annotations

from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID


async def test_participant_is_refused_and_nothing_changes(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(11, "es")
    await user.send("/start")
    (reply,) = await user.send("/grant facilitator 11")
    assert reply.text == "Disculpe, solo los organizadores pueden hacer eso."
    person = await bot.repo.participants.get(11)
    assert person is not None and person.role == "participant"
    assert await bot.repo.participants.audit_entries() == []


async def test_organizer_grants_and_revokes_with_audit(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    facilitator = emulator.user(12, "fr")
    await facilitator.send("/start")
    organizer = emulator.user(ORGANIZER_ID, "en")
    (unknown,) = await organizer.send("/grant facilitator 99999")
    assert unknown.text.startswith("I don't know user 99999 yet")
    (usage,) = await organizer.send("/grant someone")
    assert usage.text.startswith("Usage: /grant facilitator")
    (granted,) = await organizer.send("/grant facilitator 12")
    assert granted.text == "Test is now a facilitator."
    person = await bot.repo.participants.get(12)
    assert person is not None and person.role == "facilitator"
    (revoked,) = await organizer.send("/revoke facilitator 12")
    assert revoked.text == "Test is no longer a facilitator."
    entries = await bot.repo.participants.audit_entries()
    assert [(e["actor_id"], e["action"], e["target"]) for e in entries] == [
        (ORGANIZER_ID, "grant", "12"),
        (ORGANIZER_ID, "revoke", "12"),
    ]
