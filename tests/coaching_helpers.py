"""Helpers for the coaching tests: a schedule with a join link, a Ghana core group living in
several zones, a facilitator in Amsterdam, and the poll sent."""

from __future__ import annotations

from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.schedule import Schedule
from bot.services import Services
from tests.goal_helpers import member, wait_for
from tests.helpers import ORGANIZER_ID

LINK = "https://meet.example.org/ghana-coaching"
COACH = 700
# 23 March 2021 14:00 UTC and 25 March 2021 15:30 UTC, typed in Amsterdam (UTC+1 then).
TIMES = "2021-03-23 15:00\n25/03/2021 16:30"


def with_link(schedule: Schedule) -> Schedule:
    coaching = schedule.coaching.model_copy(update={"meeting_link": LINK})
    return schedule.model_copy(update={"coaching": coaching})


async def ghana_group(svc: Services, emulator: BotAPIEmulator) -> dict[str, FakeUser]:
    """Four Ghana core members: Kofi in Accra (en), Rosa in Lima (es), João in Manaus (pt),
    Awa in Abidjan (fr); Peru's Luis is in another group."""
    people = {
        "kofi": (71, "en", "Ghana", "Africa/Accra"),
        "rosa": (72, "es", "Ghana", "America/Lima"),
        "joao": (73, "pt", "Gana", "America/Manaus"),
        "awa": (74, "fr", "Ghana", "Africa/Abidjan"),
    }
    out = {}
    for name, (uid, lang, button, zone) in people.items():
        out[name] = await member(svc, emulator, uid, lang, button, first_name=name.title())
        await svc.repo.participants.update(uid, svc.clock.now(), zone=zone, country="GH")
    out["luis"] = await member(svc, emulator, 75, "es", "Perú", first_name="Luis")
    return out


async def coach(svc: Services, emulator: BotAPIEmulator, countries: str = "") -> FakeUser:
    """A facilitator (limited to `countries` when given) living in Amsterdam."""
    user = await member(svc, emulator, COACH, "en", "Ghana", group=None, first_name="Coach")
    await svc.repo.participants.update(COACH, svc.clock.now(), zone="Europe/Amsterdam")
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send(f"/grant facilitator {COACH} {countries}".strip(), expect=1)
    await wait_for(emulator, lambda: any("facilitator" in m.text for m in user.messages))
    return user


async def send_poll(svc: Services, emulator: BotAPIEmulator, facilitator: FakeUser,
                    members: list[FakeUser], times: str = TIMES) -> BotMessage:
    """/coaching GH, the times, Send: returns the live tally message."""
    await facilitator.send("/coaching GH")
    (preview,) = await facilitator.send(times)
    assert preview.button_texts() == ["📤 Send the poll", "✖️ Cancel"], preview.text
    events = await facilitator.press("Send the poll", expect=2)
    tally = events[-1]
    await wait_for(emulator, lambda: all(
        any("I can" in t or "Puedo" in t or "Posso" in t or "Je peux" in t
            for t in m.last.button_texts()) for m in members if m.messages))
    await svc.join()
    return tally
