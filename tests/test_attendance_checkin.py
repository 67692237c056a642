"""Participants check in end to end: window, late flag, double taps, forged buttons, codes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.attendance.keyboards import checkin_keyboard
from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, FakeUser
from bot.services import Services
from tests.helpers import ORGANIZER_ID, as_core, onboard

S3_START = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)  # ends 17:00, check-in opens 13:45


async def status(bot: Services, user_id: int, session: int = 3) -> str | None:
    record = await bot.repo.attendance.get(user_id, session)
    return record.status if record else None


async def test_window_late_flag_and_double_tap(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    ana = emulator.user(21, "es", "Ana")
    await onboard(ana, "Español", "Perú")
    await as_core(bot, ana)
    clock.set(S3_START - timedelta(minutes=30))
    (early,) = await ana.send("/checkin")
    # Opening time in her own zone: 13:45 UTC is 08:45 in Lima.
    assert early.text == (
        "El registro de asistencia aún no está abierto. Para la sesión 3 se abre el "
        "miércoles 24 de marzo de 2021 a las 08:45 (hora de Perú)."
    )
    assert await status(bot, 21) is None

    clock.set(S3_START - timedelta(minutes=10))
    (done,) = await ana.send("/checkin")
    assert done.text == "✅ Asistencia registrada para la sesión 3. ¡Le damos la bienvenida!"
    (again,) = await ana.send("/checkin")
    assert again.text == "Ya tiene la asistencia registrada para la sesión 3 (desde las 08:50)."
    record = await bot.repo.attendance.get(21, 3)
    assert record is not None and record.status == "present" and record.method == "command"
    assert record.checked_in_at == S3_START - timedelta(minutes=10)

    kofi = emulator.user(22, "en", "Kofi")
    await onboard(kofi, "English", "Ghana")
    await as_core(bot, kofi)
    clock.set(S3_START + timedelta(minutes=16))
    (late,) = await kofi.send("/checkin")
    assert late.text == "⏰ You are checked in for Session 3, recorded as late."
    assert await status(bot, 22) == "late"

    # After the end: /checkin points to the next session; a stale button says "closed".
    clock.set(S3_START + timedelta(hours=3))
    yaw = emulator.user(23, "en", "Yaw")
    await onboard(yaw, "English", "Ghana")
    await as_core(bot, yaw)
    (closed_cmd,) = await yaw.send("/checkin")
    assert closed_cmd.text.startswith(
        "Check-in is not open yet. Check-in for Session 4 opens on Wednesday, 14 April 2021 at "
        "13:45 (Ghana time).")
    (stale,) = await yaw.press_data("ci:3:23")
    assert stale.text == "Check-in for Session 3 is closed: the session has ended."
    assert await status(bot, 23) is None
    assert await bot.repo.attendance.count() == 2

    clock.set(datetime(2021, 10, 7, tzinfo=UTC))
    (over,) = await yaw.send("/checkin")
    assert over.text == "Check-in is closed: all your sessions have ended."


async def test_button_from_me_and_double_tap(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    user = emulator.user(31, "fr", "Awa")
    await onboard(user, "Français", "Côte d'Ivoire")
    await as_core(bot, user)
    clock.set(S3_START + timedelta(minutes=1))
    (me,) = await user.send("/me")
    assert ("✅ Je suis là", "ci:3:31") in [b for row in me.buttons() for b in row]
    (first,) = await user.press("Je suis là", message=me)
    assert first.text == "✅ Votre présence à la session 3 est enregistrée. Bienvenue\u00a0!"
    (second,) = await user.press("Je suis là", message=me)
    assert second.text.startswith("Votre présence à la session 3 est déjà enregistrée")
    record = await bot.repo.attendance.get(31, 3)
    assert record is not None and record.method == "button" and record.status == "present"
    assert await bot.repo.attendance.count() == 1


async def test_checkin_keyboard_contract(bot: Services, emulator: BotAPIEmulator,
                                         clock: FakeClock) -> None:
    """The reminders feature sends this keyboard; pressing it checks the person in."""
    user = emulator.user(41, "pt-BR")
    await onboard(user, "Português", "Brasil", "São Paulo")
    await as_core(bot, user)
    person = await bot.repo.participants.get(41)
    assert person is not None
    keyboard = checkin_keyboard(bot.viewer(person), 3, 41)
    (button,) = keyboard.inline_keyboard[0]
    assert (button.text, button.callback_data) == ("✅ Estou aqui", "ci:3:41")
    clock.set(S3_START)
    (reply,) = await user.press_data(str(button.callback_data))
    assert reply.text == "✅ Presença registrada na sessão 3. Boas-vindas!"


async def test_forged_and_foreign_buttons_are_refused(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    mallory = emulator.user(51, "en")
    victim = emulator.user(52, "en")
    wider = emulator.user(53, "en")
    for u in (mallory, victim, wider):
        await u.send("/start")
    await as_core(bot, mallory, victim)
    await bot.repo.participants.update(53, clock.now(), grp="wider")
    clock.set(S3_START)

    async def refused(user: FakeUser, data: str) -> str:
        assert await user.press_data(data, expect=0) == []
        return str(user.callback_answers[-1]["text"])

    not_yours = "This button is not for you. Send /checkin to check in."
    assert await refused(mallory, "ci:3:52") == not_yours  # another user's id
    assert await refused(mallory, "ci:3") == not_yours  # malformed
    assert await refused(mallory, "ci:x:51") == not_yours
    assert await refused(mallory, "ci:99:51") == (
        "This button is out of date. Send /checkin to check in."
    )
    # Session 3 is for the core group only.
    assert await refused(wider, "ci:3:53") == "Session 3 is not part of your group's program."
    (wider_cmd,) = await wider.send("/checkin")
    assert wider_cmd.text.startswith("Check-in is not open yet. Check-in for Session 6 opens")
    # Another (past) session of the right audience: closed.
    (old,) = await mallory.press_data("ci:2:51")
    assert old.text == "Check-in for Session 2 is closed: the session has ended."
    assert all(a.get("show_alert") for a in mallory.callback_answers[:-1])
    assert await bot.repo.attendance.count() == 0
    assert victim.messages[-1].text.startswith("Welcome!")  # nothing reached the victim


async def test_code_required_wrong_codes_throttled(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    facilitator = emulator.user(61, "en", "Fac")
    await facilitator.send("/start")
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/grant facilitator 61")
    participant = emulator.user(62, "en", "Pat")
    guesser = emulator.user(63, "en", "Guess")
    for u in (participant, guesser):
        await onboard(u, "English", "Ghana")
        await as_core(bot, u)
    clock.set(S3_START - timedelta(minutes=5))

    (refused,) = await participant.send("/code 3")
    assert refused.text == "Sorry, only facilitators and organizers can do that."
    (shown,) = await facilitator.send("/code 3 af7k")
    assert shown.text.splitlines()[0] == "🔑 Check-in code for Session 3: AF7K"
    assert await bot.repo.attendance.code(3) == "AF7K"

    (ask,) = await participant.send("/checkin")
    assert ask.text.startswith("Session 3 needs the check-in code read out in the call.")
    (wrong,) = await participant.send("1234")
    assert wrong.text == "That code is not right. Please check it and send it again."
    (ok,) = await participant.send("af 7k")  # spaces and case do not matter
    assert ok.text == "✅ You are checked in for Session 3. Welcome!"
    # The wait for a code is over: plain text is not a code any more.
    (plain,) = await participant.send("hello")
    assert plain.text.startswith("Sorry, I did not understand that.")

    for _ in range(4):
        (no,) = await guesser.send("/checkin 0000")
        assert no.text.startswith("That code is not right.")
    (locked,) = await guesser.send("/checkin 0001")
    assert locked.text == "Too many wrong codes. Please try again at 14:05."
    (still,) = await guesser.send("/checkin AF7K")  # even the right code waits
    assert still.text == "Too many wrong codes. Please try again at 14:05."
    assert await status(bot, 63) is None
    clock.advance(timedelta(minutes=10))
    (button_ask,) = await guesser.press_data("ci:3:63")
    assert button_ask.text.startswith("Session 3 needs the check-in code")
    (in_,) = await guesser.send("AF7K")
    assert in_.text == "✅ You are checked in for Session 3. Welcome!"

    (generated,) = await facilitator.send("/code 4 new")
    code4 = await bot.repo.attendance.code(4)
    assert code4 is not None and len(code4) == 4 and code4 in generated.text
    (again,) = await facilitator.send("/code 4")
    assert code4 in again.text
    (off,) = await facilitator.send("/code 4 off")
    assert off.text == "Session 4 no longer needs a code to check in."
    assert await bot.repo.attendance.code(4) is None
    actions = [(e["action"], e["target"], e["detail"])
               for e in await bot.repo.participants.audit_entries()]
    assert ("checkin_code", "session 3", "set") in actions
    assert ("checkin_code", "session 4", "off") in actions
