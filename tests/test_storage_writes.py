"""The one write path: single writes from other coroutines never land in (and roll back with)
someone else's transaction. Before the write path, all five audit rows below were lost."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage import Repository
from bot.storage.reminders import DeliveryKey
from tests.helpers import fresh_database

NOW = datetime(2021, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
async def repo(tmp_path: Path):  # type: ignore[no-untyped-def]
    opened = await Repository.open(await fresh_database(tmp_path))
    yield opened
    await opened.close()


async def test_single_writes_survive_another_coroutines_failed_transaction(
    repo: Repository,
) -> None:
    for uid in range(10, 15):
        await repo.participants.ensure(uid, first_name=f"P{uid}", last_name=None,
                                       username=None, now=NOW)
    key = DeliveryKey("reminder", 3, NOW, 60)
    await repo.reminders.add_pending(key, [10, 11, 12, 13, 14], NOW)
    inside = asyncio.Event()

    async def failing() -> None:
        with pytest.raises(RuntimeError):
            async with repo.db.transaction() as db:
                await db.write("INSERT INTO audit_log (at, actor_id, action) VALUES (?, 1, 'tx')",
                               (NOW.isoformat(),))
                inside.set()
                await asyncio.sleep(0.05)  # the others write while this one is open
                raise RuntimeError("the transaction fails")

    async def single(uid: int) -> None:
        await inside.wait()
        await repo.participants.audit(uid, "single", NOW)
        await repo.participants.update(uid, NOW, organization=f"org {uid}")
        assert await repo.reminders.claim(key, uid, NOW)

    await asyncio.gather(failing(), *(single(uid) for uid in range(10, 15)))

    actions = [e["action"] for e in await repo.participants.audit_entries()]
    assert actions.count("single") == 5 and "tx" not in actions
    for uid in range(10, 15):
        person = await repo.participants.get(uid)
        assert person is not None and person.organization == f"org {uid}"
    assert set((await repo.reminders.statuses(key)).values()) == {"sending"}


async def test_a_write_by_the_transactions_own_task_joins_it(repo: Repository) -> None:
    with pytest.raises(RuntimeError):
        async with repo.db.transaction():
            await repo.participants.audit(1, "joined", NOW)  # no deadlock: same task
            raise RuntimeError("rolled back together")
    async with repo.db.transaction():
        await repo.participants.audit(1, "kept", NOW)
    assert [e["action"] for e in await repo.participants.audit_entries()] == ["kept"]


async def test_a_failed_commit_leaves_no_transaction_open(repo: Repository) -> None:
    """After a failure the connection is usable again (no dangling BEGIN)."""
    with pytest.raises(Exception):  # noqa: B017 - any storage error
        async with repo.db.transaction() as db:
            await db.write("INSERT INTO no_such_table VALUES (1)")
    await repo.participants.audit(2, "after", NOW)
    assert [e["action"] for e in await repo.participants.audit_entries()] == ["after"]


async def test_a_rush_of_writes_shares_commits_and_a_failing_one_fails_alone(
    repo: Repository,
) -> None:
    """Group commit: 200 writers at once; each gets its own result, the duplicate its error,
    and everything else is committed (read back through a second connection)."""
    import sqlite3

    if repo.db.backend != "sqlite":
        pytest.skip("group commit is the SQLite backend's (PostgreSQL commits each on its own)")

    sql = "INSERT INTO audit_log (at, actor_id, action) VALUES (?, ?, 'rush')"

    async def one(n: int) -> int:
        return await repo.db.insert(sql, (NOW.isoformat(), n))

    async def duplicate() -> None:
        await repo.db.write("INSERT INTO participants (user_id, first_name, created_at, "
                            "updated_at) VALUES (7, 'A', ?, ?)", (NOW.isoformat(),) * 2)
        with pytest.raises(sqlite3.IntegrityError):
            await repo.db.write("INSERT INTO participants (user_id, first_name, created_at, "
                                "updated_at) VALUES (7, 'B', ?, ?)", (NOW.isoformat(),) * 2)

    ids, _ = await asyncio.gather(asyncio.gather(*(one(n) for n in range(200))), duplicate())
    assert len(set(ids)) == 200 and all(ids)
    assert repo.db.path is not None
    other = sqlite3.connect(repo.db.path)
    try:
        assert other.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'rush'"
                             ).fetchone() == (200,)
        assert other.execute("SELECT first_name FROM participants WHERE user_id = 7"
                             ).fetchall() == [("A",)]
    finally:
        other.close()


async def test_the_private_aiosqlite_names_of_the_write_path_are_there(tmp_path: Path) -> None:
    """bot/storage/sqlite.py runs a group commit on aiosqlite's own thread through
    Connection._execute and the sqlite3 connection Connection._conn (no public call does
    that); pyproject pins aiosqlite below the next minor version, and this fails first."""
    import inspect
    import sqlite3

    import aiosqlite

    assert inspect.iscoroutinefunction(aiosqlite.Connection._execute)
    async with aiosqlite.connect(tmp_path / "x.sqlite3") as conn:
        assert isinstance(conn._conn, sqlite3.Connection)
        assert await conn._execute(lambda: 41 + 1) == 42
