"""Networking for staff: /networking counts in the facilitator's countries, /breakouts (mixed
rooms, a confirmation, then each person told), the anonymous export; each across roles."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.emulator import BotAPIEmulator, FakeUser
from bot.exports import EXPORTERS
from bot.services import Services
from tests.helpers import ORGANIZER_ID, onboard
from tests.networking_helpers import seeded

PARTICIPANT, GH_FACILITATOR = 7_771_001, 7_771_002
COUNTRIES = ["GH", "CI", "PE", "CO", "BR", "DO"]


async def roles(bot: Services, emulator: BotAPIEmulator) -> dict[str, FakeUser]:
    """A plain participant, a facilitator limited to Ghana, and the organizer."""
    organizer = emulator.user(ORGANIZER_ID, "en")
    await onboard(organizer, "English", "Peru")
    participant = emulator.user(PARTICIPANT, "en")
    await onboard(participant, "English", "Ghana")
    facilitator = emulator.user(GH_FACILITATOR, "en")
    await onboard(facilitator, "English", "Ghana")
    await organizer.send(f"/grant facilitator {GH_FACILITATOR} GH")
    await bot.join()
    return {"participant": participant, "facilitator GH": facilitator, "organizer": organizer}


async def crowd(bot: Services, emulator: BotAPIEmulator) -> None:
    """Two people per country with profiles; requests GH-PE (accepted), CI-PE (declined),
    GH-CI (open)."""
    for i, code in enumerate(COUNTRIES):
        await seeded(bot, 9_100 + i, code, offers="finance", seeks="markets", emulator=emulator)
        await seeded(bot, 9_200 + i, code, offers="markets", seeks="agroforestry",
                     emulator=emulator)
    store = bot.repo.networking
    now = bot.clock.now()
    gh_pe = await store.add_request(9_100, 9_202, "zq-note", now, 10)
    ci_pe = await store.add_request(9_101, 9_102, None, now, 10)
    await store.add_request(9_200, 9_101, None, now, 10)
    assert gh_pe and ci_pe
    await store.answer(gh_pe, "accepted", now)
    await store.answer(ci_pe, "declined", now)


REFUSED = "Sorry, only facilitators and organizers can do that."
WHOLE = ("Sorry, only organizers and facilitators for every country can do that: it affects "
         "the whole program.")


@pytest.mark.parametrize("role", ["participant", "facilitator GH", "organizer"])
async def test_networking_counts_follow_the_country_scope(
    bot: Services, emulator: BotAPIEmulator, role: str
) -> None:
    user = (await roles(bot, emulator))[role]
    await crowd(bot, emulator)
    (answer,) = await user.send("/networking")
    if role == "participant":
        assert answer.text == REFUSED
        return
    lines = answer.text.splitlines()
    pairs = [line for line in lines if "↔" in line]
    if role == "facilitator GH":
        assert "🇬🇭 Ghana: 2" in lines and "🇵🇪 Peru: 2" not in lines
        assert pairs == [
            "🇨🇮 Côte d'Ivoire ↔ 🇬🇭 Ghana: 1 request · 0 accepted, 0 declined, 1 waiting",
            "🇬🇭 Ghana ↔ 🇵🇪 Peru: 1 request · 1 accepted, 0 declined, 0 waiting",
        ]
    else:
        assert "🇬🇭 Ghana: 2" in lines and "🇵🇪 Peru: 2" in lines
        assert "🇨🇮 Côte d'Ivoire ↔ 🇵🇪 Peru: 1 request · 0 accepted, 1 declined, 0 waiting" in (
            pairs)
        assert len(pairs) == 3


@pytest.mark.parametrize("role", ["participant", "facilitator GH", "organizer"])
async def test_breakouts_mix_countries_and_tell_each_person_after_confirmation(
    bot: Services, emulator: BotAPIEmulator, role: str
) -> None:
    user = (await roles(bot, emulator))[role]
    await crowd(bot, emulator)
    now = bot.clock.now()
    people = [9_100 + i for i in range(6)] + [9_200 + i for i in range(6)]
    for uid in people:
        await bot.repo.attendance.check_in(uid, 9, "present", "button", now)
    await bot.repo.participants.update(9_205, now, active=0)  # blocked the bot: left out
    before = {uid: len(emulator.messages_to(uid)) for uid in people}
    replies = await user.send("/breakouts 9 2")
    if role != "organizer":
        assert [r.text for r in replies] == [REFUSED if role == "participant" else WHOLE]
        assert await bot.repo.db.fetchval("SELECT COUNT(*) FROM breakout_plans") == 0
        return
    (proposal,) = replies
    assert proposal.text.startswith("🧩 Breakout rooms for session 9\n11 people checked in")
    assert proposal.button_texts() == ["📨 Tell everyone", "✖️ Cancel"]
    plan = await bot.repo.networking.plan(1)
    assert plan is not None and plan.rooms == 2
    rooms: dict[int, list[int]] = {}
    for uid, room in plan.members.items():
        rooms.setdefault(room, []).append(uid)
    assert sorted(len(r) for r in rooms.values()) == [5, 6]
    everyone = await bot.repo.participants.many(people)
    for members in rooms.values():  # nobody shares a room with someone of their country
        assert len({everyone[u].country for u in members}) == len(members)
    assert {uid: len(emulator.messages_to(uid)) for uid in people} == before  # not yet told

    (sending,) = await user.press("📨", message=proposal)
    assert sending.text == "✓ Telling 11 people their breakout room for session 9…"
    await bot.join()
    first = emulator.messages_to(9_100)[-1].text
    room_of = plan.members[9_100]
    mates = sorted(u for u, r in plan.members.items() if r == room_of and u != 9_100)
    assert first.startswith(f"🧩 Session 9: Networking and matchmaking\nYou are in breakout "
                            f"room {room_of}, with ")
    assert all(f"P{u} (" in first for u in mates) and "P9100" not in first
    assert len(emulator.messages_to(9_205)) == before[9_205]
    assert user.last.text == "🧩 Breakout rooms for session 9: 11 told, 0 not reached."
    # Pressed again (an old message): nobody is told twice.
    await user.press_data("nw:bo:1:yes", message_id=proposal.message_id, expect=0)
    assert user.callback_answers[-1]["text"] == "These rooms were already sent."
    await bot.join()
    assert len(emulator.messages_to(9_100)) == before[9_100] + 1


async def test_breakouts_can_be_cancelled_and_need_people_checked_in(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = (await roles(bot, emulator))["organizer"]
    (nobody,) = await organizer.send("/breakouts 9 3")
    assert nobody.text == "Nobody has checked in to session 9 yet."
    (usage,) = await organizer.send("/breakouts 9")
    assert usage.text.startswith("Usage: /breakouts 9 4")
    await crowd(bot, emulator)
    for uid in (9_100, 9_101, 9_102):
        await bot.repo.attendance.check_in(uid, 9, "present", "button", bot.clock.now())
    (proposal,) = await organizer.send("/breakouts 9 2")
    (cancelled,) = await organizer.press("✖️", message=proposal)
    assert cancelled.text == "Cancelled: nobody was told."
    assert await bot.repo.networking.plan(1) is None
    await bot.join()
    assert all(not emulator.messages_to(u) for u in (9_100, 9_101, 9_102))


async def test_export_has_anonymous_counts_only(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    await crowd(bot, emulator)
    await seeded(bot, 9_300, "GH", offers="finance", visible=False)
    out = tmp_path / "networking.csv"
    await EXPORTERS["networking"](bot.repo, bot.schedule, "csv", out)
    text = out.read_text(encoding="utf-8-sig")
    assert "9100" not in text and "P9" not in text and "zq-note" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[:3] == [["profiles"], ["country", "profiles_on", "profiles_off"],
                        ["BR", "2", "0"]]
    assert ["GH", "2", "1"] in rows
    assert ["GH", "PE", "1", "1", "0", "0"] in rows
    assert ["finance", "Finance & funding", "6", "0"] in rows
    xlsx = tmp_path / "networking.xlsx"
    await EXPORTERS["networking"](bot.repo, bot.schedule, "xlsx", xlsx)
    book = load_workbook(xlsx)
    assert book.sheetnames == ["profiles", "pairs", "topics"]
    assert [c.value for c in book["pairs"][1]] == ["country_a", "country_b", "requests",
                                                   "accepted", "declined", "waiting"]

    organizer = emulator.user(ORGANIZER_ID, "en")
    files = await organizer.send("/export networking", expect=2)
    assert [f.document[0] for f in files if f.document] == ["networking.csv", "networking.xlsx"]
