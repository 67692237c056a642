"""Facilitators and organizers: /attendance by country, corrections, requests, exports, refusals."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot.clock import FakeClock
from bot.config import Settings
from bot.emulator import BotAPIEmulator, FakeUser
from bot.services import Services
from tests.helpers import ORGANIZER_ID, ROOT, as_core, database_env, onboard

FAC = 71
S3 = datetime(2021, 3, 24, 14, 0, tzinfo=UTC)


async def facilitator(emulator: BotAPIEmulator, bot: Services) -> FakeUser:
    """Staff only: in no group of the program (so not on the rolls themselves)."""
    fac = emulator.user(FAC, "en", "Fac", "Ilitator")
    await fac.send("/start")
    await bot.repo.participants.update(FAC, bot.clock.now(), grp=None)
    (granted,) = await emulator.user(ORGANIZER_ID, "en").send(f"/grant facilitator {FAC}")
    assert granted.text == "Fac Ilitator is now a facilitator."
    return fac


async def test_attendance_list_by_country(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    fac = await facilitator(emulator, bot)
    ama = emulator.user(72, "en", "Ama", "Mensah", "ama")
    kwame = emulator.user(73, "en", "Kwame")
    rosa = emulator.user(74, "es", "Rosa", "Quispe")
    joao = emulator.user(75, "pt-BR", "João")
    await onboard(ama, "English", "Ghana")
    await as_core(bot, ama)
    await onboard(kwame, "English", "Ghana")
    await as_core(bot, kwame)
    await onboard(rosa, "Español", "Perú")
    await as_core(bot, rosa)
    await onboard(joao, "Português", "Brasil", "Manaus")
    await as_core(bot, joao)
    await emulator.user(76, "en", "<Zed>").send("/start")  # no country yet; name is escaped
    await as_core(bot, 76)
    wil = emulator.user(77, "en", "Wil")
    await onboard(wil, "English", "Ghana")
    await as_core(bot, wil)
    await bot.repo.participants.update(77, clock.now(), grp="wider")  # not in session 3

    clock.set(S3 - timedelta(minutes=10))
    await ama.send("/checkin")
    clock.set(S3 + timedelta(minutes=20))
    await rosa.send("/checkin")

    (roll,) = await fac.send("/attendance")  # the session running now
    assert roll.text.splitlines() == [
        "Attendance · Session 3: Cocoa agroforestry design, innovative finance and PPPs",
        "✅ 2 checked in (⏰ 1 late) · ❌ 3 not checked in · 5 in all",
        "",
        "🇬🇭 Ghana · 1 of 2 checked in",
        "✅ Ama Mensah (@ama) · 72",
        "❌ Kwame · not checked in · 73",
        "",
        "🇵🇪 Peru · 1 of 1 checked in",
        "⏰ Rosa Quispe · late · 74",
        "",
        "🇧🇷 Brazil · 0 of 1 checked in",
        "❌ João · not checked in · 75",
        "",
        "Other / no country · 0 of 1 checked in",
        "❌ <Zed> · not checked in · 76",
    ]
    (same,) = await fac.send("/attendance 3")
    assert same.text == roll.text
    (hint,) = await fac.send("/attendance 42")
    assert hint.text == "Please give a session number from 0 to 10, for example /attendance 3."
    (s6,) = await fac.send("/attendance 6")  # open to all: the wider group counts there
    assert "✅ 0 checked in (⏰ 0 late) · ❌ 6 not checked in · 6 in all" in s6.text


async def test_participant_refused_on_every_staff_command(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    fac = await facilitator(emulator, bot)
    user = emulator.user(81, "es")
    await user.send("/start")
    clock.set(S3)
    staff_only = "Disculpe, solo los facilitadores y organizadores pueden hacer eso."
    for command, refusal in [
        ("/attendance", staff_only),
        ("/attendance 3", staff_only),
        ("/code 3", staff_only),
        ("/code 3 1234", staff_only),
        ("/correct 3 81 present estuve", staff_only),
        ("/export", staff_only),  # /export people is for facilitators too
        ("/export people", staff_only),
    ]:
        (reply,) = await user.send(command)
        assert reply.text == refusal, command
    (fac_export,) = await fac.send("/export")
    assert fac_export.text == ("Sorry, only organizers can do that.\n/export people: everyone "
                               "registered, staff apart (people.csv and people.xlsx).")
    assert await bot.repo.attendance.count() == 0
    assert await bot.repo.attendance.code(3) is None
    assert [e["action"] for e in await bot.repo.participants.audit_entries()] == ["grant"]


async def test_correction_request_reaches_facilitators_and_correction_is_applied(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock
) -> None:
    fac = await facilitator(emulator, bot)
    rosa = emulator.user(74, "es", "Rosa")
    await onboard(rosa, "Español", "Perú")
    await as_core(bot, rosa)
    clock.set(S3 + timedelta(hours=4))
    (me,) = await rosa.send("/me")
    assert "❌ 3." in me.text
    (pick,) = await rosa.press("Pedir una corrección")
    assert pick.text == "¿Sobre qué sesión es?"
    assert pick.button_texts() == ["Sesión 0", "Sesión 1", "Sesión 2", "Sesión 3"]
    (prompt,) = await rosa.press("Sesión 3")
    assert prompt.text.startswith("Cuénteme en un mensaje qué pasó en la sesión 3")
    (thanks,) = await rosa.send("Estuve <conectada> pero sin botón")
    assert thanks.text == "Gracias. Su solicitud fue enviada a los facilitadores."
    await bot.join()  # the request waits SEND_CHAT_INTERVAL after the grant notice to fac
    request = fac.last.text.splitlines()
    assert request == [
        "📝 Correction request from Rosa (74)",
        "Session 3: Cocoa agroforestry design, innovative finance and PPPs",
        "Recorded now: not checked in",
        "“Estuve <conectada> pero sin botón”",  # quoted as the (English) reader writes it
        "To correct: /correct 3 74 present reason",
    ]
    organizer_copy = emulator.user(ORGANIZER_ID).last.text
    assert organizer_copy.startswith("📝 Correction request from Rosa (74)")
    (saved,) = await bot.repo.attendance.requests()
    assert (saved.user_id, saved.session_number) == (74, 3)

    (usage,) = await fac.send("/correct 3 74 present")  # no reason
    assert usage.text.startswith("Usage: /correct 3 123456789 present|absent reason")
    (unknown,) = await fac.send("/correct 3 @nobody present seen")
    assert unknown.text.startswith("I don't know @nobody")
    (future,) = await fac.send("/correct 10 74 present seen")
    assert future.text.startswith("Session 10 has not started yet")
    (done,) = await fac.send("/correct 3 74 present seen on video")
    assert done.text == (
        "Session 3: Rosa is now marked present (was: not checked in). Reason: seen on video"
    )
    await emulator.settle()
    assert rosa.last.text == (
        "Un facilitador corrigió su asistencia a la sesión 3: presente."
    )
    record = await bot.repo.attendance.get(74, 3)
    assert record is not None and record.status == "present" and record.checked_in_at is None
    (me_after,) = await rosa.send("/me")
    assert "✅ 3." in me_after.text
    (audit,) = [e for e in await bot.repo.participants.audit_entries() if e["action"] != "grant"]
    assert (audit["actor_id"], audit["action"], audit["target"]) == (FAC, "attendance_correction",
                                                                      "74")


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _sheet_rows(content: bytes, sheet: str) -> list[list[object]]:
    book = load_workbook(io.BytesIO(content))
    rows = book[sheet].iter_rows(values_only=True)
    return [["" if v is None else v for v in row] for row in rows]


HEADER = [
    "user_id", "name", "username", "country", "group", "organization", "sector",
    *[f"session {n}" for n in range(11)], "attended", "sessions", "percent", "certificate",
]
LOG_HEADER = [
    "time (UTC)", "session", "user_id", "name", "event", "status", "previous status",
    "by user_id", "by name", "reason", "method",
]


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2021, month, day, hour, minute, tzinfo=UTC)


async def test_exports_in_chat_and_from_the_shell(
    bot: Services, emulator: BotAPIEmulator, clock: FakeClock, settings: Settings,
    tmp_path: Path,
) -> None:
    fac = await facilitator(emulator, bot)
    ama = emulator.user(72, "en", "Ama", "Mensah", "ama")
    rosa = emulator.user(74, "es", "Rosa", "Quispe")
    joao = emulator.user(75, "pt-BR", "João")
    zed = emulator.user(76, "en", "=Zed")  # a name that looks like a formula stays text
    await onboard(ama, "English", "Ghana")
    await as_core(bot, ama)
    await onboard(rosa, "Español", "Perú")
    await as_core(bot, rosa)
    await onboard(joao, "Português", "Brasil", "São Paulo")
    await as_core(bot, joao)
    await zed.send("/start")
    await as_core(bot, zed)  # a core member with no country
    await bot.repo.participants.update(72, clock.now(), grp="core")
    await bot.repo.participants.update(74, clock.now(), grp="core")
    await bot.repo.participants.update(75, clock.now(), grp="wider")

    clock.set(at(1, 20, 13, 50))
    await ama.send("/checkin")
    clock.set(at(1, 20, 14, 20))
    await rosa.send("/checkin")
    clock.set(at(2, 3, 14, 5))
    await rosa.send("/checkin")
    clock.set(at(2, 3, 14, 30))
    await fac.send("/correct 1 74 absent checked in by mistake")
    clock.set(at(2, 3, 14, 31))
    await fac.send("/correct 0 76 present no phone, seen on video")
    clock.set(at(6, 17, 14))
    await joao.send("/checkin")
    clock.set(at(6, 17, 15))

    organizer = emulator.user(ORGANIZER_ID, "en")
    csv_doc, xlsx_doc = await organizer.send("/export", expect=2)
    assert csv_doc.document is not None and xlsx_doc.document is not None
    assert csv_doc.document[0] == "attendance.csv"
    assert xlsx_doc.document[0] == "attendance.xlsx"

    absent5, open5 = ["absent"] * 5, [""] * 5
    expected = [
        HEADER,
        ["72", "Ama Mensah", "ama", "Ghana", "core", "", "", "present", *absent5, *open5,
         "1", "11", "9.1", "no"],
        ["74", "Rosa Quispe", "", "Peru", "core", "", "", "late", "absent", *["absent"] * 4,
         *open5, "1", "11", "9.1", "no"],
        ["75", "João", "", "Brazil", "wider", "", "", *["not in audience"] * 6, "present",
         *[""] * 4, "1", "5", "20.0", "no"],
        ["76", "'=Zed", "", "Other", "core", "", "", "present", *absent5, *open5,
         "1", "11", "9.1", "no"],
    ]
    assert _csv_rows(csv_doc.document[1]) == expected  # staff and organizers are not listed

    summary = _sheet_rows(xlsx_doc.document[1], "Summary")
    assert summary[0] == HEADER
    numeric = {0: int, len(HEADER) - 4: int, len(HEADER) - 3: int, len(HEADER) - 2: float}
    # The XLSX keeps "=Zed" as it is: a text cell, never a formula (the CSV needs the ').
    assert summary[1:] == [
        [numeric[i](v) if i in numeric else v.removeprefix("'") for i, v in enumerate(row)]
        for row in expected[1:]
    ]
    log = _sheet_rows(xlsx_doc.document[1], "Log")
    assert log == [
        LOG_HEADER,
        [datetime(2021, 1, 20, 13, 50), 0, 72, "Ama Mensah", "check-in", "present", "", "",
         "", "", "command"],
        [datetime(2021, 1, 20, 14, 20), 0, 74, "Rosa Quispe", "check-in", "late", "", "",
         "", "", "command"],
        [datetime(2021, 2, 3, 14, 5), 1, 74, "Rosa Quispe", "check-in", "present", "", "",
         "", "", "command"],
        [datetime(2021, 2, 3, 14, 30), 1, 74, "Rosa Quispe", "correction", "absent",
         "present", FAC, "Fac Ilitator", "checked in by mistake", ""],
        [datetime(2021, 2, 3, 14, 31), 0, 76, "=Zed", "correction", "present", "", FAC,
         "Fac Ilitator", "no phone, seen on video", ""],
        [datetime(2021, 6, 17, 14), 6, 75, "João", "check-in", "present", "", "", "", "",
         "command"],
    ]

    # João reaches 4 of his 5 sessions through corrections: eligible.
    clock.set(at(10, 7, 12))
    for n in (7, 8, 9):
        await fac.send(f"/correct {n} 75 present attended by phone")

    # The shell export reads the same database (real time: every session is over by now).
    out = tmp_path / "out" / "attendance.csv"
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": "1:x",
        **database_env(settings.database),
        "SCHEDULE_PATH": str(ROOT / "schedule.json"),
        "ORGANIZER_IDS": str(ORGANIZER_ID),
    }
    for fmt, path in (("csv", out), ("xlsx", out.with_suffix(".xlsx"))):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "export", "attendance", "--format", fmt,
            "--output", str(path), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await proc.communicate()
        assert proc.returncode == 0, stderr.decode()
        assert stdout.decode().strip() == f"wrote {path}"
    shell = _csv_rows(out.read_bytes())
    assert [row[0] for row in shell] == ["user_id", "72", "74", "75", "76"]
    assert shell[1][7:] == ["present", *["absent"] * 10, "1", "11", "9.1", "no"]
    assert shell[3][7:] == [*["not in audience"] * 6, "present", "present", "present",
                            "present", "absent", "4", "5", "80.0", "yes"]
    shell_log = _sheet_rows(out.with_suffix(".xlsx").read_bytes(), "Log")
    assert len(shell_log) == 1 + 6 + 3 and shell_log[-1][4] == "correction"
