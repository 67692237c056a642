"""Backups while the bot writes, restores into an empty database, daily backups, and the
shell commands (no token needed)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import FakeClock
from bot.jobs import fire_due
from bot.operations.jobs import BACKUP_JOB
from bot.storage import Repository, copy
from bot.storage.sqlite import SqliteDatabase
from tests.helpers import ROOT, BotRunner, database_env, dump, fresh_database

NOW = datetime(2021, 3, 24, 14, 5, tzinfo=UTC)


async def check_in(repo: Repository, uid: int) -> None:
    """A check-in and its audit row in one transaction: a torn copy would show it."""
    async with repo.db.transaction():
        await repo.participants.ensure(uid, first_name=f"P{uid}", last_name=None, username=None,
                                       now=NOW)
        await repo.attendance.check_in(uid, 3, "present", "button", NOW)
        await repo.participants.audit(uid, "checkin", NOW, target=uid)


async def backup_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    db = await SqliteDatabase.open(path)
    try:
        return await dump(db, skip=("schema_version",))
    finally:
        await db.close()


async def test_a_backup_taken_while_check_ins_are_written_restores_exactly(
    tmp_path: Path,
) -> None:
    repo = await Repository.open(await fresh_database(tmp_path, "live.sqlite3"))
    try:
        for uid in range(1, 51):
            await check_in(repo, uid)

        async def writer() -> None:
            for uid in range(51, 401):
                await check_in(repo, uid)
                await asyncio.sleep(0)

        writing = asyncio.create_task(writer())
        await asyncio.sleep(0.01)
        during = await copy.backup_db(repo.db, tmp_path / "during.sqlite3")
        await writing
        assert 50 <= during.counts["attendance"] <= 400
        # One consistent moment: every check-in with its audit row, nothing torn.
        assert during.counts["attendance"] == during.counts["audit_log"] == \
            during.counts["participants"]

        restored_target = await fresh_database(tmp_path, "restored.sqlite3")
        done = await copy.restore(tmp_path / "during.sqlite3", restored_target)
        assert done.counts == during.counts
        restored = await Repository.open(restored_target)
        try:
            assert await dump(restored.db, skip=("schema_version",)) == \
                await backup_rows(tmp_path / "during.sqlite3")
        finally:
            await restored.close()

        after = await copy.backup_db(repo.db, tmp_path / "after.sqlite3")
        assert after.counts["attendance"] == 400
        assert await backup_rows(tmp_path / "after.sqlite3") == \
            await dump(repo.db, skip=("schema_version",))
    finally:
        await repo.close()


async def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    source = await Repository.open(tmp_path / "source.sqlite3")
    await check_in(source, 7)
    await copy.backup_db(source.db, tmp_path / "b.sqlite3")
    await source.close()
    target = await fresh_database(tmp_path, "target.sqlite3")
    await copy.restore(tmp_path / "b.sqlite3", target)
    try:
        await copy.restore(tmp_path / "b.sqlite3", target)
    except copy.CopyError as exc:
        assert str(exc) == "the target database is not empty (participants has 1 rows)"
    else:
        raise AssertionError("a second restore into the same database was not refused")


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}  # no TELEGRAM_BOT_TOKEN
    return subprocess.run([sys.executable, "-m", "bot", *args], env={**clean, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_backup_verify_restore_and_migrate_data_from_the_shell_without_a_token(
    tmp_path: Path,
) -> None:
    live = tmp_path / "live.sqlite3"

    async def prepare() -> None:
        repo = await Repository.open(live)
        for uid in (1, 2, 3):
            await check_in(repo, uid)
        await repo.close()

    asyncio.run(prepare())
    env = {"DATABASE_PATH": str(live)}
    out = tmp_path / "backups" / "b.sqlite3"
    made = run("backup", "--output", str(out), env=env, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == f"ok: wrote {out} (9 rows)"
    again = run("backup", "--output", str(out), env=env, cwd=tmp_path)
    assert (again.returncode, again.stderr.strip()) == (
        2, f"error: {out} exists already; choose a new file")

    checked = run("verify", str(out), env={}, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"ok: {out}: schema version ")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello " * 1000)
    bad = run("verify", str(not_a_backup), env={}, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert bad.stderr.startswith(f"error: {not_a_backup}: not a backup")

    target = asyncio.run(fresh_database(tmp_path, "new.sqlite3"))
    restored = run("restore", str(out), env=database_env(target), cwd=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith("ok: restored 9 rows into ")
    twice = run("restore", str(out), env=database_env(target), cwd=tmp_path)
    assert twice.returncode == 2
    assert twice.stderr.strip() == "error: the target database is not empty " \
                                   "(participants has 3 rows)"

    exported = run("export", "attendance", "--output", str(tmp_path / "a.csv"),
                   env={**env, "SCHEDULE_PATH": str(ROOT / "schedule.json")}, cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr

    copied_to = asyncio.run(fresh_database(tmp_path, "copy.sqlite3"))
    moved = run("migrate-data", "--from", f"sqlite:{live}", "--to", str(copied_to), env={},
                cwd=tmp_path)
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.strip().startswith("ok: copied 9 rows; row counts match in all ")


async def test_daily_backups_keep_the_newest(run_bot: BotRunner, clock: FakeClock,
                                             tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    async with run_bot(backup_dir=folder, backup_keep=2) as svc:
        assert any(job.name == BACKUP_JOB for job in svc.app.job_queue.jobs())
        for day in (21, 22, 23):
            clock.set(datetime(2021, 3, day, 2, 0, tzinfo=UTC) + timedelta(seconds=1))
            assert BACKUP_JOB in await fire_due(svc.app, clock)
        assert sorted(p.name for p in folder.iterdir()) == [
            "bot-2021-03-22.sqlite3", "bot-2021-03-23.sqlite3"]
        (job,) = [j for j in svc.app.job_queue.jobs() if j.name == BACKUP_JOB]
        assert job.data["due"] == datetime(2021, 3, 24, 2, 0, tzinfo=UTC)
        version, found = await copy.verify(folder / "bot-2021-03-23.sqlite3")
        assert version == await svc.repo.schema_version() and "participants" in found.counts
