"""Staff find their tools: their own command menu (a chat scope), the staff part of /help, and
a notice in their language when an organizer grants or revokes their rights."""

from __future__ import annotations

from bot.config import LANGUAGES
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID, BotRunner, onboard

PARTICIPANT = {"next", "schedule", "session", "checkin", "me", "goals", "network", "ask",
               "reminders", "settings", "help", "start"}
FACILITATOR = {"people", "person", "attendance", "code", "correct", "broadcast", "broadcasts",
               "review", "coaching", "stats", "materials", "feedback", "certificates", "questions",
               "digest", "networking", "breakouts"}
ORGANIZER = {"invite", "invites", "roster", "grant", "revoke", "export", "reload", "joinlink",
             "move", "changes", "status"}
TOOLS = ("/people, /person, /attendance, /code, /correct, /broadcast, /broadcasts, /review, "
         "/coaching, /stats, /materials, /feedback, /certificates, /questions, /digest, "
         "/networking, /breakouts")
ORGANIZER_HELP = ("/invite", "/invites", "/roster", "/grant", "/revoke", "/export", "/reload",
                  "/joinlink", "/move", "/changes", "/status", "/link", "/unlink",
                  "Organizer tools")


def chat_menu(emulator: BotAPIEmulator, user_id: int) -> dict[str, str]:
    """The menu Telegram shows in this person's private chat, if one was set for it."""
    scope = {"type": "chat", "chat_id": user_id}
    return {c["command"]: c["description"] for c in emulator.commands("", scope)}


def participant_menus_unchanged(emulator: BotAPIEmulator) -> None:
    for lang in ("", *LANGUAGES):
        assert {c["command"] for c in emulator.commands(lang)} == PARTICIPANT


