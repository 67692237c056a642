"""The person card (issue 25, item 2): /person and the buttons of /people; each correction
confirmed, audited in its own transaction, and told to the person; staff who registered
themselves are not counted as participants anywhere, a member granted a role still is."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from bot.charts import catalog
from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.goals.rules import can_edit_goals
from bot.services import Services
from tests.helpers import ORGANIZER_ID, as_core, onboard

BEFORE_WIDER = datetime(2021, 6, 1, 12, tzinfo=UTC)  # before session 6, the first for all
AFTER = datetime(2021, 10, 7, 12, tzinfo=UTC)  # the day after the closing session


async def attend(bot: Services, user_id: int, sessions: range | list[int]) -> None:
    for n in sessions:
        session = bot.schedule.session(n)
        assert session is not None
        await bot.repo.attendance.check_in(user_id, n, "present", "button", session.start)


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


async def test_staff_who_registered_themselves_are_not_counted_members_granted_are(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    clock.set(BEFORE_WIDER)
    ama = emulator.user(201, "en", first_name="Ama")
    await onboard(ama, "English", "Ghana")
    await as_core(bot, ama)  # invited to the core group
    esi = emulator.user(203, "en", first_name="Esi")
    await onboard(esi, "English", "Ghana")
    await as_core(bot, esi)
    kofi = emulator.user(202, "en", first_name="Kofi")
    await onboard(kofi, "English", "Ghana")  # open registration: the wider group
    assert (await bot.repo.participants.get(202)).group == "wider"  # type: ignore[union-attr]
    for uid in (201, 202, 203):
        await attend(bot, uid, range(6, 11) if uid == 202 else range(0, 11))
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/grant facilitator 202 GH")
    await organizer.send("/grant cofacilitator 203")
    clock.set(AFTER)

    # the attendance export: no row for Kofi; Esi keeps hers
    csv_doc, _xlsx = await organizer.send("/export attendance", expect=2)
    assert csv_doc.document is not None
    rows = rows_of(csv_doc.document[1])
    assert [r["user_id"] for r in rows] == ["201", "203"]
    assert rows[1]["certificate"] == "yes"
    assert csv_doc.text.splitlines()[-1] == "2 rows"
    # /certificates counts Ama and Esi only
    (counts,) = await organizer.send("/certificates")
    assert "🇬🇭 Ghana: eligible 2 · name confirmed 0 · issued 0 · not eligible 0" in counts.text
    # the charts' numbers: two expected in Ghana at a session open to all
    scope = catalog.Scope(bot.repo, bot.schedule, AFTER, catalog.PROGRAM_WIDE,
                          frozenset(bot.settings.organizer_ids))
    numbers = await catalog.load_attendance(scope)
    assert numbers.tally(6, "GH").expected == 2 and numbers.tally(6, "GH").checked_in == 2
    # /people lists Kofi as staff, not as a participant
    (listing,) = await organizer.send("/people GH")
    head, _, staff = listing.text.partition("Staff, not counted as participants: 1 person")
    assert head.startswith("People: 2\ncore group: 2") and "Kofi" not in head
    assert "Kofi" in staff and "Esi" in head
    # the people export: staff in their own columns
    csv_doc, _xlsx = await organizer.send("/export people", expect=2)
    assert csv_doc.document is not None
    people = {r["user_id"]: r for r in rows_of(csv_doc.document[1])}
    assert (people["202"]["participant"], people["202"]["staff"]) == ("no", "facilitator")
    assert (people["203"]["participant"], people["203"]["staff"]) == ("yes", "co-facilitator")
    assert (people["201"]["participant"], people["201"]["staff"]) == ("yes", "")
    # Kofi's records stay in the database
    assert len([r for r in await bot.repo.attendance.all_records() if r.user_id == 202]) == 5

    # an organizer may decide otherwise from the card
    (card,) = await organizer.send("/person 202")
    assert "Counted as a participant: no (staff who registered themselves are not counted)" \
        in card.text
    await organizer.press("📊 Count as participant: yes")
    (done,) = await organizer.press("✅ Yes, change it")
    assert "Counted as a participant: yes (set by an organizer)" in done.text
    assert (await bot.repo.participants.get(202)).counted is True  # type: ignore[union-attr]
    assert kofi.last.text.startswith("ℹ️ You now count as a participant")
    csv_doc, _xlsx = await organizer.send("/export attendance", expect=2)
    assert csv_doc.document is not None
    assert [r["user_id"] for r in rows_of(csv_doc.document[1])] == ["201", "203", "202"]  # by name


async def test_card_moves_a_person_and_keeps_their_attendance(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    clock.set(BEFORE_WIDER)
    luz = emulator.user(204, "es", first_name="Luz", username="luz")
    await onboard(luz, "Español", "Ghana")  # wider, self-registered
    await attend(bot, 204, [6])
    clock.set(datetime(2021, 7, 1, 12, tzinfo=UTC))
    organizer = emulator.user(ORGANIZER_ID, "en")

    # from /people: a button per person
    await organizer.send("/people GH")
    (card,) = await organizer.press("👤 Luz")
    assert card.text.splitlines()[:6] == [
        "👤 Luz (@luz) · 204",
        "Group: Wider group",
        "Country: 🇬🇭 Ghana",
        "Role: participant",
        "Status: active",
        "Joined by: open registration · Jun 1, 2021",
    ]
    assert "Attendance: 1 of 5 sessions (20%)" in card.text  # as /me says

    # wider -> core: confirmed, audited with the change, told in Spanish; attendance kept
    (asked,) = await organizer.press("↔️ Move to the core group")
    assert asked.text == "Move Luz to the core group?\nAttendance already recorded is kept."
    (done,) = await organizer.press("✅ Yes, change it")
    assert done.text.startswith("✅ Done. The person has been told.")
    person = await bot.repo.participants.get(204)
    assert person is not None and person.group == "core" and person.joined_at == clock.now()
    assert [r.session_number for r in await bot.repo.attendance.for_user(204)] == [6]
    assert "Attendance: 1 of 11 sessions (9.1%)" in done.text
    (entry,) = [e for e in await bot.repo.participants.audit_entries()
                if e["action"] == "person_group"]
    assert (entry["actor_id"], entry["target"], entry["detail"]) == (ORGANIZER_ID, "204",
                                                                      "wider->core")
    assert luz.last.text.startswith("ℹ️ Los organizadores le pasaron al grupo núcleo.")
    # the same confirmation again changes nothing
    (again,) = await organizer.press_data("pc:204:group:core:yes", message_id=done.message_id)
    assert again.text.startswith("Nothing to change: this is already so.")

    # another country
    await organizer.press("🌍 Move to another country")
    (asked,) = await organizer.press("🇵🇪 Peru")
    assert asked.text.startswith("Move Luz to 🇵🇪 Peru?")
    await organizer.press("✅ Yes, change it")
    person = await bot.repo.participants.get(204)
    assert person is not None and (person.country, person.zone) == ("PE", "America/Lima")
    assert "Perú" in luz.last.text

    # out of the program: group removed, records kept, not back by open registration
    await organizer.press("🚪 Take out of the program")
    (done,) = await organizer.press("✅ Yes, change it")
    assert "Status: taken out of the program on Jul 1, 2021" in done.text
    person = await bot.repo.participants.get(204)
    assert person is not None and person.group is None and person.left_at == clock.now()
    assert [r.session_number for r in await bot.repo.attendance.for_user(204)] == [6]
    (refused,) = await luz.send("/start")
    assert refused.text.startswith("Los organizadores le retiraron del programa el")
    assert (await bot.repo.participants.get(204)).group is None  # type: ignore[union-attr]

    # back in a group, then a role
    await organizer.press("➕ Core group")
    await organizer.press("✅ Yes, change it")
    await organizer.press("🧰 Change role")
    await organizer.press("Co-facilitator for their country")
    (done,) = await organizer.press("✅ Yes, change it")
    assert "Role: co-facilitator for 🇵🇪 Peru" in done.text
    assert "Counted as a participant: yes (member)" in done.text
    assert await bot.repo.people.facilitator_countries(204) == {"PE"}
    actions = [e["action"] for e in await bot.repo.participants.audit_entries()]
    assert actions == ["person_group", "person_country", "person_out", "person_group",
                       "person_role"]


async def test_a_core_member_with_no_joined_via_keeps_their_country(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    """Issue 29, item 8: membership does not depend on how the row was made."""
    abena = emulator.user(205, "en", first_name="Abena")
    await onboard(abena, "English", "Ghana")
    await bot.repo.participants.update(205, bot.clock.now(), grp="core", joined_via=None)
    (settings,) = await abena.send("/settings")
    assert "Change time zone" in settings.button_texts()
    assert "Change country or time zone" not in settings.button_texts()
    await abena.press_data("set:country", message_id=settings.message_id, expect=0)
    await abena.press_data("country:st:PE", message_id=settings.message_id, expect=0)
    await abena.press_data("zone:st:PE:0", message_id=settings.message_id, expect=0)
    person = await bot.repo.participants.get(205)
    assert person is not None and person.country == "GH"
    # so their goals stay their own group's
    m = await bot.member(person)
    assert can_edit_goals(m, "GH") and not can_edit_goals(m, "PE")
