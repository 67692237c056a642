"""The one write path: every statement that changes the database goes through Database.

Two backends behind one interface: SQLite (the embedded default, this module) and PostgreSQL
(bot/storage/postgres.py, selected by a `postgresql://` URL). `Database.open(target)` picks.

SQLite: the bot shares one connection. A statement sent on it while another coroutine's
transaction is open lands inside that transaction and is rolled back with it, so every write
takes the same lock that transaction() holds. A write made by the task that holds the
transaction joins it. Reads take no lock: they never change anything.

Single-statement writes are group-committed: the writer that gets the lock commits every write
queued by then in one transaction (one fsync for a rush of check-ins, not one each); each caller
returns once its own statement is committed, and a failing statement fails alone. Every read,
write and group commit is one trip to the connection's thread.

SQL is written once for every backend: `?` placeholders, `INSERT ... ON CONFLICT DO NOTHING`
(never `INSERT OR IGNORE`), `IS [NOT] DISTINCT FROM` (never `IS NOT column`), no boolean
arithmetic (CASE), times as ISO-8601 UTC text. Schema statements (migrations) may use SQLite's
types; the PostgreSQL backend translates them in one place (postgres.py `ddl()`).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any]


class Row(Protocol):
    """A result row of either backend: by column name or position; dict(row) works."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class StorageUnavailable(Exception):
    """The database cannot be opened; one line naming the setting and the reason."""


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


WriteKind = Literal["count", "rows", "id"]


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


class Database:
    """The interface every store uses (and the SQLite implementation's name, kept for callers).

    fetch, fetchone, fetchval: reads. write -> rows changed; write_returning -> the rows of
    `... RETURNING ...`; write_many; insert -> new id;
    transaction(): all or nothing; script(): schema statements inside a transaction.
    """

    backend = "sqlite"

    @classmethod
    async def open(cls, target: Path | str) -> Database:
        """A `postgresql://` URL opens PostgreSQL; anything else is a SQLite file path."""
        if is_postgres_url(target):
            from bot.storage.postgres import PostgresDatabase

            return await PostgresDatabase.open(str(target))
        return await SqliteDatabase.open(Path(target))

    async def close(self) -> None:
        raise NotImplementedError

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        raise NotImplementedError

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        raise NotImplementedError

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return row[0] if row is not None else None

    async def write(self, sql: str, params: Params = ()) -> int:
        raise NotImplementedError

    async def write_returning(self, sql: str, params: Params = ()) -> list[Row]:
        raise NotImplementedError

    async def write_many(self, sql: str, rows: Iterable[Params]) -> None:
        raise NotImplementedError

    async def insert(self, sql: str, params: Params = ()) -> int:
        raise NotImplementedError

    def transaction(self) -> AbstractAsyncContextManager[Database]:
        raise NotImplementedError

    async def script(self, statements: Iterable[str]) -> None:
        raise NotImplementedError

    # what operators and tools ask (status, backups, copies between backends)

    async def tables(self) -> list[str]:
        """The bot's tables, in creation order (so a copy respects foreign keys)."""
        raise NotImplementedError

    async def columns(self, table: str) -> list[str]:
        raise NotImplementedError

    async def size(self) -> int:
        """Bytes used on disk (approximate)."""
        raise NotImplementedError

    async def health(self) -> str | None:
        """None when a read works; otherwise the problem in a few words."""
        try:
            await self.fetchval("SELECT 1")
        except Exception as exc:  # whatever the driver raises
            return f"{type(exc).__name__}: {exc}"[:200]
        return None

    def describe(self) -> str:
        """Where the data is, for logs and /status (never a password)."""
        raise NotImplementedError


class SqliteDatabase(Database):
    """aiosqlite in WAL mode behind one lock for writes (SQLite: one writer at a time)."""

    backend = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path | None = None) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None  # the task inside transaction()
        self._queue: list[_Write] = []  # writes waiting for the next group commit

    @classmethod
    async def open(cls, target: Path | str) -> SqliteDatabase:
        path = Path(target)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(path, isolation_level=None)
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
        except BaseException:
            await conn.close()
            raise
        return cls(conn, None if str(path) == ":memory:" else path)

    async def close(self) -> None:
        # aiosqlite >= 0.22 hangs the process at exit on an unclosed connection.
        await self._conn.close()

    # reads

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        # One trip to the connection's thread (execute, fetch and close there), not three.
        return list(await self._conn.execute_fetchall(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        """The first row (for queries that select one row: by key, or an aggregate)."""
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None

    # writes

    def _joins(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    async def _run(self, item: _Write) -> Any:
        """One statement, on the connection's thread, in one trip."""
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
            return future.result()
        batch, self._queue = self._queue, []
        # Shielded, lock released when done: cancelling this caller never cuts a commit
        # short for the others in the batch.
        commit = loop.create_task(self._commit(batch))
        commit.add_done_callback(lambda _task: self._lock.release())
        await asyncio.shield(commit)
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
            results = await self._conn._execute(_apply, raw, work)
        except Exception as exc:  # BEGIN or COMMIT failed: nothing of the batch was kept
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
        if self._joins():
            await self._conn.executemany(sql, rows)
            return
        async with self.transaction():
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
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
                try:
                    await self._conn.execute("COMMIT")
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
            finally:
                self._owner = None

    async def script(self, statements: Iterable[str]) -> None:
        """Schema statements (migrations), in the current transaction."""
        for statement in statements:
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
        finally:
            dest.close()
    finally:
        src.close()
    partial.replace(target)
