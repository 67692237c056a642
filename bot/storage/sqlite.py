"""The SQLite backend (the embedded default) behind bot.storage.db.Database: one shared
aiosqlite connection in WAL mode, every write under one lock, single-statement writes
group-committed (see bot/storage/db.py for the rules every backend keeps).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from bot.faults import StorageUnavailable
from bot.storage.db import (
    Database,
    Params,
    Row,
    StorageOpenError,
    WriteKind,
    fault,
    open_error,
)

log = logging.getLogger(__name__)


@dataclass(eq=False)
class _Write:
    sql: str
    params: Params
    kind: WriteKind
    future: asyncio.Future[Any] | None


def _apply(raw: sqlite3.Connection, work: list[tuple[str, Params, WriteKind]]
           ) -> list[tuple[Any, Exception | None]]:  # fmt: skip
    """On aiosqlite's thread: the statements of one group commit, with their results."""
    out: list[tuple[Any, Exception | None]] = []
    alone = len(work) == 1
    if not alone:
        raw.execute("BEGIN IMMEDIATE")
    try:
        for sql, params, kind in work:
            try:
                cur = raw.execute(sql, params)
                if kind == "rows":
                    result: Any = cur.fetchall()
                else:
                    result = cur.rowcount if kind == "count" else int(cur.lastrowid or 0)
                cur.close()
                out.append((result, None))
            except sqlite3.Error as exc:
                if alone:
                    raise
                out.append((None, exc))
        if not alone:
            raw.execute("COMMIT")
    except BaseException:
        if not alone and raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    return out


def _resolve(item: _Write, result: Any) -> None:
    if item.future is not None and not item.future.done():
        item.future.set_result(result)


def _fail(item: _Write, exc: BaseException) -> None:
    if item.future is not None and not item.future.done():
        item.future.set_exception(exc)


