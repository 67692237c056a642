"""A cohort from zero (issue 25, "Done when"): a 50-row roster refused for 3 bad rows then
accepted, 50 personal links, everyone joining through their own link, a self-registered
facilitator granted (no longer counted anywhere) and a core member made co-facilitator (still
counted), a wider member moved to the core group from the person card, a session moved and a
join link set from the chat, a restart on a fresh copy of schedule.json, and the attendance
export checked cell by cell. Real bot, emulator, SQLite or PostgreSQL (TEST_DATABASE_URL)."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import BotAPIEmulator, BotMessage, FakeUser
from bot.i18n import I18n
from bot.jobs import fire_due
from bot.schedule import load_schedule
from bot.services import Services, get_services
from bot.spreadsheet import Table, write_xlsx
from tests.helpers import ORGANIZER_ID, ROOT, dump, onboard
from tests.test_roster_e2e import COUNTRIES, HEADER, LANGS, as_csv  # schedule.json's order

COUNTRY_EN = {"GH": "Ghana", "CI": "Côte d'Ivoire", "CO": "Colombia", "PE": "Peru",
              "BR": "Brazil", "DO": "Dominican Republic"}
BAD = {9: ("Country", "Atlantis"), 23: ("Group", "middle"), 44: ("E-mail", "nobody@")}

PEOPLE = range(1, 51)  # roster row n + 1 is person n, Telegram user 1000 + n
CORE = range(1, 31)  # 5 per country; 31..50 the wider group
WALKED = {4, 6, 31}  # the roster leaves something to ask: walked through every question
COFAC = 6  # Ghana, core: granted co-facilitator, still counted
MOVED_UP = 36  # Ghana, wider: moved to the core group from the person card
FAC = 2001  # registered himself (open registration, wider group), then granted facilitator
TYPED_ORG = {4: "Cooperativa Cacau & Vida", 31: "Coopérative <Soubré>"}

T0 = datetime(2021, 1, 10, 12, tzinfo=UTC)  # ten days before session 0
GRANTED = datetime(2021, 6, 20, 12, tzinfo=UTC)
CARD = datetime(2021, 7, 8, 12, tzinfo=UTC)  # after session 7
CHANGES = datetime(2021, 7, 20, 12, tzinfo=UTC)
S8 = datetime(2021, 8, 5, 14, tzinfo=UTC)
MOVED = datetime(2021, 8, 12, 15, tzinfo=UTC)  # typed in Ghana's time (UTC)
AFTER = datetime(2021, 10, 7, 12, tzinfo=UTC)  # the day after the closing session
ZOOM = "https://zoom.us/j/777?pwd=cocoa"
BY_BOT = {1, MOVED_UP}  # check in to the moved session 8 with /checkin, at its new time


def uid(n: int) -> int:
    return 1000 + n


def country(n: int) -> str:
    return COUNTRIES[n % 6]


def name(n: int) -> str:
    return f"Persona {n:02d} Núñez"


def roster_rows() -> list[list[str]]:
    rows = []
    for n in PEOPLE:
        code = country(n)
        organization = "" if n in TYPED_ORG else f"Org {n}"
        sector = "" if n in (4, 6) else "coop"
        rows.append([name(n), code, "core" if n in CORE else "wider", LANGS[code],
                     organization, sector, f"person{n}@example.org", ""])
    return rows


def as_xlsx(rows: list[list[str]], path: Path) -> bytes:
    write_xlsx(path, [Table("roster", HEADER, rows)])
    return path.read_bytes()


def attended(n: int) -> dict[int, str]:
    """Session -> status recorded for person n (the model the export is checked against)."""
    if n == COFAC:
        sessions = [s for s in range(11) if s != 2]  # 10 of 11: a certificate
    elif n == MOVED_UP:
        sessions = [6, 7, 8]
    elif n in CORE:
        sessions = [s for s in range(11) if (s + n) % 4]  # 8 or 9 of 11
    else:
        sessions = [s for s in range(6, 11) if (s + n) % 3]  # 3 or 4 of 5
    return {s: "late" if (s + n) % 7 == 0 and s != 8 else "present" for s in sessions}


def group(n: int) -> str:
    return "core" if n in CORE or n == MOVED_UP else "wider"


def expected_summary() -> list[list[str]]:
    """Every participant's row of the attendance export, as the CSV spells it."""
    rows = []
    order = sorted(PEOPLE, key=lambda n: (COUNTRIES.index(country(n)), name(n)))
    for n in order:
        records = attended(n)
        program = range(11) if group(n) == "core" else range(6, 11)
        cells = []
        for s in range(11):
            if s not in program:
                cells.append("not in audience")
            elif s in records:
                cells.append(records[s])
            elif n == MOVED_UP and s < 6:
                cells.append("before joining")  # moved up on 8 July: sessions 0-5 before
            else:
                cells.append("absent")
        total = len(program)
        count = len(records)
        needed = -(-total * 80 // 100)
        rows.append([str(uid(n)), name(n), "", COUNTRY_EN[country(n)], group(n),
                     TYPED_ORG.get(n, f"Org {n}"), "Farmers' cooperative", *cells, str(count),
                     str(total), f"{round(100 * count / total, 1)}",
                     "yes" if count >= needed else "no"])
    return rows


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def sheet_rows(content: bytes, sheet: str | None = None) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    rows = (book[sheet] if sheet else book.active).iter_rows(values_only=True)
    return [["" if v is None else v for v in row] for row in rows]


def document(messages: list[BotMessage], filename: str) -> tuple[BotMessage, bytes]:
    (m,) = [m for m in messages if m.document and m.document[0] == filename]
    assert m.document is not None
    return m, m.document[1]


async def record(bot: Services, n: int, sessions: range) -> None:
    """Check-ins the way /checkin stores them, at the session's (current) time."""
    for s, status in attended(n).items():
        if s not in sessions or (s == 8 and n in BY_BOT):
            continue
        session = bot.schedule.session(s)
        assert session is not None
        at = session.start + timedelta(minutes=20 if status == "late" else 5)
        await bot.repo.attendance.check_in(uid(n), s, status, "command", at)


async def join(emulator: BotAPIEmulator, n: int, code: str) -> FakeUser:
    """Person n opens their personal link, in the language the roster gives them."""
    user = emulator.user(uid(n), LANGS[country(n)], first_name=f"tg{n}")
    if n in WALKED:
        return user
    if country(n) == "BR":  # several zones: the only question
        (zones,) = await user.send(f"/start {code}")
        assert zones.text.startswith(f"Olá, {name(n)}!"), zones.text
        (done,) = await user.press("São Paulo")
    else:
        _welcome, done = await user.send(f"/start {code}", expect=2)
    assert name(n) in done.text, done.text  # the printed name, to confirm
    return user


@asynccontextmanager
async def started(settings: Settings, clock: FakeClock, i18n: I18n,
                  schedule_path: Path) -> AsyncIterator[Services]:
    """A new Application over the same database, its schedule read from the file."""
    app = setup_application(settings.model_copy(update={"schedule_path": schedule_path}),
                            clock=clock, schedule=load_schedule(schedule_path), i18n=i18n)
    async with running(app):
        yield get_services(app)


async def test_a_cohort_from_zero(
    emulator: BotAPIEmulator, settings: Settings, clock: FakeClock, i18n: I18n,
    tmp_path: Path,
) -> None:
    clock.set(T0)
    first_deploy = tmp_path / "deploy-1" / "schedule.json"
    first_deploy.parent.mkdir()
    shutil.copy(ROOT / "schedule.json", first_deploy)
    organizer = emulator.user(ORGANIZER_ID, "en")
    async with started(settings, clock, i18n, first_deploy) as bot:
        await onboard(organizer, "English", "Ghana")  # times in Ghana's zone: UTC

        # 1. The roster with 3 bad rows: refused, one line each, nothing applied.
        before = await dump(bot.repo.db, skip=["audit_log"])
        rows = roster_rows()
        bad = [list(r) for r in rows]
        for line, (column, value) in BAD.items():
            bad[line - 2][HEADER.index(column)] = value
        (refusal,) = await organizer.send_document("roster.csv", as_csv(bad), "/roster",
                                                   expect=1, timeout=10)
        assert refusal.text.splitlines() == [
            "The roster was not imported: 3 rows have problems. Nothing was changed; correct "
            "the file and send it again.", "",
            "Row 9, column country: not a country of the program (Atlantis)",
            "Row 23, column group: must be core or wider (middle)",
            "Row 44, column email: not an e-mail address (nobody@)",
        ]
        assert await dump(bot.repo.db, skip=["audit_log"]) == before

        # 2. The corrected file, as XLSX: 50 personal links, read from the files' cells.
        summary, *files = await organizer.send_document(
            "roster.xlsx", as_xlsx(rows, tmp_path / "roster.xlsx"), "/roster", expect=3,
            timeout=10)
        assert summary.text.splitlines()[:2] == ["Roster imported: 50 people.", "50 new links"]
        caption, content = document(files, "links.csv")
        assert caption.text.startswith("Personal invitation links")
        table = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
        _caption, content = document(files, "links.xlsx")
        cells = sheet_rows(content)
        assert cells[0] == ["name", "email", "country", "group", "link", "status",
                            "expires_utc"]
        assert len(table) == 50 and len(cells) == 51
        for n, row, cell_row in zip(PEOPLE, table, cells[1:], strict=True):
            assert (row["name"], row["email"], row["country"], row["group"], row["status"]) \
                == (name(n), f"person{n}@example.org", country(n),
                    "core" if n in CORE else "wider", "new")
            assert cell_row[:6] == [name(n), f"person{n}@example.org", country(n),
                                    "core" if n in CORE else "wider", row["link"], "new"]
        codes = {n: row["link"].rsplit("=", 1)[1] for n, row in zip(PEOPLE, table, strict=True)}
        assert len(set(codes.values())) == 50

        # 3. A facilitator opens the bot before being granted: open registration, wider group.
        kofi = emulator.user(FAC, "en", first_name="Kofi")
        await onboard(kofi, "English", "Ghana")
        person = await bot.repo.participants.get(FAC)
        assert person is not None and (person.group, person.joined_via) == ("wider", "open")

        # 4. Everyone joins through their own link; three walked through every question.
        users = {n: await join(emulator, n, codes[n]) for n in PEOPLE}
        bia = users[4]  # Brazil, core, Portuguese: zone, organization, sector
        (zones,) = await bia.send(f"/start {codes[4]}")
        assert zones.text.startswith(f"Olá, {name(4)}!")
        assert "Você está entrando no grupo central (🇧🇷 Brasil)." in zones.text
        (org_question,) = await bia.press("Manaus")
        assert org_question.text.startswith("Quase pronto. Em que organização você trabalha?")
        (sector_question,) = await bia.send(TYPED_ORG[4])
        assert sector_question.text == "Em que setor você trabalha?"
        (done,) = await bia.press("Cooperativa de produtores")
        assert f"Seu nome para o certificado: {name(4)}." in done.text, done.text
        esi = users[6]  # Ghana, core, English: the sector only
        welcome, sector_question = await esi.send(f"/start {codes[6]}", expect=2)
        assert welcome.text.startswith(f"Hello, {name(6)}!"), welcome.text
        assert sector_question.text == "Which sector do you work in?"
        (done,) = await esi.press("Farmers' cooperative")
        assert f"Your name for the certificate: {name(6)}." in done.text, done.text
        awa = users[31]  # Côte d'Ivoire, wider, French: the organization only
        welcome, org_question = await awa.send(f"/start {codes[31]}", expect=2)
        assert welcome.text.startswith(f"Bonjour {name(31)}\u00a0!"), welcome.text
        assert org_question.text.startswith(
            "Presque fini. Pour quelle organisation travaillez-vous\u00a0?")
        (done,) = await awa.send(TYPED_ORG[31])  # the sector is the roster's: done
        assert f"Votre nom pour le certificat\u00a0: {name(31)}." in done.text, done.text
        for n in PEOPLE:
            person = await bot.repo.participants.get(uid(n))
            assert person is not None
            assert (person.display_name, person.country, person.group, person.language,
                    person.joined_via, person.organization, person.sector) == (
                name(n), country(n), "core" if n in CORE else "wider", LANGS[country(n)],
                "invite", TYPED_ORG.get(n, f"Org {n}"), "coop"), n
        assert {tuple(r) for r in await bot.repo.db.fetch(
            "SELECT max_uses, uses FROM invitations")} == {(1, 1)}

        # Part 1 and the first sessions of part 2, recorded as /checkin stores them.
        for n in PEOPLE:
            await record(bot, n, range(0, 8))
        for s in range(6, 8):
            session = bot.schedule.session(s)
            assert session is not None
            await bot.repo.attendance.check_in(FAC, s, "present", "command",
                                               session.start + timedelta(minutes=3))

        # 5. Staff granted: Kofi (self-registered) no longer counted, Esi (core) still is.
        clock.set(GRANTED)
        (granted,) = await organizer.send(f"/grant facilitator {FAC} GH")
        assert granted.text == "Kofi is now a facilitator for 🇬🇭 Ghana.", granted.text
        (granted,) = await organizer.send(f"/grant cofacilitator {uid(COFAC)}")
        assert granted.text.endswith("is now a co-facilitator for 🇬🇭 Ghana."), granted.text

        # 6. A wider member moved to the core group from the person card.
        clock.set(CARD)
        (card,) = await organizer.send(f"/person {uid(MOVED_UP)}")
        assert card.text.splitlines()[1] == "Group: Wider group", card.text
        await organizer.press("↔️ Move to the core group")
        (moved,) = await organizer.press("✅ Yes, change it")
        assert moved.text.startswith("✅ Done. The person has been told."), moved.text
        assert "Attendance: 2 of 11 sessions (18.2%)" in moved.text, moved.text
        assert [r.session_number for r in await bot.repo.attendance.for_user(
            uid(MOVED_UP))] == [6, 7]
        person = await bot.repo.participants.get(uid(MOVED_UP))
        assert person is not None and (person.group, person.joined_at) == ("core", CARD)
        await bot.join()
        assert users[MOVED_UP].last.text.startswith("ℹ️"), users[MOVED_UP].last.text

        # 7. A join link and a move, from the chat.
        clock.set(CHANGES)
        (answer,) = await organizer.send(f"/joinlink {ZOOM} Passcode 4242")
        assert answer.text.splitlines()[:2] == [
            "✅ Changed.", f"🔗 Program join link set: {ZOOM}"], answer.text
        (preview,) = await organizer.send("/move 8 2021-08-12 15:00")
        assert preview.text.startswith("Move this session?"), preview.text
        # The organizer is told too, and that notice may come before the edit: wait for both.
        await organizer.press("Move it", message=preview)
        await emulator.settle()
        await fire_due(bot.app, clock)
        (done,) = [m for m in organizer.messages if m.message_id == preview.message_id]
        # Everyone in session 8's audience: the 50, and the staff (Kofi, the organizer).
        assert done.text.splitlines() == [
            "✅ Changed.",
            "📅 Session 8 moved: 5 Aug 2021, 14:00 → 12 Aug 2021, 15:00 (Ghana time)",
            "52 people will be told."]
        for user in [*users.values(), kofi, organizer]:
            (notice,) = [m for m in user.messages if m.text.startswith("📣")]
            assert notice.document is not None and notice.document[0] == "session-8.ics"

    # 8. A restart on a fresh copy of the code: a new Application, the same database, the
    # repository's schedule.json read again (it knows nothing of the chat's changes).
    second_deploy = tmp_path / "deploy-2" / "schedule.json"
    second_deploy.parent.mkdir()
    shutil.copy(ROOT / "schedule.json", second_deploy)
    assert load_schedule(second_deploy).session(8).start == S8  # type: ignore[union-attr]
    async with started(settings, clock, i18n, second_deploy) as bot:
        session = bot.schedule.session(8)
        assert session is not None and session.start == MOVED
        assert bot.schedule.meeting.link == ZOOM
        await fire_due(bot.app, clock)  # nobody is told of the move a second time
        for user in [*users.values(), kofi, organizer]:
            assert len([m for m in user.messages if m.text.startswith("📣")]) == 1
        (listing,) = await organizer.send("/changes")
        assert listing.text.splitlines() == [
            "Changes in force (over schedule.json)",
            f"1. 🔗 Program join link: {ZOOM} · 🔑 Passcode 4242",
            "2. 📅 Session 8 moved to 12 Aug 2021, 15:00 (Ghana time)"], listing.text
        ama = users[36]
        (nxt,) = await ama.send("/next")
        assert nxt.text.splitlines()[1:8] == [
            "Session 8: Regional meetings: Africa and Latin America",
            "📅 Thursday, 12 August 2021",
            "🕑 15:00 (Ghana time) · 2 hours",
            "⏳ in 23 days",
            "🌍 🇬🇭 15:00 · 🇨🇮 15:00 · 🇨🇴 10:00 · 🇵🇪 10:00 · 🇧🇷 12:00 · 🇩🇴 11:00",
            f"🔗 Join: {ZOOM}",
            "🔑 Passcode 4242"], nxt.text
        (card,) = await users[1].send("/session 8")  # Côte d'Ivoire, French
        lines = card.text.splitlines()
        assert lines[3:6] == [
            "📅 jeudi 12 août 2021", "🕑 15:00 (heure de la Côte d'Ivoire) · 2\u00a0heures",
            "🌍 🇬🇭 15:00 · 🇨🇮 15:00 · 🇨🇴 10:00 · 🇵🇪 10:00 · 🇧🇷 12:00 · 🇩🇴 11:00"], lines
        assert lines[-2:] == [f"🔗 Rejoindre\u00a0: {ZOOM}", "🔑 Passcode 4242"], lines
        assert bot.app.job_queue is not None
        for offset in (1440, 60, 0):
            (job,) = bot.app.job_queue.get_jobs_by_name(f"reminder:8:{offset}")
            assert job.data["due"] == MOVED - timedelta(minutes=offset)  # type: ignore[index]

        # The 1-hour reminder comes at the new time, with the join link.
        clock.set(MOVED - timedelta(hours=1))
        mark = len(users[1].messages)
        await fire_due(bot.app, clock)
        (hour,) = [m for m in users[1].messages[mark:] if m.text.startswith("⏰")]
        assert hour.buttons()[0][-1] == ("🔗 Rejoindre", ZOOM), hour.buttons()

        # Session 8 at its new time: two check in with /checkin, the rest as before.
        clock.set(MOVED + timedelta(minutes=5))
        for n in sorted(BY_BOT):
            (checked,) = await users[n].send("/checkin")
            assert checked.text.startswith("✅"), checked.text
            rec = await bot.repo.attendance.get(uid(n), 8)
            assert rec is not None and rec.status == "present"
        for n in PEOPLE:
            await record(bot, n, range(8, 11))
        for s in range(8, 11):
            session = bot.schedule.session(s)
            assert session is not None
            await bot.repo.attendance.check_in(FAC, s, "present", "command", session.start)

        # 9. After the closing session: the attendance export, cell by cell.
        clock.set(AFTER)
        export = await organizer.send("/export attendance", expect=2)
        caption, content = document(export, "attendance.csv")
        expected = expected_summary()
        got = csv_rows(content)
        assert got[0] == ["user_id", "name", "username", "country", "group", "organization",
                          "sector", *[f"session {s}" for s in range(11)], "attended",
                          "sessions", "percent", "certificate"]
        for want, have in zip(expected, got[1:], strict=True):
            assert have == want, (want[0], have)
        assert caption.text.splitlines()[-1] == "50 rows"
        _caption, content = document(export, "attendance.xlsx")
        sheet = sheet_rows(content, "Summary")
        assert sheet[0] == got[0]
        numeric = {0: int, 18: int, 19: int, 20: float}
        assert sheet[1:] == [[numeric[i](v) if i in numeric else v for i, v in enumerate(row)]
                             for row in expected]
        assert str(FAC) not in {str(row[0]) for row in sheet}
        # The counts per session and country: Ghana at session 6 (open to all), without Kofi.
        ghana = [row for row in expected if row[3] == "Ghana"]
        marks = [row[7 + 6] for row in ghana]
        came = marks.count("present") + marks.count("late")
        by_country = sheet_rows(content, "By country")
        (s6,) = [row for row in by_country if row[:3] == [6, "2021-06-17", "Ghana"]]
        assert s6[3:8] == [len(ghana), came, marks.count("present"), marks.count("late"),
                           len(ghana) - came], s6

        # The cards say why: Kofi registered himself; Esi is a member and co-facilitator.
        (card,) = await organizer.send(f"/person {FAC}")
        assert "Counted as a participant: no (staff who registered themselves are not " \
            "counted)" in card.text, card.text
        (card,) = await organizer.send(f"/person {uid(COFAC)}")
        assert "Role: co-facilitator for 🇬🇭 Ghana" in card.text, card.text
        assert "Counted as a participant: yes (member)" in card.text, card.text

        # /certificates counts, /people and /export people: Kofi as staff, Esi counted.
        (cofac,) = [row for row in expected if row[0] == str(uid(COFAC))]
        assert cofac[-1] == "yes"  # the co-facilitator keeps her certificate
        (counts,) = await organizer.send("/certificates")
        eligible = sum(row[-1] == "yes" for row in expected)
        # Ghana: Esi (10 of 11) only; Kofi, 5 of 5 as a wider member, is not counted.
        assert "🇬🇭 Ghana: eligible 1 · name confirmed 0 · issued 0 · not eligible 7" \
            in counts.text, counts.text
        assert (f"All countries: eligible {eligible} · name confirmed 0 · issued 0 · "
                f"not eligible {50 - eligible}") in counts.text, counts.text
        (listing,) = await organizer.send("/people GH")
        head, _sep, staff = listing.text.partition(
            "Staff, not counted as participants: 2 people")
        assert head.startswith("People: 8\ncore group: 6 · wider group: 2"), listing.text
        assert "Kofi" not in head
        assert (f"• {name(COFAC)} · {uid(COFAC)} · core · 🇬🇭 · co-facilitator · Org 6 · "
                "Farmers' cooperative") in head.splitlines(), head
        assert staff.splitlines()[1:] == [f"• Kofi · {FAC} · wider · 🇬🇭 · facilitator",
                                          f"• Test · {ORGANIZER_ID} · no group · 🇬🇭 · organizer"]
        export = await organizer.send("/export people", expect=2)
        _caption, content = document(export, "people.csv")
        people = {r["user_id"]: r for r in csv.DictReader(io.StringIO(
            content.decode("utf-8-sig")))}
        assert (people[str(FAC)]["participant"], people[str(FAC)]["staff"]) == (
            "no", "facilitator")
        assert (people[str(uid(COFAC))]["participant"], people[str(uid(COFAC))]["staff"]) == (
            "yes", "co-facilitator")
        assert len(await bot.repo.attendance.for_user(FAC)) == 5  # his records are kept
