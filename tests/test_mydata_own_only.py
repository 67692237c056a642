"""/mydata holds the person's own data, never another person's Telegram id (issue 29, item 2):
the other side of an introduction request (asked, asker, declined), someone hidden, the staff
member who acted on them, the people a staff member acted on. Every table of the registry
goes through the same rule (bot/storage/personal_data.py)."""

from __future__ import annotations

import json

from bot.emulator import BotAPIEmulator, FakeUser
from bot.services import Services
from bot.storage.personal_data import ANOTHER_PERSON, PERSONAL_DATA, export_personal_data
from tests.helpers import ORGANIZER_ID
from tests.networking_helpers import networker

ROSA, AWA, KOFI = 7_770_101, 7_770_202, 7_770_303


async def export_of(user: FakeUser) -> str:
    (document,) = await user.send("/mydata")
    assert document.document is not None
    return document.document[1].decode() if isinstance(document.document[1], bytes) \
        else document.document[1]


async def test_no_other_person_id_in_an_export(bot: Services, emulator: BotAPIEmulator) -> None:
    rosa = await networker(bot, emulator, ROSA, "en", "Peru", offers=("agroforestry",),
                           seeks=("finance",), first_name="Rosa")
    awa = await networker(bot, emulator, AWA, "en", "Ghana", offers=("finance",),
                          seeks=("agroforestry",), first_name="Awa")
    await rosa.send("/matches")
    await rosa.press("🤝")
    await rosa.send("Shall we talk about shade trees?")
    await bot.join()
    asker = await export_of(rosa)  # the request is open: Rosa must not learn Awa's id
    assert str(AWA) not in asker
    (request,) = json.loads(asker)["tables"]["network_requests"]
    assert (request["from_user"], request["to_user"]) == (ROSA, ANOTHER_PERSON)
    assert request["note"] == "Shall we talk about shade trees?"
    await awa.press("✖️", message=awa.last)  # declined
    await bot.join()
    asked = await export_of(awa)
    assert str(ROSA) not in asked
    (request,) = json.loads(asked)["tables"]["network_requests"]
    assert (request["from_user"], request["to_user"]) == (ANOTHER_PERSON, AWA)
    await bot.repo.networking.hide(ROSA, KOFI, bot.clock.now())
    hid = json.loads(await export_of(rosa))["tables"]["network_hidden"]
    assert hid == [{"user_id": ROSA, "hidden_user": ANOTHER_PERSON, "at": hid[0]["at"]}]


async def test_staff_ids_and_the_people_staff_acted_on_are_not_shown(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/start")
    rosa = await networker(bot, emulator, ROSA, "en", "Peru", first_name="Rosa")
    await organizer.send(f"/grant facilitator {ROSA} PE")
    mine = await export_of(rosa)
    assert str(ORGANIZER_ID) not in mine
    (audit,) = json.loads(mine)["tables"]["audit_log"]
    assert (audit["action"], audit["actor_id"], audit["target"]) == (
        "grant", ANOTHER_PERSON, str(ROSA))
    theirs = await export_of(organizer)
    assert str(ROSA) not in theirs
    assert [(a["action"], a["target"]) for a in json.loads(theirs)["tables"]["audit_log"]] == [
        ("grant", "not shown")]


async def test_every_registered_table_shows_only_its_person(bot: Services) -> None:
    """A row in each table naming the person and, in its other person columns, someone else:
    the export names only the person."""
    me, other = 5_550_001, 5_550_002
    by_table: dict[str, list[str]] = {}
    for entry in PERSONAL_DATA:
        if entry.match is None:
            by_table.setdefault(entry.table, []).append(entry.column)
    fake_rows = {table: {c: (me if i == 0 else other) for i, c in enumerate(columns)}
                 for table, columns in by_table.items() if len(columns) > 1}
    assert {"network_requests", "network_hidden", "relay_links", "audit_log",
            "attendance_corrections", "coachings"} <= set(fake_rows)
    from bot.storage import personal_data

    for table, row in fake_rows.items():
        columns = by_table[table]
        shown = personal_data._own_only(row, columns, me)
        assert str(other) not in json.dumps(shown), table
        assert shown[columns[0]] == me
    data = await export_personal_data(bot.repo.db, me, bot.clock.now())
    assert data["user_id"] == me
