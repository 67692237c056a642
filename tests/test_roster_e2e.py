"""Roster in, personal links out (issue 25, item 1): /roster, python -m bot roster import, and
people joining through their personal links. Real bot, emulator, real database."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.services import Services
from tests.helpers import ORGANIZER_ID, ROOT, database_env, dump

COUNTRIES = ["GH", "CI", "CO", "PE", "BR", "DO"]
LANGS = {"GH": "en", "CI": "fr", "CO": "es", "PE": "es", "BR": "pt", "DO": "es"}
HEADER = ["Name", "Country", "Group", "Language", "Organization", "Sector", "E-mail", "Role"]
BAD = {12: ("Country", "Atlantis"), 30: ("Group", "middle"), 47: ("E-mail", "not-an-email")}


def roster_rows() -> list[list[str]]:
    """50 people: row n of the file (the header is row 1) is person n - 1."""
    rows = []
    for n in range(1, 51):
        country = COUNTRIES[n % 6]
        email = f"person{n}@example.org" if n % 5 else ""  # every fifth: no e-mail
        role = "facilitator" if n == 7 else ""
        rows.append([f"Persona Número {n}", country, "core" if n % 2 else "wider",
                     LANGS[country], f"Org {n}" if n % 3 else "", "coop" if n % 4 == 0 else "",
                     email, role])
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def with_bad_rows(rows: list[list[str]]) -> list[list[str]]:
    rows = [list(r) for r in rows]
    for line, (column, value) in BAD.items():
        rows[line - 2][HEADER.index(column)] = value
    return rows


def links_from(messages: list[BotMessage]) -> tuple[list[dict[str, str]], list[list[object]]]:
    files = {m.document[0]: m for m in messages if m.document}
    assert set(files) == {"links.csv", "links.xlsx"}
    for m in files.values():
        assert m.text.startswith("Personal invitation links (name, e-mail, country, group, "
                                 "link, status), 50 rows, as of"), m.text
    content = files["links.csv"].document[1]  # type: ignore[index]
    assert content.startswith(b"\xef\xbb\xbf")
    table = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    book = load_workbook(io.BytesIO(files["links.xlsx"].document[1]))  # type: ignore[index]
    cells = [list(row) for row in book.active.iter_rows(values_only=True)]
    return table, cells


async def import_file(organizer: FakeUser, content: bytes, expect: int,
                      name: str = "roster.csv", caption: str = "/roster") -> list[BotMessage]:
    return await organizer.send_document(name, content, caption, expect=expect, timeout=10)


async def test_roster_refused_then_imported_idempotent_and_joined(
    bot: Services, emulator: BotAPIEmulator
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")
    await organizer.send("/settings")
    before = await dump(bot.repo.db, skip=["audit_log"])
    rows = roster_rows()
    (refusal,) = await import_file(organizer, as_csv(with_bad_rows(rows)), 1)
    assert refusal.text.splitlines() == [
        "The roster was not imported: 3 rows have problems. Nothing was changed; correct the "
        "file and send it again.", "",
        "Row 12, column country: not a country of the program (Atlantis)",
        "Row 30, column group: must be core or wider (middle)",
        "Row 47, column email: not an e-mail address (not-an-email)",
    ]
    assert await dump(bot.repo.db, skip=["audit_log"]) == before  # nothing applied

    # /roster, then the corrected file (as XLSX this time is tested by the CLI test).
    (asked,) = await organizer.send("/roster")
    assert asked.text.startswith("Send me the roster as a CSV or XLSX file.")
    summary, *files = await organizer.send_document("roster.csv", as_csv(rows), expect=3,
                                                    timeout=10)
    assert summary.text.splitlines()[:2] == ["Roster imported: 50 people.", "50 new links"]
    assert summary.text.splitlines()[2].startswith("Links not yet used work until May 19, 2021")
    table, cells = links_from(files)
    assert len(table) == 50 and len(cells) == 51
    assert cells[0] == ["name", "email", "country", "group", "link", "status", "expires_utc"]
    assert table[0] == {"name": "Persona Número 1", "email": "person1@example.org",
                        "country": "CI", "group": "core", "link": table[0]["link"],
                        "status": "new", "expires_utc": "2021-05-19 12:00:00"}
    assert table[4]["email"] == "" and table[5]["group"] == "wider"
    assert cells[1][:4] == ["Persona Número 1", "person1@example.org", "CI", "core"]
    assert [c[4] for c in cells[1:]] == [r["link"] for r in table]
    links = {r["name"]: r["link"] for r in table}
    assert len(set(links.values())) == 50
    assert all(re.fullmatch(r"https://t\.me/sske_test_bot\?start=[\w-]{16}", link)
               for link in links.values())

    # Again: nothing new; one changed row keeps its link.
    summary, *files = await import_file(organizer, as_csv(rows), 3)
    assert summary.text.splitlines()[1] == "50 unchanged"
    again, _cells = links_from(files)
    assert {r["name"]: r["link"] for r in again} == links
    rows[1][4] = "Cooperativa Nueva"  # person 2 (CO, wider, es)
    rows[9][2] = "core"  # person 10 (BR) moves to the core group before joining
    rows[14][6] = "person15@example.org"  # person 15 had no e-mail: still the same person
    summary, *files = await import_file(organizer, as_csv(rows), 3)
    assert summary.text.splitlines()[1] == "47 unchanged · 3 updated (same links)"
    again, _cells = links_from(files)
    assert [r["name"] for r in again if r["status"] == "updated"] == [
        "Persona Número 2", "Persona Número 10", "Persona Número 15"]
    assert {r["name"]: r["link"] for r in again} == links
    invitations = await bot.repo.db.fetch("SELECT max_uses, uses FROM invitations")
    assert len(invitations) == 50 and {tuple(r) for r in invitations} == {(1, 0)}

    # Person 2 opens their link: greeted by name in Spanish, only the sector is asked.
    code = links["Persona Número 2"].rsplit("=", 1)[1]
    ana = emulator.user(402, "en")
    welcome, sector = await ana.send(f"/start {code}", expect=2)
    assert welcome.text.startswith("¡Hola, Persona Número 2!\n\n¡Le damos la bienvenida!")
    assert "grupo ampliado" in welcome.text
    assert sector.text == "¿En qué sector trabaja?"
    (done,) = await ana.press("Sector público")
    assert done.text.startswith("¡Listo! Los horarios se muestran en hora de Colombia.")
    assert "Su nombre para el certificado: Persona Número 2." in done.text
    person = await bot.repo.participants.get(402)
    assert person is not None
    assert (person.display_name, person.language, person.country, person.zone, person.group,
            person.organization, person.sector, person.role) == (
        "Persona Número 2", "es", "CO", "America/Bogota", "wider", "Cooperativa Nueva",
        "public", "participant")
    (profile,) = await ana.send("/profile")
    assert "Nombre: Persona Número 2" in profile.text
    # The link was single-use: someone else cannot use it.
    (refused,) = await emulator.user(499, "en").send(f"/start {code}")
    assert "used as many times as it allows" in refused.text

    # Person 7 (a facilitator row, CI, fr) is granted facilitator for Côte d'Ivoire.
    code = links["Persona Número 7"].rsplit("=", 1)[1]
    kofi = emulator.user(407, "en")
    welcome, _sector = await kofi.send(f"/start {code}", expect=2)
    assert welcome.text.startswith("Bonjour Persona Número 7\u00a0!")
    assert "🧰" in welcome.text and "🇨🇮" in welcome.text
    assert (await bot.repo.people.facilitator_countries(407)) == {"CI"}
    grants = [e for e in await bot.repo.participants.audit_entries() if e["action"] == "grant"]
    assert [(g["actor_id"], g["target"], g["detail"]) for g in grants] == [
        (ORGANIZER_ID, "407", "facilitator:CI (roster)")]

    # Person 10 (BR) is asked only the time zone.
    code = links["Persona Número 10"].rsplit("=", 1)[1]
    bia = emulator.user(410, "en")
    (zones,) = await bia.send(f"/start {code}")
    assert zones.text.startswith("Olá, Persona Número 10!")
    assert "Você está entrando no grupo central (🇧🇷 Brasil)." in zones.text
    assert zones.text.endswith("Brasil: há vários fusos horários. Qual é o seu?")
    (sector,) = await bia.press("Manaus")  # the organization is known: only the sector
    assert sector.text == "Em que setor você trabalha?"
    person = await bot.repo.participants.get(410)
    assert person is not None and (person.group, person.zone) == ("core", "America/Manaus")

    # Re-import: those who joined are reported, nobody is invited twice.
    summary, *files = await import_file(organizer, as_csv(rows), 3)
    assert summary.text.splitlines()[1] == "47 unchanged · 3 already joined (not changed)"
    again, _cells = links_from(files)
    assert {r["name"] for r in again if r["status"] == "joined"} == {
        "Persona Número 2", "Persona Número 7", "Persona Número 10"}
    assert len(await bot.repo.db.fetch("SELECT code FROM invitations")) == 50


async def test_roster_xlsx_with_qr_codes(bot: Services, emulator: BotAPIEmulator,
                                         tmp_path: Path) -> None:
    from bot.spreadsheet import Table, write_xlsx

    path = tmp_path / "roster.xlsx"
    write_xlsx(path, [Table("people", HEADER, roster_rows()[:3])])
    organizer = emulator.user(ORGANIZER_ID, "es")
    await organizer.send("/roster 10 qr")
    summary, *files = await organizer.send_document("roster.xlsx", path.read_bytes(), expect=4,
                                                    timeout=10)
    assert summary.text.startswith("Lista importada: 3 personas.")
    (qr,) = [m for m in files if m.document and m.document[0] == "links-qr.zip"]
    assert qr.text == "Códigos QR de los enlaces personales: 3 imágenes (PNG)."
    names = zipfile.ZipFile(io.BytesIO(qr.document[1])).namelist()  # type: ignore[index]
    assert names == ["001-Persona-N-mero-1.png", "002-Persona-N-mero-2.png",
                     "003-Persona-N-mero-3.png"]


@pytest.mark.parametrize("role", ["participant", "facilitator PE", "cofacilitator",
                                  "organizer"])
async def test_roster_is_for_organizers_only(bot: Services, emulator: BotAPIEmulator,
                                             role: str) -> None:
    """Decision: importing a roster (people, groups, staff roles) is for organizers only."""
    organizer = emulator.user(ORGANIZER_ID, "en")
    user_id = ORGANIZER_ID if role == "organizer" else 600
    if role != "organizer":
        user = emulator.user(user_id, "en")
        await user.send("/start")
        await bot.repo.participants.update(user_id, bot.clock.now(), grp="core", country="GH",
                                           joined_via="invite")
        if role != "participant":
            kind, _sep, countries = role.partition(" ")
            await organizer.send(f"/grant {kind} {user_id} {countries}".strip())
    user = emulator.user(user_id, "en")
    before = await dump(bot.repo.db, skip=["audit_log"])
    (answer,) = await user.send("/roster")
    by_file, *_files = await user.send_document(
        "r.csv", as_csv(roster_rows()[:2]), "/roster", expect=3 if role == "organizer" else 1)
    if role == "organizer":
        assert answer.text.startswith("Send me the roster")
        assert by_file.text.startswith("Roster imported: 2 people.")
    else:
        assert answer.text == by_file.text == "Sorry, only organizers can do that."
        assert await dump(bot.repo.db, skip=["audit_log"]) == before


def test_cli_roster_import(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    roster = tmp_path / "roster.csv"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
           "SCHEDULE_PATH": str(ROOT / "schedule.json"),
           **database_env(data / "bot.sqlite3")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", "roster", "import", str(roster),
                               "--output", str(tmp_path / "out" / "links.csv"),
                               "--bot", "sske_bot", *args],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=60)

    roster.write_bytes(as_csv(with_bad_rows(roster_rows())))
    bad = run()
    assert bad.returncode == 1
    assert "Row 30, column group: must be core or wider (middle)" in bad.stderr
    roster.write_bytes(as_csv(roster_rows()))
    good = run("--days", "14", "--qr", str(tmp_path / "qr"))
    assert good.returncode == 0, good.stderr
    assert good.stdout.splitlines()[:2] == ["Roster imported: 50 people.", "50 new links"]
    assert "(UTC)" in good.stdout.splitlines()[2]
    with (tmp_path / "out" / "links.csv").open(encoding="utf-8-sig") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == 50 and table[0]["link"].startswith("https://t.me/sske_bot?start=")
    assert (tmp_path / "out" / "links.xlsx").exists()
    assert len(list((tmp_path / "qr").iterdir())) == 50
    again = run()
    assert again.stdout.splitlines()[1] == "50 unchanged"
    with (tmp_path / "out" / "links.csv").open(encoding="utf-8-sig") as fh:
        assert [r["link"] for r in csv.DictReader(fh)] == [r["link"] for r in table]
