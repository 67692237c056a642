"""Hostile or odd input gets a short answer, never "something went wrong": digits that are not
ASCII, invisible characters, overlong names, empty button data, stickers and locations, and
edited messages (which never run or relay anything twice)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID, as_core, onboard

S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)
WRONG = "Sorry, something went wrong"


async def test_numbers_and_codes_in_other_scripts(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    user = emulator.user(701, "en", "Ama")
    await onboard(user, "English", "Ghana")
    await as_core(bot, user)
    (session,) = await user.send("/session ٣")  # an Arabic-Indic digit: not a session number
    assert session.text.startswith("Please give a session number from 0 to 10")
    for typed in ("³", "３"):  # superscript and full-width read as 3 (NFKC)
        (shown,) = await user.send(f"/session {typed}")
        assert shown.text.startswith("Session 3:")
    organizer = emulator.user(ORGANIZER_ID, "en")
    (invite,) = await organizer.send("/invite core PE ٢")
    assert invite.text.startswith("I don't know that country.")
    (invite,) = await organizer.send("/invite core PE ５ ３")
    assert "5" in invite.text and WRONG not in invite.text

    clock.set(S3 - timedelta(minutes=5))
    (shown,) = await organizer.send("/code 3 ４８２１")  # typed on a phone in full width
    assert shown.text.splitlines()[0] == "🔑 Check-in code for Session 3: 4821"
    (wrong,) = await user.send("/checkin ٤٨٢١")  # Arabic-Indic digits: not this code
    assert wrong.text == "That code is not right. Please check it and send it again."
    (done,) = await user.send("/checkin 48\u200b21")  # a zero-width space pasted along
    assert done.text.startswith("✅")
    (again,) = await user.send("/checkin ４８２１")
    assert WRONG not in again.text


async def test_an_overlong_typed_zone_and_empty_button_data(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(702, "en")
    await user.send("/start")
    await user.press("English")
    await user.press("Another country or time zone")
    for typed in ("Europe/" + "x" * 300, "Africa/\x00Accra", "../../etc/passwd"):
        (answer,) = await user.send(typed)
        assert answer.text.startswith("I don't know that time zone."), typed
    (home,) = await user.send("ａｍｅｒｉｃａ/ｌｉｍａ")  # full-width letters
    assert home.text == "Which of the program's countries are you part of?"
    await user.press_data("", expect=0)
    assert user.callback_answers[-1]["text"] == "This button no longer works. Please start again."


async def test_stickers_locations_and_contacts_get_a_short_answer(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(703, "es")
    await onboard(user, "Español", "Perú")
    expected = ("Disculpe, aquí solo puedo leer mensajes de texto y botones. /help muestra lo "
                "que puedo hacer.")
    for send in (user.send_sticker, user.send_location, user.send_contact):
        (answer,) = await send()
        assert answer.text == expected


async def test_edits_never_run_a_command_or_relay_a_reply_again(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    participant = emulator.user(704, "en", "Kofi")
    await onboard(participant, "English", "Ghana")
    await as_core(bot, participant)
    await organizer.send("/broadcast")
    await organizer.press("Core group")
    await organizer.press("Continue")
    await organizer.send("Questions about session 3?", expect=3)
    await organizer.press("Send now")
    await bot.join()
    broadcast = participant.last
    assert broadcast.text == "Questions about session 3?"
    (thanks,) = await participant.send("Is there a recording?", reply_to=broadcast)
    assert thanks.text.startswith("✓ Thank you!")
    await emulator.settle()
    staff_count = len(organizer.messages)
    assert organizer.messages[-1].text == "Is there a recording?"
    reply_id = participant.last_sent_id
    for n in range(3):
        (note,) = await participant.edit(reply_id, f"Is there a recording? (edit {n})",
                                         expect=1)
        assert note.text == ("Edits are not passed on. To correct your message, send a new "
                             "reply.")
    await emulator.settle()
    assert len(organizer.messages) == staff_count  # no copy of an edit reached the staff

    (schedule,) = await participant.send("/next")
    command_id = participant.last_sent_id
    count = len(participant.messages)
    assert await participant.edit(command_id, "/schedule") == []  # nothing runs again
    assert len(participant.messages) == count
