"""Networking end to end: the opt-in profile, suggestions, double opt-in introductions in two
languages (accept, decline, block), no contact details before acceptance, the limits."""

from __future__ import annotations

import json

from bot.emulator import BotAPIEmulator
from bot.networking.rules import MAX_OPEN_REQUESTS
from bot.services import Services
from tests.goal_helpers import member
from tests.helpers import ORGANIZER_ID
from tests.networking_helpers import contact_leaks, networker, seeded

ROSA, AWA, KOFI = 7_770_101, 7_770_202, 7_770_303


async def test_profile_is_off_until_turned_on_and_shows_what_others_see(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = await member(bot, emulator, ROSA, "en", "Peru", group="wider", first_name="Rosa")
    await bot.repo.participants.update(ROSA, bot.clock.now(), organization="Coop <Norandino>",
                                       sector="coop")
    (screen,) = await user.send("/network")
    assert "Your profile is off: nobody sees it." in screen.text
    assert "🇵🇪 Peru · Farmers' cooperative · Coop <Norandino>" in screen.text
    assert "Coop &lt;Norandino&gt;" in (screen.html or "")
    assert "Rosa" not in screen.text
    assert "Pick at least one topic you offer or seek" in screen.text
    (offers,) = await user.press("🎁")
    assert offers.text == "What do you offer others? Tap up to 5 topics; each tap is saved."
    await user.press("Agroforestry design")
    (ticked,) = await user.press("Market access")
    assert "✅ Agroforestry design" in ticked.button_texts()
    await user.press("↩️")
    await user.press("🔎")
    await user.press("Finance & funding")
    await user.press("↩️")
    await user.press("🗣")
    (langs,) = await user.press("French")
    assert "✅ English" in langs.button_texts() and "✅ French" in langs.button_texts()
    await user.press("↩️")
    await user.press("💬")
    (too_long,) = await user.send("x" * 201)
    assert too_long.text == "Please send one line of text of at most 200 characters."
    (saved,) = await user.send("We train <b>500</b> growers")
    assert saved.text.startswith("Saved.")
    (on,) = await user.press("▶️", message=saved)
    assert "Your profile is on. This is exactly what others see" in on.text
    assert on.text.splitlines()[3:8] == [
        "🇵🇪 Peru · Farmers' cooperative · Coop <Norandino>",
        "Offers: Agroforestry design and Market access",
        "Seeks: Finance & funding",
        "Speaks: English and French",
        "💬 We train <b>500</b> growers",
    ]
    assert "⏸ Turn off" in on.button_texts()
    profile = await bot.repo.networking.profile(ROSA)
    assert profile is not None and profile.visible
    assert (profile.offers, profile.seeks, profile.languages) == (
        ("agroforestry", "markets"), ("finance",), ("fr",))

    # Turned off: hidden from others at once.
    other = await networker(bot, emulator, KOFI, "en", "Ghana", offers=("finance",),
                            seeks=("agroforestry",))
    (before,) = await other.send("/matches")
    assert "Agroforestry design" in before.text
    await user.send("/network")
    (off,) = await user.press("⏸")
    assert "Your profile is off" in off.text
    (after,) = await other.send("/matches")
    assert after.text.startswith("No suggestions right now")
    (refused,) = await user.send("/matches")
    assert refused.text.startswith("Turn your networking profile on first")


async def test_double_opt_in_in_two_languages_with_no_contact_before_acceptance(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    rosa = await networker(bot, emulator, ROSA, "es", "Perú", offers=("agroforestry",),
                           seeks=("finance",), first_name="Rosa", username="rosa_pe")
    awa = await networker(bot, emulator, AWA, "fr", "Côte d'Ivoire", offers=("finance",),
                          seeks=("agroforestry",), first_name="Awa", username="awa_ci")
    (suggested,) = await rosa.send("/matches")  # in Rosa's language, Awa's card
    assert suggested.text.splitlines()[:6] == [
        "🤝 Personas que podría conocer", "", "1. 🇨🇮 Costa de Marfil",
        "Ofrece: Finanzas y financiamiento", "Busca: Diseño agroforestal", "Habla: francés"]
    assert ("Por qué: ofrece Finanzas y financiamiento, que usted busca · busca Diseño "
            "agroforestal, que usted ofrece · 🇨🇮 Costa de Marfil · otro continente") in (
        suggested.text)
    (prompt,) = await rosa.press("🤝 Conocer 1")
    assert prompt.button_texts() == ["📨 Enviar sin nota", "✖️ Cancelar"]
    (sent,) = await rosa.send("Buscamos financiamiento para 200 familias")
    assert sent.text.startswith("✓ Solicitud enviada.")
    await bot.join()
    asked = awa.last  # in Awa's language, Rosa's card and note
    assert asked.text.splitlines()[:6] == [
        "🤝 Une personne du programme aimerait vous rencontrer\u00a0:", "", "🇵🇪 Pérou",
        "Propose\u00a0: Conception agroforestière", "Recherche\u00a0: Finance et financement",
        "Parle\u00a0: espagnol"]
    assert "Son mot\u00a0: Buscamos financiamiento para 200 familias" in asked.text
    assert asked.button_texts() == ["✅ Accepter", "✖️ Refuser", "🚫 Bloquer cette personne"]
    # Nothing either of them was sent so far names the other or links to them.
    assert contact_leaks(rosa.messages, awa) == []
    assert contact_leaks(awa.messages, rosa) == []

    (introduced,) = await awa.press("✅", message=asked)
    await bot.join()
    assert introduced.text.startswith("🤝 Mise en relation\nRosa (@rosa_pe) et vous avez "
                                      "accepté de vous rencontrer.")
    assert '<a href="tg://user?id=7770101">Rosa</a>' in (introduced.html or "")
    assert "Son mot\u00a0: Buscamos financiamiento" in introduced.text
    to_rosa = rosa.last
    assert to_rosa.text.startswith("🤝 Presentación\nUsted y Awa (@awa_ci) aceptaron "
                                   "conocerse.")
    assert '<a href="tg://user?id=7770202">Awa</a>' in (to_rosa.html or "")
    request = await bot.repo.networking.between(ROSA, AWA)
    assert request is not None and request.status == "accepted"
    # Introduced: never suggested to each other again.
    (again,) = await rosa.send("/matches")
    assert "Costa de Marfil" not in again.text


async def test_a_decline_is_silent_and_a_block_is_for_good(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    rosa = await networker(bot, emulator, ROSA, "en", "Peru", offers=("agroforestry",),
                           seeks=("finance",), first_name="Rosa")
    awa = await networker(bot, emulator, AWA, "pt", "Gana", offers=("finance",),
                          seeks=("agroforestry",), first_name="Awa")
    await rosa.send("/matches")
    await rosa.press("🤝")
    await rosa.press("📨")  # without a note
    await bot.join()
    seen_by_rosa = len(rosa.messages)
    asked = awa.last
    assert asked.button_texts() == ["✅ Aceitar", "✖️ Recusar", "🚫 Bloquear esta pessoa"]
    (declined,) = await awa.press("✖️", message=asked)
    await bot.join()
    assert declined.text == ("Recusado. A pessoa não é avisada, e vocês não serão mais "
                             "sugeridos um ao outro.")
    assert declined.reply_markup is None
    assert len(rosa.messages) == seen_by_rosa  # Rosa is told nothing
    request = await bot.repo.networking.between(ROSA, AWA)
    assert request is not None and request.status == "declined"
    (rosa_list,) = await rosa.send("/matches")
    assert rosa_list.text.startswith("No suggestions right now")
    awa_profile = await bot.repo.networking.profile(AWA)
    assert awa_profile is not None
    await rosa.press_data(f"nw:m:{awa_profile.id}", expect=0)
    assert rosa.callback_answers[-1]["text"] == "You already asked to meet this person."

    kofi = await networker(bot, emulator, KOFI, "en", "Colombia", offers=("agroforestry",),
                           seeks=("finance",), first_name="Kofi")
    await kofi.send("/matches")
    await kofi.press("🤝")
    await kofi.press("📨")
    await bot.join()
    (blocked,) = await awa.press("🚫", message=awa.last)
    assert blocked.text.startswith("Bloqueada: essa pessoa nunca mais será sugerida a você")
    assert await bot.repo.networking.hidden_between(AWA, KOFI)
    (awa_list,) = await awa.send("/matches")
    assert "Colombia" not in awa_list.text


async def test_at_most_ten_open_requests(bot: Services, emulator: BotAPIEmulator) -> None:
    rosa = await networker(bot, emulator, ROSA, "en", "Peru", offers=("agroforestry",),
                           seeks=("finance",), first_name="Rosa")
    for n in range(MAX_OPEN_REQUESTS + 1):
        await seeded(bot, 8_000 + n, "GH", offers="finance")
    for n in range(MAX_OPEN_REQUESTS):
        assert await bot.repo.networking.add_request(ROSA, 8_000 + n, None, bot.clock.now(),
                                                     MAX_OPEN_REQUESTS)
    (suggested,) = await rosa.send("/matches")
    assert suggested.text.count("Why:") == 1  # the only one not asked yet
    await rosa.press("🤝", expect=0)
    assert rosa.callback_answers[-1]["text"] == (
        "You have 10 requests waiting for an answer, the most allowed. Ask again once some "
        "are answered.")
    assert await bot.repo.networking.open_count(ROSA) == MAX_OPEN_REQUESTS


async def test_asking_someone_who_asked_you_is_a_yes(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    rosa = await networker(bot, emulator, ROSA, "en", "Peru", offers=("agroforestry",),
                           seeks=("finance",), first_name="Rosa")
    awa = await networker(bot, emulator, AWA, "en", "Ghana", offers=("finance",),
                          seeks=("agroforestry",), first_name="Awa")
    await rosa.send("/matches")
    await rosa.press("🤝")
    await rosa.send("Hello from Peru")
    await bot.join()
    await awa.send("/matches")  # Rosa is not suggested: she asked already
    assert awa.last.text.startswith("No suggestions right now")
    profile = await bot.repo.networking.profile(ROSA)
    assert profile is not None
    (introduced,) = await awa.press_data(f"nw:m:{profile.id}")
    await bot.join()
    assert "tg://user?id=7770101" in (introduced.html or "")
    assert "Hello from Peru" in introduced.text
    assert "tg://user?id=7770202" in (rosa.last.html or "")


async def test_people_outside_the_program_cannot_network(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    guest = await member(bot, emulator, ROSA, "en", "Peru", group=None)
    (refused,) = await guest.send("/network")
    assert refused.text.startswith("Networking is for the program's participants.")
    (refused,) = await guest.send("/matches")
    assert refused.text.startswith("Networking is for the program's participants.")


async def test_mydata_and_forget_cover_networking(bot: Services, emulator: BotAPIEmulator) -> None:
    rosa = await networker(bot, emulator, ROSA, "en", "Peru", offers=("agroforestry",),
                           seeks=("finance",), first_name="Rosa")
    await networker(bot, emulator, AWA, "en", "Ghana", offers=("finance",), first_name="Awa")
    await rosa.send("/matches")
    await rosa.press("🤝")
    await rosa.send("Shall we talk about shade trees?")
    await bot.repo.networking.hide(ROSA, 8_001, bot.clock.now())
    await bot.join()
    (document,) = await rosa.send("/mydata")
    assert document.document is not None
    tables = json.loads(document.document[1])["tables"]
    assert tables["network_profiles"][0]["offers"] == "agroforestry"
    assert tables["network_requests"][0]["note"] == "Shall we talk about shade trees?"
    assert tables["network_hidden"][0]["hidden_user"] == "another person"  # not their id

    await rosa.send("/forget")
    await rosa.press("🗑")
    for table in ("network_profiles", "network_requests", "network_hidden"):
        rows = await bot.repo.db.fetch(f"SELECT * FROM {table}")
        assert all(ROSA not in tuple(row) for row in rows), table
    awa = emulator.users[AWA]
    (left,) = await awa.send("/matches")
    assert left.text.startswith("No suggestions right now")


async def test_nothing_personal_is_answered_in_a_group_chat(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    rosa = await networker(bot, emulator, ROSA, "es", "Perú", offers=("agroforestry",),
                           seeks=("finance",), first_name="Rosa")
    await networker(bot, emulator, AWA, "en", "Ghana", offers=("finance",), first_name="Awa")
    group = -1_000_777
    await emulator.add_bot_to_group(group, "Core Perú", ROSA)
    organizer = emulator.user(ORGANIZER_ID, "en")
    for user, command in ((rosa, "/matches"), (rosa, "/network"), (rosa, "/ask"),
                          (organizer, "/breakouts 9 2"), (organizer, "/questions")):
        (answer,) = await user.send_in_group(group, command)
        assert answer.text.startswith(("Esto es personal: solo lo respondo en nuestro chat "
                                       "privado.", "This is personal, so I only answer it in "
                                       "our private chat."))
        assert answer.button_texts() in (["Abrir el chat privado"], ["Open the private chat"])
    assert all("Ghana" not in m.text for m in emulator.messages_to(group))


async def test_forged_buttons_reach_nobody_who_would_not_be_suggested(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    rosa = await networker(bot, emulator, ROSA, "en", "Peru", offers=("agroforestry",),
                           seeks=("finance",), first_name="Rosa")
    kofi = await networker(bot, emulator, KOFI, "en", "Ghana", offers=("markets",),
                           first_name="Kofi")  # nothing Rosa seeks, nothing for her offer
    hidden = await networker(bot, emulator, AWA, "en", "Ghana", offers=("finance",),
                             turn_on=False)
    for user_id in (KOFI, AWA):
        profile = await bot.repo.networking.profile(user_id)
        assert profile is not None
        await rosa.press_data(f"nw:m:{profile.id}", expect=0)
        assert rosa.callback_answers[-1]["text"] == (
            "This person is no longer available for networking.")
    await rosa.press_data("nw:a:1:yes", expect=0)  # no such request
    assert rosa.callback_answers[-1]["text"] == "This button no longer works. Please start again."
    await bot.join()
    assert await bot.repo.networking.requests() == []
    assert not [m for m in kofi.messages + hidden.messages if "Rosa" in m.text]
