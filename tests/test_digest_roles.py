"""/digest and the digest's "write to those who missed it", walked by every role (participant,
facilitator limited to another country, co-facilitator, organizer), in two languages; then
the digest after session 4 reaches only those who left it on and have something to read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator, FakeUser
from bot.jobs import fire_due
from bot.services import Services
from bot.warnings.keyboards import WriteAbsentees
from tests.helpers import ORGANIZER_ID, BotRunner, as_core, onboard

PARTICIPANT, PE_FAC, CO_FAC, KOFI = 401, 402, 403, 404

REFUSED = {"en": "Sorry, only facilitators and organizers can do that.",
           "es": "Disculpe, solo los facilitadores y organizadores pueden hacer eso."}
SCREEN = {"en": ("📋 Digest for facilitators", "After each session", "Weekly, Monday 09:00",
                 "Off", "The digest after sessions is off."),
          "es": ("📋 Resumen para facilitadores", "Después de cada sesión",
                 "Semanal, lunes 09:00", "Desactivado",
                 "El resumen después de las sesiones está desactivado.")}


@dataclass(frozen=True)
class Role:
    user_id: int
    lang: str
    allowed: bool
    leaves_it: str  # the digest setting they end with


ROLES = {
    "participant": Role(PARTICIPANT, "es", False, "session"),
    "facilitator of another country": Role(PE_FAC, "es", True, "session"),
    "co-facilitator": Role(CO_FAC, "en", True, "session"),
    "organizer": Role(ORGANIZER_ID, "en", True, "off"),
}


async def people(bot: Services, emulator: BotAPIEmulator) -> dict[int, FakeUser]:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    users = {ORGANIZER_ID: organizer}
    for uid, lang, button, country, name in (
        (PARTICIPANT, "es", "Español", "Perú", "Rosa"), (PE_FAC, "es", "Español", "Perú", "Julio"),
        (CO_FAC, "en", "English", "Ghana", "Efua"), (KOFI, "en", "English", "Ghana", "Kofi"),
    ):
        users[uid] = emulator.user(uid, lang, name)
        await onboard(users[uid], button, country)
    await as_core(bot, users[PARTICIPANT], users[CO_FAC], users[KOFI])
    await bot.repo.participants.update(PE_FAC, bot.clock.now(), grp=None)
    await organizer.send(f"/grant facilitator {PE_FAC} PE")
    await organizer.send(f"/grant cofacilitator {CO_FAC}")
    await bot.join()
    return users


@pytest.mark.parametrize("name", list(ROLES))
async def test_digest_by_role(name: str, bot: Services, emulator: BotAPIEmulator,
                              clock: FakeClock) -> None:
    role = ROLES[name]
    users = await people(bot, emulator)
    user = users[role.user_id]
    (screen,) = await user.send("/digest")
    title, on, weekly, off, is_off = SCREEN[role.lang]
    if not role.allowed:
        assert screen.text == REFUSED[role.lang]
        await user.press_data("dg:m:off", expect=0)
        await user.press_data(WriteAbsentees(4).pack(), expect=0)
        assert await bot.repo.warnings.modes() == {}
        assert await bot.repo.db.fetch("SELECT id FROM broadcasts") == []
        return
    assert screen.text.splitlines()[0] == title
    assert screen.button_texts() == ["✅ " + on, weekly, off]
    (turned,) = await user.press(off)
    assert turned.text.splitlines()[-1] == is_off
    assert turned.button_texts() == [on, weekly, "✅ " + off]
    if role.leaves_it == "session":
        await user.press(on)
    assert await bot.repo.warnings.mode(role.user_id) == role.leaves_it

    # Session 4: Kofi (Ghana) misses it, everyone else checks in.
    s4 = bot.schedule.sessions[4]
    clock.set(s4.start + timedelta(minutes=5))
    for uid in (PARTICIPANT, CO_FAC):
        await bot.repo.attendance.check_in(uid, 4, "present", "button", clock.now())
    clock.set(s4.end + timedelta(minutes=1))
    await fire_due(bot.app, clock)
    await bot.join()
    digests = {uid: [m for m in u.messages if m.text.startswith("📋 ") and "4" in
                     m.text.splitlines()[0]] for uid, u in users.items()}
    expected = {CO_FAC} | ({ORGANIZER_ID} if role.leaves_it == "session" else set())
    assert {uid for uid, got in digests.items() if got} == expected
    (co,) = digests[CO_FAC]
    assert "Kofi" in co.text and "Rosa" not in co.text

    # "Write to those who missed it": the broadcast flow, within the author's countries.
    if role.user_id == CO_FAC:
        (audience,) = await user.press("Write to those who missed it", message=co)
    else:
        (audience,) = await user.press_data(WriteAbsentees(4).pack())
    lines = audience.text.splitlines()
    assert lines[0].startswith("📣")
    assert lines[-2] == {
        "en": "👥 core group · did not check in to session 4",
        "es": "👥 grupo núcleo · no registraron asistencia en la sesión 4"}[role.lang]
    # Kofi for Ghana's co-facilitator and the organizer; nobody of Peru missed it.
    assert lines[-1].endswith(": 0" if role.user_id == PE_FAC else ": 1")


async def test_weekly_digest_on_monday_morning_in_the_facilitators_zone(
    run_bot: BotRunner, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    async with run_bot() as bot:
        users = await people(bot, emulator)
        pe = users[PE_FAC]
        await pe.send("/digest")
        (chosen,) = await pe.press("Semanal, lunes 09:00")
        assert chosen.text.splitlines()[-1].startswith("Cada lunes a las 09:00 (su hora)")
        s3 = bot.schedule.sessions[3]  # Wednesday 24 March 2021; Rosa and Kofi miss it
        clock.set(s3.end + timedelta(minutes=1))
        await fire_due(bot.app, clock)
        await bot.join()
        assert [m for m in pe.messages if m.text.startswith(("📋 Después", "🗓"))] == []
        clock.set(datetime(2021, 3, 29, 13, 59, tzinfo=UTC))  # Monday, 08:59 in Lima
        await fire_due(bot.app, clock)
        await bot.join()
        assert [m for m in pe.messages if m.text.startswith("🗓")] == []
        clock.set(datetime(2021, 3, 29, 14, 0, tzinfo=UTC))  # 09:00 in Lima
        await fire_due(bot.app, clock)
        await bot.join()
        (week,) = [m for m in pe.messages if m.text.startswith("🗓")]
        lines = week.text.splitlines()
        assert lines[:3] == ["🗓 Su resumen semanal", "", "📋 Después de la sesión 3"]
        assert "⚠️ Rosa · segunda ausencia seguida" in lines and "Kofi" not in week.text
        assert lines[-1] == ("Toque un nombre para ver la ficha de la persona. /digest: "
                             "desactivar o activar este resumen.")
        assert week.button_texts() == ["👤 Rosa", "✉️ Escribir a quienes faltaron a la sesión 3"]
    clock.advance(timedelta(hours=1))
    async with run_bot() as bot:  # a restart the same morning sends nothing again
        await fire_due(bot.app, clock)
        await bot.join()
    assert len([m for m in pe.messages if m.text.startswith("🗓")]) == 1
