"""The next cohort, as docs/organizers.md tells organizers to start it: a backup of the
finished cohort's database, a new (empty) database and a new schedule.json (new slug and
dates), the old one listed in EARLIER_COHORTS. Cohort 1's certificate still verifies (in the
bot and with `python -m bot verify CODE`); cohort 2's attendance and counts start from zero,
also for a person who takes part in both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.app import running, setup_application
from bot.clock import FakeClock
from bot.config import Settings, SettingsError, load_settings
from bot.emulator import BotAPIEmulator
from bot.i18n import I18n
from bot.operations import cohort as program_guard
from bot.schedule import Schedule, load_schedule
from bot.services import Services, get_services
from tests.helpers import ORGANIZER_ID, ROOT, as_core, database_env, fresh_database
from tests.test_certificates_e2e import AFTER, attend, issue_all, participant

YEAR = timedelta(days=364)  # 52 weeks: every session keeps its weekday
COHORT2_START = datetime(2022, 1, 1, tzinfo=UTC)
S3_2022 = datetime(2022, 3, 23, 14, tzinfo=UTC)  # session 3 of cohort 2


def next_cohort_schedule(folder: Path) -> Path:
    """schedule.json as the guide says to edit it: a new slug, every "start" a year later."""
    data = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    data["program"]["slug"] = "sske-cocoa-2022"
    for session in data["sessions"]:
        start = datetime.fromisoformat(session["start"].replace("Z", "+00:00"))
        session["start"] = (start + YEAR).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = folder / "schedule.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def shell(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "DATABASE_PATH", "EARLIER_COHORTS", "SCHEDULE_PATH")}
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**clean, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@asynccontextmanager
async def cohort(settings: Settings, schedule: Schedule, clock: FakeClock,
                 i18n: I18n) -> AsyncIterator[Services]:
    app = setup_application(settings, clock=clock, schedule=schedule, i18n=i18n)
    async with running(app):
        yield get_services(app)


async def test_next_cohort_keeps_certificates_verifiable_and_counts_apart(
    settings: Settings, schedule: Schedule, emulator: BotAPIEmulator, clock: FakeClock,
    i18n: I18n, tmp_path: Path,
) -> None:
    organizer = emulator.user(ORGANIZER_ID, "en")

    # Cohort 1 (2021): Zoe attends 9 of 11 sessions and gets her certificate.
    async with cohort(settings, schedule, clock, i18n) as bot:
        zoe = await participant(bot, emulator, 301, "en", "Côte d'Ivoire", "Zoe", range(9))
        await bot.repo.certificates.confirm_name(301, "Zoe", clock.now())
        clock.set(AFTER)
        await issue_all(organizer, bot, 1)
        ((code,),) = [tuple(r) for r in await bot.repo.db.fetch("SELECT code FROM certificates")]
        assert await bot.repo.operations.recorded_slug() == "sske-cocoa-2021"
    old_database = settings.database
    # The start recorded which program the database runs.
    assert await program_guard.check(old_database, schedule) is None

    # The switch, step by step as in the guide: a backup of cohort 1, checked...
    archive = tmp_path / "cohorts" / "sske-cocoa-2021.sqlite3"
    done = shell(["backup", "--output", str(archive)], database_env(old_database), tmp_path)
    assert done.returncode == 0 and done.stdout.startswith(f"ok: wrote {archive}"), done.stderr
    checked = shell(["verify", str(archive)], {}, tmp_path)
    assert checked.returncode == 0 and checked.stdout.startswith(f"ok: {archive}: schema")
    # ...a new schedule.json and a new, empty database, the archive in EARLIER_COHORTS.
    schedule_2022 = next_cohort_schedule(tmp_path)
    new_database = await fresh_database(tmp_path, "cohort-2022.sqlite3")
    settings_2022 = settings.model_copy(update={
        "database_path": new_database if isinstance(new_database, Path) else settings.database_path,
        "database_url": SecretStr(new_database) if isinstance(new_database, str) else None,
        "schedule_path": schedule_2022,
        "earlier_cohorts": load_settings(
            env_file=None, require_token=False, earlier_cohorts=str(archive)).earlier_cohorts,
    })
    assert settings_2022.database != old_database
    program_2022 = load_schedule(schedule_2022)
    assert program_2022.slug == "sske-cocoa-2022"
    assert program_2022.session(3).start == S3_2022  # type: ignore[union-attr]
    # The mistake the guide warns about, the new schedule.json on the old database, is
    # refused at the start, before the bot contacts Telegram or tells anyone anything.
    wrong = shell(["run"], {**database_env(old_database), "SCHEDULE_PATH": str(schedule_2022),
                            "TELEGRAM_BOT_TOKEN": "123:abc",
                            "BOT_API_URL": "http://127.0.0.1:9/bot"}, tmp_path)
    assert wrong.returncode == 2, wrong.stderr
    assert wrong.stderr.startswith(
        f"error: {'DATABASE_URL' if isinstance(old_database, str) else 'DATABASE_PATH'} holds "
        'the program "sske-cocoa-2021" but schedule.json is "sske-cocoa-2022" (program.slug): '
        "a new cohort needs a new database"), wrong.stderr
    assert await program_guard.check(new_database, program_2022) is None

    # Cohort 2 (2022) on the same bot: Zoe comes back, with Kwame who is new.
    clock.set(datetime(2022, 1, 10, 12, tzinfo=UTC))
    async with cohort(settings_2022, program_2022, clock, i18n) as bot:
        # A stranger (an employer) checks the 2021 certificate, in the bot and by the QR link.
        employer = emulator.user(501, "es")
        (valid,) = await employer.send(f"/verify {code}")
        assert valid.text.splitlines()[:2] == ["✅ Certificado válido", "Nombre: Zoe"]
        assert "Asistencia: 9 de 11 sesiones (23 horas)" in valid.text
        assert "Emitido el 7 de octubre de 2021" in valid.text
        (by_link,) = await employer.send(f"/start verify-{code}")
        assert by_link.text == valid.text
        (unknown,) = await employer.send("/verify AAAA-BBBB-CCCC-DDDD")
        assert unknown.text.startswith("❓ Ningún certificado tiene el código")

        # Zoe starts again from zero; nothing of 2021 is in the new database.
        zoe = emulator.user(301, "en", first_name="Zoe")
        assert await bot.repo.participants.get(301) is None
        await zoe.send("/start")
        await zoe.press("English")
        await zoe.press("Côte d'Ivoire")
        await zoe.press("⏭")
        await zoe.press("⏭")
        kwame = emulator.user(302, "en", first_name="Kwame")
        await kwame.send("/start")
        await kwame.press("English")
        await kwame.press("Ghana")
        await kwame.press("⏭")
        await kwame.press("⏭")
        await as_core(bot, zoe, kwame, since=COHORT2_START)

        clock.set(S3_2022 - timedelta(minutes=5))
        (checked_in,) = await zoe.send("/checkin")
        assert checked_in.text.startswith("✅ You are checked in for Session 3")
        (me,) = await zoe.send("/me")
        # Her 2021 check-ins (sessions 0-8) do not count: sessions 0-2 of 2022 are absences.
        assert me.text.startswith("Your attendance\nAttendance: 1 of 11 sessions (9.1%)\n\n"
                                  "❌ 0. Jan 19, 2022 · Program kick-off")
        (cert,) = await zoe.send("/certificate")
        assert "needs 9 of the 11 sessions of your program. You have attended 1." in cert.text
        rows = [tuple(r) for r in await bot.repo.db.fetch(
            "SELECT user_id, session_number, status FROM attendance ORDER BY user_id")]
        assert rows == [(301, 3, "present")]
        assert [tuple(r) for r in await bot.repo.db.fetch(
            "SELECT COUNT(*) FROM certificates")] == [(0,)]
        (counts,) = await organizer.send("/certificates")
        assert "All countries: eligible 0 · name confirmed 0 · issued 0 · not eligible 2" \
            in counts.text

        # At the end of 2022 Zoe earns a second certificate: both codes verify.
        await attend(bot, 301, [0, 1, 2, 4, 5, 6, 7, 8])
        await bot.repo.certificates.confirm_name(301, "Zoe", clock.now())
        clock.set(AFTER + YEAR)
        await issue_all(organizer, bot, 1)
        ((code_2022,),) = [tuple(r) for r in await bot.repo.db.fetch(
            "SELECT code FROM certificates")]
        assert code_2022 != code
        (second,) = await employer.send(f"/verify {code_2022}")
        assert "Emitido el 6 de octubre de 2022" in second.text
        (first,) = await employer.send(f"/verify {code}")
        assert "Emitido el 7 de octubre de 2021" in first.text

    # The shell answers the same, from the new cohort's settings.
    env = {**database_env(settings_2022.database), "SCHEDULE_PATH": str(schedule_2022),
           "EARLIER_COHORTS": str(archive)}
    old = shell(["verify", code], env, tmp_path)
    assert old.returncode == 0, old.stderr
    assert old.stdout.startswith("✅ Valid certificate\nName: Zoe")
    assert "Issued on October 7, 2021" in old.stdout
    new = shell(["verify", code_2022], env, tmp_path)
    assert new.returncode == 0 and "Issued on October 6, 2022" in new.stdout
    # The old database itself works as well as its backup (a Procfile host keeps its
    # PostgreSQL database and lists its URL).
    kept = shell(["verify", code], {**env, "EARLIER_COHORTS": str(old_database)}, tmp_path)
    assert kept.returncode == 0 and "Issued on October 7, 2021" in kept.stdout
    # Without EARLIER_COHORTS the 2021 code is unknown to the new database.
    alone = shell(["verify", code], {k: v for k, v in env.items() if k != "EARLIER_COHORTS"},
                  tmp_path)
    assert alone.returncode == 1 and "No certificate has the code" in alone.stdout


def test_earlier_cohorts_setting(tmp_path: Path) -> None:
    archive = tmp_path / "old.sqlite3"
    archive.write_bytes(b"")
    found = load_settings(env_file=None, require_token=False,
                          earlier_cohorts=f"{archive}, postgresql://u:pw@h/old")
    assert found.earlier_databases == [archive, "postgresql://u:pw@h/old"]
    assert "pw" not in repr(found)
    assert load_settings(env_file=None, require_token=False).earlier_databases == []
    with pytest.raises(SettingsError, match="EARLIER_COHORTS: .*missing.sqlite3: no such file"):
        load_settings(env_file=None, require_token=False,
                      earlier_cohorts=str(tmp_path / "missing.sqlite3"))