async def test_grant_and_revoke_change_the_menu_and_tell_the_person(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    kofi = emulator.user(301, "en", "Kofi")
    await onboard(kofi, "English", "Ghana")
    ana = emulator.user(302, "es", "Ana")
    await onboard(ana, "Español", "Perú")
    await bot.repo.participants.update(302, bot.clock.now(), grp="core")
    organizer = emulator.user(ORGANIZER_ID, "en")
    assert chat_menu(emulator, 301) == {}

    (granted,) = await organizer.send("/grant facilitator 301 GH")
    assert granted.text == "Kofi is now a facilitator for 🇬🇭 Ghana."
    menu = chat_menu(emulator, 301)
    assert set(menu) == PARTICIPANT | FACILITATOR
    assert menu["next"] == "When is the next session"
    assert menu["people"] == "Who takes part, by country and group"
    (granted,) = await organizer.send("/grant cofacilitator 302")
    assert granted.text == "Ana is now a co-facilitator for 🇵🇪 Peru."
    menu = chat_menu(emulator, 302)  # in her stored language
    assert set(menu) == PARTICIPANT | FACILITATOR
    assert menu["next"] == "Cuándo es la próxima sesión"
    assert menu["attendance"] == "Quién registró su asistencia a una sesión"
    participant_menus_unchanged(emulator)

    await bot.join()  # the notices go out in the background
    assert kofi.last.text == (
        f"🧰 You are now a facilitator for 🇬🇭 Ghana. Your tools: {TOOLS}. /help explains "
        "them; they are also in your command menu.")
    assert ana.last.text == (
        "🧰 Ahora tiene el rol de cofacilitación (🇵🇪 Perú): cuenta con los permisos de "
        f"facilitación para el grupo de su país. Sus herramientas: {TOOLS}. /help las explica; "
        "también aparecen en su menú de comandos.")

    (revoked,) = await organizer.send("/revoke facilitator 302")
    assert revoked.text == "Ana is no longer a facilitator."
    assert emulator.commands("", {"type": "chat", "chat_id": 302}) == []  # the scope is gone
    assert set(chat_menu(emulator, 301)) == PARTICIPANT | FACILITATOR
    participant_menus_unchanged(emulator)
    await bot.join()
    assert ana.last.text == (
        "Ya no tiene permisos de facilitación; sus datos de participante no cambian. /help "
        "muestra lo que puede hacer.")
    told = len(ana.messages)
    await organizer.send("/revoke facilitator 302")  # no longer a facilitator: nothing to tell
    await bot.join()
    assert len(ana.messages) == told

    (unlimited,) = await organizer.send("/grant facilitator 301")
    assert unlimited.text == "Kofi is now a facilitator."
    await bot.join()
    assert kofi.last.text.startswith("🧰 You are now a facilitator for every country. Your tools:")


async def test_organizers_keep_their_menu_and_get_no_notice(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/help")
    (revoked,) = await organizer.send(f"/revoke facilitator {ORGANIZER_ID}")
    assert revoked.text == "Test is no longer a facilitator."
    assert set(chat_menu(emulator, ORGANIZER_ID)) == PARTICIPANT | FACILITATOR | ORGANIZER
    await organizer.send(f"/grant facilitator {ORGANIZER_ID}")
    assert set(chat_menu(emulator, ORGANIZER_ID)) == PARTICIPANT | FACILITATOR | ORGANIZER
    await bot.join()
    assert organizer.last.text == "Test is now a facilitator."


async def test_language_change_and_forget_update_a_staff_menu(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    fac = emulator.user(331, "en", "Amara")
    await onboard(fac, "English", "Ghana")
    participant = emulator.user(332, "en", "Yao")
    await onboard(participant, "English", "Ghana")
    await emulator.user(ORGANIZER_ID, "en").send("/grant facilitator 331 GH")
    assert chat_menu(emulator, 331)["people"] == "Who takes part, by country and group"
    await bot.join()

    await fac.send("/settings")
    await fac.press("Change language")
    await fac.press("Français")
    menu = chat_menu(emulator, 331)
    assert set(menu) == PARTICIPANT | FACILITATOR
    assert menu["people"] == "Qui participe, par pays et par groupe"
    assert menu["next"] == "Quand a lieu la prochaine session"

    await participant.send("/settings")
    await participant.press("Change language")
    await participant.press("Português")
    assert chat_menu(emulator, 332) == {}  # participants keep the per-language menu

    await fac.send("/forget")
    await fac.press("🗑 Oui, effacer mes données")
    assert chat_menu(emulator, 331) == {}  # the tools went with the rights
    participant_menus_unchanged(emulator)


async def test_a_restart_publishes_every_staff_menu(
    run_bot: BotRunner, emulator: BotAPIEmulator
) -> None:
    async with run_bot() as bot:
        fac = emulator.user(311, "pt-BR", "João")
        await onboard(fac, "Português", "Brasil", "São Paulo")
        participant = emulator.user(312, "en", "Esi")
        await onboard(participant, "English", "Ghana")
        await emulator.user(ORGANIZER_ID, "en").send("/grant facilitator 311 BR")
        await bot.join()
    emulator.my_commands.clear()  # as if the menus had been lost: the next start sets them
    async with run_bot():
        menu = chat_menu(emulator, 311)
        assert set(menu) == PARTICIPANT | FACILITATOR
        assert menu["people"] == "Quem participa, por país e grupo"
        organizer = chat_menu(emulator, ORGANIZER_ID)  # never picked a language: the default
        assert set(organizer) == PARTICIPANT | FACILITATOR | ORGANIZER
        assert organizer["grant"] == "Give facilitator rights"
        assert organizer["next"] == "When is the next session"
        assert chat_menu(emulator, 312) == {}
        participant_menus_unchanged(emulator)


async def test_help_shows_the_tools_of_each_role(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    participant = emulator.user(341, "en", "Kwame")
    await onboard(participant, "English", "Ghana")
    (plain,) = await participant.send("/help")
    assert plain.text.startswith("What I can do")
    assert "Facilitator tools" not in plain.text
    # /coaching is also a participant command (their group's coaching hour).
    for command in (FACILITATOR | ORGANIZER) - {"coaching"}:
        assert f"/{command}" not in plain.text, command

    organizer = emulator.user(ORGANIZER_ID, "en")
    (full,) = await organizer.send("/help")
    lines = full.text.splitlines()
    assert lines.index("/help: this message") < lines.index("Facilitator tools") \
        < lines.index("Organizer tools")
    for text in ORGANIZER_HELP + tuple(f"/{c}" for c in FACILITATOR):
        assert text in full.text, text
    assert "/grant facilitator PERSON [COUNTRY ...] or /grant cofacilitator PERSON: give " \
        "facilitator rights" in lines
    assert "Your countries" not in full.text

    fac = emulator.user(342, "fr", "Awa")
    await onboard(fac, "Français", "Ghana")
    await organizer.send("/grant facilitator 342 GH")
    await bot.join()
    (staff,) = await fac.send("/help")
    assert staff.text.startswith("Ce que je sais faire")
    assert "Outils de facilitation\nVos pays\xa0: 🇬🇭 Ghana\n/people\xa0: qui participe" \
        in staff.text
    for command in FACILITATOR:
        assert f"/{command}" in staff.text, command
    assert "/export people" in staff.text  # the one export facilitators may ask for
    for text in ORGANIZER_HELP + ("Outils d'organisation",):
        assert text not in staff.text.replace("/export people", ""), text