class SqliteDatabase(Database):
    """aiosqlite in WAL mode behind one lock for writes (SQLite: one writer at a time)."""

    backend = "sqlite"

    busy_timeout_ms = 5000  # how long a write waits for another writer's lock
    probe_timeout_ms = 200  # the same while the storage is failing (see the module doc)

    def __init__(self, conn: aiosqlite.Connection, path: Path | None = None) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None  # the task inside transaction()
        self._queue: list[_Write] = []  # writes waiting for the next group commit
        self._busy_applied = self.busy_timeout_ms
        self.failing: str | None = None  # the last storage fault, until a write succeeds
        # The file as opened: deleted or replaced under the bot, writes would go nowhere.
        self._identity = _identity(path) if path is not None else None

    @classmethod
    async def open(cls, target: Path | str) -> SqliteDatabase:
        path = Path(target)
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
                # Fail here, once, on a file that cannot be opened or is not SQLite: a failed
                # aiosqlite.connect leaves its thread to report to a loop that may be closed.
                probe = sqlite3.connect(path)
                try:
                    probe.execute("PRAGMA schema_version")
                finally:
                    probe.close()
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StorageOpenError(open_error("DATABASE_PATH", path, exc)) from exc
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute(f"PRAGMA busy_timeout={cls.busy_timeout_ms}")
        except sqlite3.Error as exc:
            await conn.close()
            raise StorageOpenError(open_error("DATABASE_PATH", path, exc)) from exc
        except BaseException:
            await conn.close()
            raise
        return cls(conn, None if str(path) == ":memory:" else path)

    async def close(self) -> None:
        # aiosqlite >= 0.22 hangs the process at exit on an unclosed connection.
        await self._conn.close()

    async def health(self) -> str | None:
        """None when the storage looks fine; else what is wrong, in one line (for /healthz
        and /status): the file deleted or replaced, the last write failed, or a read fails."""
        moved = self._file_problem()
        if moved is not None:
            return moved
        if self.failing:
            return f"the last write failed: {self.failing}"
        return await super().health()

    def _file_problem(self) -> str | None:
        """The file the bot opened is no longer at its path (one stat call)."""
        if self._identity is None or self.path is None:
            return None
        now = _identity(self.path)
        if now is None:
            return f"the database file {self.path} was deleted"
        if now != self._identity:
            return f"the database file {self.path} was replaced"
        return None

    # faults

    @asynccontextmanager
    async def _faults(self, *, writing: bool, check_file: bool = False) -> AsyncIterator[None]:
        """Storage faults become StorageUnavailable; a write's success ends a failing spell.
        check_file: first make sure the file is still ours (once per transaction or batch, not
        per statement: it is a stat call on the event loop's thread)."""
        if writing and check_file:
            self._check_file()
        try:
            yield
        except sqlite3.Error as exc:
            what = fault(exc)
            if what is None:
                raise
            if writing:
                self._failed(f"{what} ({exc})")
            raise StorageUnavailable(f"{what} ({exc})") from exc
        if writing and self.failing is not None:
            log.warning("storage is writable again (after: %s)", self.failing)
            self.failing = None

    def _check_file(self) -> None:
        if (moved := self._file_problem()) is not None:
            self._failed(moved)  # writing on would go to an unlinked file, then be lost
            raise StorageUnavailable(moved)

    def _failed(self, what: str) -> None:
        if self.failing is None:
            log.error("storage fault: %s", what)
        self.failing = what

    async def _busy_timeout(self) -> None:
        """Wait the full busy timeout normally; only a short probe while failing."""
        wanted = self.probe_timeout_ms if self.failing else self.busy_timeout_ms
        if wanted != self._busy_applied:
            await self._conn.execute(f"PRAGMA busy_timeout={int(wanted)}")
            self._busy_applied = wanted

    async def _rollback(self) -> None:
        # SQLite may have rolled back already (disk full, I/O error): then there is nothing to do.
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                await self._conn.execute("ROLLBACK")

    # reads

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        # One trip to the connection's thread (execute, fetch and close there), not three.
        async with self._faults(writing=False):
            return list(await self._conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row (for queries that select one row: by key, or an aggregate)."""
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None

    # writes

    def _joins(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    async def _run(self, item: _Write) -> Any:
        """One statement, on the connection's thread, in one trip (inside a transaction)."""
        async with self._faults(writing=True):
            if item.kind == "rows":
                return list(await self._conn.execute_fetchall(item.sql, item.params))
            cur = await self._conn.execute(item.sql, item.params)
        # The finished statement's cursor holds nothing: left to the garbage collector
        # rather than closed with a second trip.
        return cur.rowcount if item.kind == "count" else int(cur.lastrowid or 0)

    async def _submit(self, sql: str, params: Params, kind: WriteKind) -> Any:
        """Group commit: a write waits for the lock; whoever gets it runs every write queued
        by then in one transaction, so a rush of writers shares one commit (one fsync)
        instead of queueing for one each. Each caller still returns only once its statement
        is committed; a statement that fails (a constraint) fails alone."""
        if self._joins():
            return await self._run(_Write(sql, params, kind, None))
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        item = _Write(sql, params, kind, future)
        self._queue.append(item)
        try:
            await self._lock.acquire()
        except asyncio.CancelledError:
            self._queue.remove(item)  # cancelled while waiting: it never runs
            raise
        if future.done():  # an earlier holder committed it with its own
            self._lock.release()
            return await self._outcome(future)
        batch, self._queue = self._queue, []
        # Shielded, lock released when done: cancelling this caller never cuts a commit
        # short for the others in the batch.
        commit = loop.create_task(self._commit(batch))
        commit.add_done_callback(lambda _task: self._lock.release())
        await asyncio.shield(commit)
        return await self._outcome(future)

    async def _outcome(self, future: asyncio.Future[Any]) -> Any:
        """A queued write's result; a storage fault as StorageUnavailable (nothing written)."""
        async with self._faults(writing=True):
            return future.result()

    async def _commit(self, batch: list[_Write]) -> None:
        """Run the batch on the connection's thread in one trip: alone in autocommit, else
        in one transaction where a failing statement is undone alone (SQLite's
        statement-level rollback) and the rest commit together."""
        # aiosqlite has no public "run this on your thread": _execute is what its own
        # methods use (tests/test_storage_writes.py covers it on the installed version).
        raw = self._conn._conn
        work = [(item.sql, item.params, item.kind) for item in batch]
        try:
            self._check_file()
            await self._busy_timeout()
            results = await self._conn._execute(_apply, raw, work)
        except Exception as exc:  # the file gone, or BEGIN or COMMIT failed: nothing was kept
            for item in batch:
                _fail(item, exc)
            return
        for item, (result, error) in zip(batch, results, strict=True):
            if error is None:
                _resolve(item, result)
            else:
                _fail(item, error)

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement that changes rows; returns how many it changed."""
        return int(await self._submit(sql, params, "count"))

    async def write_returning(self, sql: str, params: Params = ()) -> list[Row]:
        """One statement that changes rows and returns some (`... RETURNING ...`)."""
        rows: list[Row] = await self._submit(sql, params, "rows")
        return rows

    async def write_many(self, sql: str, rows: Iterable[Params]) -> None:
        """One statement for many rows, in one commit (inside a transaction when one is open)."""
        if not self._joins():
            async with self.transaction():
                await self.write_many(sql, rows)
            return
        async with self._faults(writing=True):
            await self._conn.executemany(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """An INSERT into a table with an integer key; returns the new row's id."""
        return int(await self._submit(sql, params, "id"))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """All or nothing. Writes (and reads) inside go through the Database as usual."""
        if self._joins():  # nested: part of the transaction already open
            yield self
            return
        async with self._lock:
            self._owner = asyncio.current_task()
            try:
                async with self._faults(writing=True, check_file=True):
                    await self._busy_timeout()
                    await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    await self._rollback()
                    raise
                try:
                    async with self._faults(writing=True):
                        await self._conn.execute("COMMIT")
                except BaseException:
                    await self._rollback()
                    raise
            finally:
                self._owner = None

    async def script(self, statements: Iterable[str]) -> None:
        """Schema statements (migrations), in the current transaction."""
        for statement in statements:
            async with self._faults(writing=True):
                await self._conn.execute(statement)

    # operators and tools

    async def tables(self) -> list[str]:
        rows = await self.fetch(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        )
        return [r[0] for r in rows]

    async def columns(self, table: str) -> list[str]:
        return [r[1] for r in await self.fetch(f"PRAGMA table_info({table})")]

    async def size(self) -> int:
        pages = await self.fetchval("PRAGMA page_count")
        page_size = await self.fetchval("PRAGMA page_size")
        return int(pages or 0) * int(page_size or 0)

    def describe(self) -> str:
        return f"SQLite {self.path or ':memory:'}"

    async def backup_to(self, target: Path) -> None:
        """A consistent copy while the bot keeps writing (SQLite's online backup API)."""
        if self.path is None:
            raise ValueError("an in-memory database has no file to back up")
        await asyncio.to_thread(backup_file, self.path, target)


def backup_file(source: Path, target: Path) -> None:
    """Copy a SQLite database with the online backup API: one consistent snapshot (WAL lets
    the bot keep writing), written next to the target and renamed into place at the end."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(partial)
        try:
            src.backup(dest)  # pages=-1: all in one step, so one snapshot
            # One self-contained file (rollback journal, not WAL): verify and restore read it
            # read-only without SQLite's -wal/-shm files beside it.
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
    finally:
        src.close()
    partial.replace(target)


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file, or None when it is not there."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
