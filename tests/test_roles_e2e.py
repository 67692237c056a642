"""/grant and /revoke by id, @username and forwarded message; co-facilitators; /people."""

from __future__ import annotations

from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID


async def add_person(bot: Services, user_id: int, country: str | None, group: str | None,
                     username: str | None = None, first_name: str = "Test") -> None:
    """Setup shortcut: a registered person as onboarding or an invitation would leave them."""
    now = bot.clock.now()
    await bot.repo.participants.ensure(user_id, first_name=first_name, last_name=None,
                                      username=username, now=now)
    await bot.repo.participants.update(user_id, now, country=country, grp=group, onboarded=1,
                                      language="en")


async def test_grant_by_replying_to_a_forwarded_message(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    maria = emulator.user(81, "es", first_name="María", last_name="Quispe")
    await maria.send("/start")
    organizer = emulator.user(ORGANIZER_ID, "en")
    (info,) = await organizer.forward(maria, "Hola, ¿me pueden dar acceso?")
    assert info.text == (
        "Forwarded from María Quispe, user id 81. Reply to that message with /grant "
        "facilitator, /grant cofacilitator or /revoke facilitator.")
    forwarded = organizer.last_sent_id
    (granted,) = await organizer.send("/grant facilitator", reply_to=forwarded)
    assert granted.text == "María Quispe is now a facilitator."
    assert (await bot.repo.participants.get(81)).role == "facilitator"  # type: ignore[union-attr]
    (revoked,) = await organizer.send("/revoke facilitator", reply_to=forwarded)
    assert revoked.text == "María Quispe is no longer a facilitator."

    (hidden,) = await organizer.forward("Someone Private", "hello")
    assert hidden.text.startswith("That person hides their account in forwarded messages.")
    (refused,) = await organizer.send("/grant facilitator", reply_to=organizer.last_sent_id)
    assert refused.text == hidden.text
    (usage,) = await organizer.send("/grant facilitator")  # no person at all
    assert usage.text.startswith("Usage: /grant facilitator 123456789. The person:")

    # A participant forwarding something gets the usual answer, not the organizer's.
    (chatter,) = await maria.forward(organizer, "reenviado")
    assert chatter.text.startswith("Disculpe, no entendí.")
    entries = await bot.repo.participants.audit_entries()
    assert [(e["actor_id"], e["action"], e["target"], e["detail"]) for e in entries] == [
        (ORGANIZER_ID, "grant", "81", "facilitator"),
        (ORGANIZER_ID, "revoke", "81", "facilitator"),
    ]


async def test_grant_by_username_limited_to_countries(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    ana = emulator.user(82, "en", username="Ana_Staff")
    await ana.send("/next")
    organizer = emulator.user(ORGANIZER_ID, "en")
    (granted,) = await organizer.send("/grant facilitator @ana_staff PE, Colombia")
    assert granted.text == "Test is now a facilitator for 🇨🇴 Colombia, 🇵🇪 Peru."
    assert await bot.repo.people.facilitator_countries(82) == {"CO", "PE"}
    (unknown,) = await organizer.send("/grant facilitator @nobody_here")
    assert unknown.text == (
        "I don't know @nobody_here: they must open the bot and press Start first.")
    (bad_country,) = await organizer.send("/grant facilitator @ana_staff Atlantis")
    assert bad_country.text == "I don't know the country Atlantis."
    assert await bot.repo.people.facilitator_countries(82) == {"CO", "PE"}
    (unlimited,) = await organizer.send("/grant facilitator @Ana_Staff")
    assert unlimited.text == "Test is now a facilitator."
    assert await bot.repo.people.facilitator_countries(82) == set()
    await organizer.send("/revoke facilitator 82")
    person = await bot.repo.participants.get(82)
    assert person is not None and person.role == "participant"
    details = [e["detail"] for e in await bot.repo.participants.audit_entries()]
    assert details == ["facilitator:CO,PE", "facilitator", "facilitator"]


async def test_co_facilitator_is_limited_to_their_country(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    await add_person(bot, 91, "PE", "core", first_name="Rosa")
    await add_person(bot, 92, "PE", "wider", first_name="Luis")
    await add_person(bot, 93, "CO", "core", first_name="Camila")
    await add_person(bot, 94, "CO", "wider", first_name="Andrés")
    organizer = emulator.user(ORGANIZER_ID, "en")
    (refused,) = await organizer.send("/grant cofacilitator 92")
    assert refused.text.startswith("Luis is not a core participant of a country")
    (granted,) = await organizer.send("/grant cofacilitator 91")
    assert granted.text == "Rosa is now a co-facilitator for 🇵🇪 Peru."
    assert await bot.repo.people.facilitator_countries(91) == {"PE"}

    rosa = emulator.user(91, "en", first_name="Rosa")
    (summary,) = await rosa.send("/people")
    assert summary.text.splitlines()[:2] == ["People: 2", "core group: 1 · wider group: 1"]
    assert "Colombia" not in summary.text
    assert "🇵🇪 Peru" in summary.button_texts() and "🇨🇴 Colombia" not in summary.button_texts()
    (peru,) = await rosa.press("🇵🇪 Peru")
    assert "Luis" in peru.text and "Camila" not in peru.text
    (other,) = await rosa.send("/people CO")
    assert other.text == "Sorry, you can see the people only of Peru."
    (forged,) = await rosa.press_data("ppl:CO:all")
    assert forged.text == other.text
    (everyone,) = await rosa.press_data("ppl:all:all")
    assert "Rosa" in everyone.text and "Andrés" not in everyone.text

    # An organizer (and an unlimited facilitator) sees every country.
    (all_people,) = await organizer.send("/people")
    assert all_people.text.splitlines()[:2] == ["People: 4", "core group: 2 · wider group: 2"]
    (core,) = await organizer.send("/people core")
    assert "Rosa" in core.text and "Camila" in core.text and "Luis" not in core.text
    assert "facilitator" in next(line for line in core.text.splitlines() if "Rosa" in line)

    participant = emulator.user(94, "en", first_name="Andrés")
    (no,) = await participant.send("/people")
    assert no.text == "Sorry, only facilitators and organizers can do that."


async def test_people_filters_and_counts(bot: Services, emulator: BotAPIEmulator) -> None:
    for i in range(7):
        await add_person(bot, 100 + i, "GH", "core", first_name=f"Kofi{i}")
    await add_person(bot, 110, "GH", "wider", first_name="Ama")
    await add_person(bot, 111, None, None, first_name="Nomad")
    await bot.repo.participants.ensure(112, first_name="Stranger", last_name=None, username=None,
                                      now=bot.clock.now())  # wrote once, never registered
    organizer = emulator.user(ORGANIZER_ID, "en")
    (summary,) = await organizer.send("/people")
    lines = summary.text.splitlines()
    assert lines[:2] == ["People: 9", "core group: 7 · wider group: 1 · no group: 1"]
    assert "🇬🇭 Ghana — core group: 7 · wider group: 1" in lines
    assert "No country — no group: 1" in lines
    (ghana_core,) = await organizer.send("/people Ghana core")
    assert ghana_core.text.startswith("People: 7")
    (none,) = await organizer.press("No group", message=summary)
    assert "Nomad" in none.text and "Kofi0" not in none.text
    (bad,) = await organizer.send("/people Atlantis")
    assert bad.text.startswith("Usage: /people")
