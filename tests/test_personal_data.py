"""/profile, onboarding's organization and sector, /mydata, /forget and the data registry."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from bot.emulator import BotAPIEmulator
from bot.exports import EXPORTERS
from bot.services import Services
from bot.storage.personal_data import PERSONAL_DATA
from tests.helpers import ORGANIZER_ID, dump, onboard

# Columns that name a person but are not personal data of that person, with the reason.
NOT_PERSONAL: dict[str, str] = {
    "participants.username": "a field of the person's own row, deleted with it",
    "group_chats.chat_id": "a group chat, not a person",
    "goals.target_date": "a date ('target' is not a person here)",
}
PERSON_WORDS = ("user", "actor", "author", "chat", "person", "participant", "member", "target",
                "created_by", "_by")
# Free text can hold a name. Each such column is anonymized through the row's person
# (PERSONAL_DATA with `match`), goes with the person's rows (a table they are deleted from),
# or is listed here with the reason it is not about one person.
FREE_TEXT_WORDS = ("reason", "detail", "responsible", "message", "note", "name", "title",
                   "description", "text", "error", "data", "comment")
NOT_ABOUT_A_PERSON: dict[str, str] = {
    "goals.title": "the group's goal, written for the group",
    "goals.description": "the group's goal, written for the group",
    "goal_steps.text": "the group's action step (its responsible is a reference)",
    "goal_history.detail": "goal texts and progress notes written for the group",
    "group_chats.title": "a group chat's title",
    "session_materials.file_name": "a file staff attached to a session",
    # Issue 15 keeps feedback, comment included, as anonymous answers after /forget (people
    # are told feedback is anonymous); it is no longer linked to anyone.
    "session_feedback.comment": "anonymous feedback, kept by design after /forget",
    # Issue 16: the printed name stays only if the holder chose, at /forget, to keep the
    # certificate verifiable; otherwise forget_revoke() removes it first.
    "certificates.name": "what the paper prints, kept only at the holder's request",
    "certificates.delivery_error": "Telegram's error text",
}


async def people_csv(bot: Services, tmp_path: Path) -> list[dict[str, str]]:
    out = tmp_path / "people.csv"
    await EXPORTERS["people"](bot.repo, bot.schedule, "csv", out)
    with out.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


async def test_onboarding_asks_organization_and_sector(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    user = emulator.user(301, "es")
    await user.send("/start")
    await user.press("Español")
    (asked,) = await user.press("Perú")
    assert asked.text.startswith("Casi listo. ¿En qué organización trabaja?")
    (sector,) = await user.send("  Cooperativa   Agraria Norandino ")
    assert sector.text == "¿En qué sector trabaja?"
    assert "Secretaría de la Iniciativa Cacao y Bosques" in sector.button_texts()
    (done,) = await user.press("Cooperativa de productores")
    assert done.text.startswith("¡Listo!")
    person = await bot.repo.participants.get(301)
    assert person is not None
    assert (person.organization, person.sector) == ("Cooperativa Agraria Norandino", "coop")
    (row,) = await people_csv(bot, tmp_path)
    assert (row["organization"], row["sector"]) == (
        "Cooperativa Agraria Norandino", "Farmers' cooperative")


async def test_profile_shows_and_edits_name_organization_and_sector(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    user = emulator.user(302, "en", first_name="Kwame")
    await onboard(user, "English", "Ghana")
    await bot.repo.participants.update(302, bot.clock.now(), grp=None)  # in no group
    (profile,) = await user.send("/profile")
    assert profile.text.splitlines()[:5] == [
        "Your profile", "Name: Kwame", "Organization: —", "Sector: —",
        "Group: Not in a group yet · 🇬🇭 Ghana"]
    await user.press("✏️ Name")
    (too_long,) = await user.send("K" * 65)
    assert too_long.text == "Please send one line of at most 64 characters."
    (saved,) = await user.send("Kwame <b>Mensah</b>")
    assert saved.text.startswith("Saved.") and "Name: Kwame <b>Mensah</b>" in saved.text
    await user.press("✏️ Organization")
    await user.send("Ghana Cocoa Board")
    await user.press("✏️ Sector")
    (summary,) = await user.press("National cocoa organization")
    assert "Sector: National cocoa organization" in summary.text
    assert "Organization: Ghana Cocoa Board" in summary.text
    await user.send("/next")  # a later update does not undo the chosen name
    person = await bot.repo.participants.get(302)
    assert person is not None and person.name == "Kwame <b>Mensah</b>"
    await user.send("/profile")
    await user.press("✏️ Organization")
    (cancelled,) = await user.press("↩️ Cancel")
    assert "Organization: Ghana Cocoa Board" in cancelled.text
    await user.press("✏️ Name")
    (reset,) = await user.send("-")
    assert "Name: Kwame" in reset.text and "Mensah" not in reset.text
    await user.press("✏️ Organization")
    await user.send("/next")  # a command abandons the question
    (chatter,) = await user.send("hello")
    assert chatter.text.startswith("Sorry, I did not understand that.")
    person = await bot.repo.participants.get(302)
    assert person is not None and person.organization == "Ghana Cocoa Board"


async def test_mydata_sends_everything_stored(bot: Services, emulator: BotAPIEmulator) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    (created,) = await organizer.send("/invite core PE")
    code = created.text.split("start=")[1].split()[0]
    user = emulator.user(303, "fr", first_name="Inès", username="ines_pe")
    await user.send(f"/start {code}")
    await user.press("Français")
    await user.send("Coopérative Sud")
    await user.press("Coopérative de producteurs")
    await organizer.send("/grant cofacilitator 303")
    (document,) = await user.send("/mydata")
    assert document.text == "Tout ce que ce bot conserve sur vous. /forget l'efface."
    assert document.document is not None
    name, content = document.document
    data = json.loads(content)
    assert name == "my-data.json" and data["user_id"] == 303
    (profile,) = data["tables"]["participants"]
    assert profile["first_name"] == "Inès" and profile["username"] == "ines_pe"
    assert (profile["grp"], profile["country"], profile["organization"], profile["sector"]) == (
        "core", "PE", "Coopérative Sud", "coop")
    assert profile["role"] == "facilitator"
    assert data["tables"]["facilitator_countries"] == [{"user_id": 303, "country": "PE"}]
    assert [u["code"] for u in data["tables"]["invitation_uses"]] == [code]
    assert [(a["action"], a["target"]) for a in data["tables"]["audit_log"]] == [
        ("grant", "303")]
    assert {e.table for e in PERSONAL_DATA} <= set(data["tables"])


async def test_forget_deletes_the_person_everywhere(
    bot: Services, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    person_id = 7_770_001  # distinctive: no other cell holds this number
    organizer = emulator.user(ORGANIZER_ID, "en")
    (created,) = await organizer.send("/invite wider GH")
    code = created.text.split("start=")[1].split()[0]
    user = emulator.user(person_id, "en", first_name="Efua", username="efua_gh")
    await user.send(f"/start {code}")
    await user.press("English")
    await user.send("Cocoa Co-op")
    await user.press("⏭ Skip")
    await organizer.send(f"/grant facilitator {person_id} GH")
    other = emulator.user(304, "en")
    await onboard(other, "English", "Ghana")
    assert {r["user_id"] for r in await people_csv(bot, tmp_path)} == {str(person_id), "304"}

    (confirm,) = await user.send("/forget")
    assert confirm.button_texts() == ["🗑 Yes, delete my data", "No, keep it"]
    (kept,) = await user.press("No, keep it")
    assert kept.text == "Nothing was deleted."
    assert await bot.repo.participants.get(person_id) is not None

    await user.send("/forget")
    (gone,) = await user.press("🗑 Yes, delete my data")
    assert gone.text.startswith("Done: your data has been deleted")
    assert await bot.repo.participants.get(person_id) is None

    # No table keeps anything about them: not the profile, not facilitator rights, not the
    # invitation use, not the audit trail (anonymized). So no export and no fan-out that
    # selects from these tables can reach them.
    for table, rows in (await dump(bot.repo.db)).items():
        for row in rows:
            assert person_id not in row and str(person_id) not in row, (table, row)
            assert "efua_gh" not in row and "Efua" not in row, (table, row)
    assert {r["user_id"] for r in await people_csv(bot, tmp_path)} == {"304"}
    assert [p.user_id for p in await bot.repo.people.registered()] == [304]
    inv = await bot.repo.invitations.get(code)
    assert inv is not None and inv.uses == 1  # the count stays, anonymous
    actions = [(e["actor_id"], e["action"], e["target"])
               for e in await bot.repo.participants.audit_entries()]
    assert (ORGANIZER_ID, "grant", "forgotten") in actions and (0, "forget", None) in actions

    (fresh,) = await user.send("/start")  # writing again: a new, empty profile
    assert fresh.text.startswith("Welcome!")
    again = await bot.repo.participants.get(person_id)
    # Their old group and role are gone; like anyone registering openly, the wider group.
    assert again is not None and (again.group, again.organization, again.role) == (
        "wider", None, "participant")


async def test_every_person_column_is_in_the_registry(bot: Services) -> None:
    """A feature adding a table about people must list it in PERSONAL_DATA (or here)."""
    registered = {f"{e.table}.{e.column}" for e in PERSONAL_DATA}
    missing = []
    db = bot.repo.db
    for table in await db.tables():
        for column in await db.columns(table):
            name = f"{table}.{column}"
            looks_personal = any(word in column.lower() for word in PERSON_WORDS)
            if looks_personal and name not in registered and name not in NOT_PERSONAL:
                missing.append(name)
    assert not missing, f"add to bot/storage/personal_data.py PERSONAL_DATA: {missing}"


def _free_text(column: str) -> bool:
    parts = column.lower().split("_")
    return not column.endswith(("_id", "_at")) and any(w in parts for w in FREE_TEXT_WORDS)


async def test_every_free_text_column_that_can_hold_a_name_is_covered(bot: Services) -> None:
    """A facilitator's reason, an audit detail, a typed responsible: /forget must reach
    them (or say why they are not about one person)."""
    registered = {f"{e.table}.{e.column}" for e in PERSONAL_DATA}
    deleted = {e.table for e in PERSONAL_DATA if e.forget == "delete"}
    missing = []
    db = bot.repo.db
    for table in await db.tables():
        for column in await db.columns(table):
            name = f"{table}.{column}"
            if (_free_text(column) and table not in deleted and name not in registered
                    and name not in NOT_ABOUT_A_PERSON):
                missing.append(name)
    assert not missing, f"free text that can name a person, not in PERSONAL_DATA: {missing}"
    for entry in PERSONAL_DATA:  # free text is found through a person column that is listed
        if entry.match is not None:
            assert f"{entry.table}.{entry.match}" in registered, entry
