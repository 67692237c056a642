"""End to end: the real Application, long polling over HTTP against the emulator, real SQLite."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import as_core, onboard, skip_profile_questions

WORLD = "🇬🇭 14:00 · 🇨🇮 14:00 · 🇨🇴 09:00 · 🇵🇪 09:00 · 🇧🇷 11:00 · 🇩🇴 10:00"


@pytest.mark.parametrize(
    ("code", "welcome", "lang_button", "country_prompt", "country", "done"),
    [
        ("en", "Welcome!", "English", "Which country are you in?", "Ghana",
         "All set! Times are shown in Ghana time."),
        ("es", "¡Le damos la bienvenida!", "Español", "¿En qué país está?", "Perú",
         "¡Listo! Los horarios se muestran en hora de Perú."),
        ("fr", "Bienvenue\u00a0!", "Français", "Dans quel pays êtes-vous\u00a0?", "Côte d'Ivoire",
         "C'est fait\u00a0! Horaires affichés\u00a0: heure de la Côte d'Ivoire."),
        ("pt-BR", "Boas-vindas!", "Português", "Em que país você está?", "República Dominicana",
         "Tudo pronto! Horários exibidos: horário da República Dominicana."),
    ],
)
async def test_onboarding_in_each_language(
    bot: Services, emulator: BotAPIEmulator, code: str, welcome: str, lang_button: str,
    country_prompt: str, country: str, done: str,
) -> None:
    user = emulator.user(101, code)
    (first,) = await user.send("/start")
    assert first.text.startswith(welcome)  # Telegram's language_code is the first guess
    (picker,) = await user.press(lang_button)
    assert picker.text == country_prompt
    await user.press(country)
    finished = await skip_profile_questions(user)
    assert finished.text.startswith(done)
    person = await bot.repo.participants.get(101)
    assert person is not None and person.onboarded
    assert person.language == code[:2]


@pytest.mark.parametrize(
    ("lang", "country", "zone_button", "local", "zone_label", "until"),
    [
        ("Español", "Perú", None, "09:00", "hora de Perú", "en 4 días"),
        ("Español", "República Dominicana", None, "10:00", "hora de República Dominicana",
         "en 4 días"),
        ("Português", "Brasil", "São Paulo", "11:00", "horário de Brasília", "em 4 dias"),
        ("Português", "Brasil", "Manaus", "10:00", "horário de Manaus", "em 4 dias"),
        ("English", "Ghana", None, "14:00", "Ghana time", "in 4 days"),
    ],
)
async def test_next_schedule_and_session_in_local_time(
    bot: Services, emulator: BotAPIEmulator, lang: str, country: str, zone_button: str | None,
    local: str, zone_label: str, until: str,
) -> None:
    user = emulator.user(202, "en")
    await onboard(user, lang, country, zone_button)
    await as_core(bot, user)
    person = await bot.repo.participants.get(202)
    assert person is not None and person.zone is not None

    (reply,) = await user.send("/next")
    lines = reply.text.splitlines()
    assert lines[1].startswith(("Session 3:", "Sesión 3:", "Sessão 3:"))
    assert f"{local} ({zone_label})" in lines[3]
    assert lines[4] == f"⏳ {until}"
    assert lines[5] == f"🌍 {WORLD}"

    (program,) = await user.send("/schedule")
    assert zone_label in program.text
    current = [line for line in program.text.splitlines() if line.startswith("▶️")]
    assert len(current) == 1 and f"· {local} ·" in current[0] and current[0].startswith("▶️ 3.")
    past = [line for line in program.text.splitlines() if line.startswith("✓")]
    assert [p.split(".")[0] for p in past] == ["✓ 0", "✓ 1", "✓ 2"]

    (detail,) = await user.send("/session 3")
    assert f"{local} ({zone_label})" in detail.text
    assert "3" in detail.text.splitlines()[0]


async def test_dst_zone_follows_each_sessions_own_date(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    """Europe/Amsterdam: 15:00 on 24 March 2021 (CET), 16:00 on 14 April 2021 (CEST)."""
    user = emulator.user(303, "en")
    await user.send("/start")
    await user.press("English")
    (prompt,) = await user.press("Another country or time zone")
    assert "Europe/Paris" in prompt.text
    (bad,) = await user.send("Mars/Olympus")
    assert bad.text.startswith("I don't know that time zone")
    (home,) = await user.send("Europe/Amsterdam")
    assert home.text == "Which of the program's countries are you part of?"
    await user.press("None of these")  # a guest: any zone, no program country
    done = await skip_profile_questions(user)
    assert "Amsterdam time" in done.text
    (march,) = await user.send("/session 3")
    assert "15:00 (Amsterdam time)" in march.text
    (april,) = await user.send("/session 4")
    assert "16:00 (Amsterdam time)" in april.text
    assert "Wednesday, April 14, 2021" in april.text


async def test_changing_language_in_settings_changes_the_next_reply(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(404, "es")
    await onboard(user, "Español", "Colombia")
    await as_core(bot, user)
    (summary,) = await user.send("/settings")
    assert "Idioma: Español" in summary.text
    await user.press("Cambiar idioma")
    (changed,) = await user.press("Français")
    assert changed.edited and "Langue\u00a0: Français" in changed.text
    assert "heure de la Colombie" in changed.text
    (reply,) = await user.send("/next")
    assert reply.text.startswith("Prochaine session")
    assert "09:00 (heure de la Colombie)" in reply.text
    assert "dans 4\xa0jours" in reply.text  # Babel keeps French non-breaking spaces


async def test_changing_zone_in_settings(bot: Services, emulator: BotAPIEmulator) -> None:
    user = emulator.user(405, "pt")
    await onboard(user, "Português", "Brasil", "São Paulo")
    await user.send("/settings")
    await user.press("Mudar país ou fuso horário")
    await user.press("Brasil")
    (summary,) = await user.press("Manaus")
    assert "Fuso horário: horário de Manaus" in summary.text
    (reply,) = await user.send("/next")
    assert "10:00 (horário de Manaus)" in reply.text


async def test_program_over(bot: Services, emulator: BotAPIEmulator, clock: FakeClock) -> None:
    user = emulator.user(505, "es")
    await onboard(user, "Español", "Perú")
    await as_core(bot, user)
    clock.set(datetime(2021, 10, 6, 15, 0, tzinfo=UTC))
    (during,) = await user.send("/next")
    assert during.text.startswith("En curso ahora")
    assert "comenzó hace 1 hora" in during.text
    clock.set(datetime(2021, 10, 7, tzinfo=UTC))
    (over,) = await user.send("/next")
    assert over.text.startswith("El programa ha terminado")
    (program,) = await user.send("/schedule")
    assert "▶️" not in program.text and program.text.count("✓") == 11


async def test_command_menu_is_set_per_language(bot: Services, emulator: BotAPIEmulator) -> None:
    for lang, description in [("en", "When is the next session"),
                              ("es", "Cuándo es la próxima sesión"),
                              ("fr", "Quand a lieu la prochaine session"),
                              ("pt", "Quando é a próxima sessão")]:
        commands = {c["command"]: c["description"] for c in emulator.commands(lang)}
        assert commands["next"] == description
        assert set(commands) == {"next", "schedule", "session", "checkin", "me", "goals",
                                 "network", "ask", "reminders", "settings", "help", "start"}
    assert emulator.commands("")  # the default menu, for other languages


async def test_help_and_bad_input_get_localized_answers(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(606, "fr")
    (help_text,) = await user.send("/help")
    assert help_text.text.startswith("Ce que je sais faire")
    (bad_number,) = await user.send("/session 42")
    assert bad_number.text == (
        "Indiquez un numéro de session de 0 à 10, par exemple /session 3."
    )
    (not_a_number,) = await user.send("/session trois")
    assert not_a_number.text == bad_number.text
    (unknown,) = await user.send("/frobnicate")
    assert unknown.text.startswith("Désolé, je n'ai pas compris.")
    (chatter,) = await user.send("bonjour")
    assert chatter.text.startswith("Désolé, je n'ai pas compris.")


async def test_next_before_onboarding_uses_utc_and_says_so(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(707, None)
    (reply,) = await user.send("/next")
    assert "14:00" in reply.text
    assert "Choose your country in /settings" in reply.text


async def test_storage_is_a_real_sqlite_file_with_wal(bot: Services) -> None:
    if bot.repo.db.backend == "sqlite":
        assert bot.settings.database_path.exists()
    assert await bot.repo.schema_version() >= 1
