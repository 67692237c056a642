"""The backup commands never say "ok" when nothing happened (issue 29, item 4): a source that
is missing, empty or not a database is an error naming that file; verify opens read-only and
writes nothing; a path that is missing is not read as a certificate code; migrate-data never
creates its source; a backup that fails (a full disk) removes its partial files. One line on
stderr, exit 2."""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.storage import Repository
from tests.helpers import database_env, fresh_database
from tests.test_backup import check_in, run
from tests.test_storage_faults import disk_full


def live_with_rows(tmp_path: Path) -> Path:
    live = tmp_path / "live.sqlite3"

    async def prepare() -> None:
        repo = await Repository.open(live)
        for uid in (1, 2, 3):
            await check_in(repo, uid)
        await repo.close()

    asyncio.run(prepare())
    return live


def one_error(result: object, *expected: str) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)  # type: ignore[attr-defined]
    err: str = result.stderr  # type: ignore[attr-defined]
    assert err.count("\n") == 1 and err.startswith("error: ") and "Traceback" not in err, err
    for part in expected:
        assert part in err, err
    assert "ok" not in result.stdout  # type: ignore[attr-defined]
    return err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_refuses_an_empty_file_and_garbage_naming_the_file(tmp_path: Path) -> None:
    target = asyncio.run(fresh_database(tmp_path, "new.sqlite3"))
    env = database_env(target)
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    one_error(run("restore", str(empty), env=env, cwd=tmp_path),
              f"{empty}: not a backup (an empty file, 0 bytes)")
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)  # a header, then nonsense
    err = one_error(run("restore", str(garbage), env=env, cwd=tmp_path), str(garbage))
    assert "DATABASE_PATH" not in err and "restore.sqlite3" not in err
    missing = tmp_path / "backups" / "missing.sqlite3"
    one_error(run("restore", str(missing), env=env, cwd=tmp_path), f"{missing}: no such file")


def test_migrate_data_from_a_missing_sqlite_file_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "target.sqlite3"
    typo = tmp_path / "typo.sqlite3"
    result = run("migrate-data", "--from", f"sqlite:{typo}", "--to", str(target), env={},
                 cwd=tmp_path)
    one_error(result, f"{typo}: no such file")
    assert not typo.exists() and not target.exists()


def test_verify_is_read_only(tmp_path: Path) -> None:
    live = live_with_rows(tmp_path)
    out = tmp_path / "b.sqlite3"
    made = run("backup", "--output", str(out), env={"DATABASE_PATH": str(live)}, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    conn = sqlite3.connect(out)  # a rollback-journal file, as a backup copied elsewhere is
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()
    before = digest(out)
    checked = run("verify", str(out), env={}, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert digest(out) == before  # not switched to WAL, not written at all
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("b.sqlite3")) == [
        "b.sqlite3"]
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    one_error(run("verify", str(empty), env={}, cwd=tmp_path), f"{empty}: not a backup")
    assert empty.stat().st_size == 0


def test_verify_of_a_missing_path_says_so_and_creates_no_database(tmp_path: Path) -> None:
    missing = "backups/missing.sqlite3"
    one_error(run("verify", missing, env={}, cwd=tmp_path), f"{missing}: no such file")
    assert not (tmp_path / "data").exists()
    one_error(run("verify", "old.sqlite3", env={}, cwd=tmp_path), "old.sqlite3: no such file")


def test_a_backup_on_a_full_disk_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    live = live_with_rows(tmp_path)
    monkeypatch.setenv("DATABASE_PATH", str(live))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    keep = sqlite3.connect(live)  # the bot, running: its WAL index exists already
    keep.execute("SELECT COUNT(*) FROM participants").fetchone()
    folder = tmp_path / "backups"
    folder.mkdir()
    out = folder / "b.sqlite3"
    try:
        with disk_full():
            code = main(["backup", "--output", str(out)])
    finally:
        keep.close()
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith(f"error: {out}: the backup could not be written")
    assert "its partial files were removed" in captured.err and not captured.out
    assert list(folder.iterdir()) == []
