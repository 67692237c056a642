"""A scheduled broadcast never widens (issue 29, item 1).

When scheduled, its audience is fixed in countries (the author's countries then, within the
chosen ones). When due, it is checked against the author's rights at that moment: revoked or
narrowed rights hold it (nobody gets it; the author and the organizers are told); widened
rights send it to its fixed countries only. A table over every audience kind x the three
changes, on the real Application over the emulator.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import jobs
from bot.broadcasts.rules import Audience
from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.services import Services
from tests.helpers import ORGANIZER_ID
from tests.test_broadcast_e2e import ACTIVE, PEOPLE, received, seed

AUTHOR = 120
DUE = datetime(2021, 3, 24, 13, 30, tzinfo=UTC)

# audience kind -> (buttons on the audience screen, who it reaches within Ghana and Peru)
KINDS: dict[str, tuple[list[str], set[int]]] = {
    "everyone": ([], {201, 202, 206, 207}),
    "group": (["Core group"], {201, 206}),
    "country": (["Peru"], {206, 207}),
    "language": (["Español"], {206, 207}),
    "did not check in": (["Did not check in…", "2"], {206}),  # session 2 is core-only
    "checked in": (["Checked in…", "2"], {201}),
}
# rights change -> the organizer's command (the author was a facilitator for Ghana and Peru)
CHANGES = {
    "revoked": f"/revoke facilitator {AUTHOR}",
    "narrowed": f"/grant facilitator {AUTHOR} GH",
    "widened": f"/grant facilitator {AUTHOR}",  # every country
}


async def schedule_as_limited_author(bot: Services, emulator: BotAPIEmulator,
                                     buttons: list[str]) -> None:  # fmt: skip
    await seed(bot.app, emulator, PEOPLE)
    await bot.repo.attendance.check_in(201, 2, "present", "button", bot.clock.now())
    author = emulator.user(AUTHOR, "en")
    await author.send("/start")
    await emulator.user(ORGANIZER_ID, "en").send(f"/grant facilitator {AUTHOR} GH PE")
    await author.send("/broadcast")
    for button in buttons:
        await author.press(button)
    await author.press("Continue")
    await author.send("Session 3 moved", expect=3)
    await author.press("Schedule")
    (done,) = await author.send("2021-03-24 13:30")
    assert "scheduled for" in done.text


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("kind", list(KINDS))
async def test_scheduled_broadcast_never_widens(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, kind: str, change: str
) -> None:
    buttons, fixed = KINDS[kind]
    await schedule_as_limited_author(bot, emulator, buttons)
    stored = await bot.repo.broadcasts.get(1)
    assert stored is not None and stored.audience.reach is not None
    assert stored.audience.reach <= {"GH", "PE"}
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send(CHANGES[change])
    clock.set(DUE)
    assert "broadcast:1:send" in await jobs.fire_due(bot.app, clock)
    await bot.join()
    got = {uid for uid, texts in received(emulator, ACTIVE).items() if texts}
    broadcast = await bot.repo.broadcasts.get(1)
    assert broadcast is not None
    if change == "widened":
        assert got == fixed  # its fixed countries, never the new ones
        assert broadcast.status == "done"
        return
    assert got == set()
    assert broadcast.status == "held"
    assert await bot.repo.broadcasts.report(1) == await bot.repo.broadcasts.report(999)
    author = emulator.user(AUTHOR)
    assert author.last.text.startswith("⏸ Broadcast #1 was held and not sent")
    told = [m.text for m in emulator.messages_to(ORGANIZER_ID) if m.text.startswith("⏸")]
    assert len(told) == 1 and "Broadcast #1 by" in told[0]
    (listing,) = await organizer.send("/broadcasts")
    assert "#1 · held, not sent" in listing.text


async def test_narrowing_away_a_country_it_does_not_reach_keeps_it(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    """Chosen: Peru only. Rights narrowed to Peru: it still goes, to Peru."""
    await schedule_as_limited_author(bot, emulator, ["Peru"])
    await emulator.user(ORGANIZER_ID, "en").send(f"/grant facilitator {AUTHOR} PE")
    clock.set(DUE)
    await jobs.fire_due(bot.app, clock)
    await bot.join()
    assert {uid for uid, t in received(emulator, ACTIVE).items() if t} == {206, 207}


def test_an_empty_set_of_countries_reaches_nobody(schedule: object) -> None:
    """An author with no country left, or a choice outside their countries: nobody, never
    "no country filter"."""
    from bot.schedule import Schedule

    assert isinstance(schedule, Schedule)
    nobody = Audience(countries=frozenset({"PE"})).effective(schedule, frozenset({"GH"}))
    assert nobody.reach == frozenset() and nobody.countries == frozenset()
    assert Audience().effective(schedule, frozenset()).reach == frozenset()
    fixed = Audience().fixed(frozenset({"GH"}))
    assert fixed.effective(schedule, None).countries == {"GH"}  # widened: still Ghana
    assert Audience.from_json(fixed.to_json()) == fixed
    assert Audience.from_json(Audience().to_json()).reach is None


async def test_an_empty_reach_selects_nobody_in_storage(bot: Services,
                                                        emulator: BotAPIEmulator) -> None:
    await seed(bot.app, emulator, PEOPLE)
    store = bot.repo.broadcasts
    assert await store.count_audience(Audience(reach=frozenset()), None) == (0, 0)
    assert await store.count_audience(Audience(reach=frozenset({"GH"})), None) == (2, 0)
