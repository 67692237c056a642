"""The one write path: every statement that changes the database goes through Database.

The bot shares one connection. A statement sent on it while another coroutine's transaction is
open lands inside that transaction and is rolled back with it, so every write takes the same
lock that transaction() holds. A write made by the task that holds the transaction joins it.
Reads take no lock: they never change anything.

Single-statement writes are group-committed: the writer that gets the lock commits every
write queued by then in one transaction (one fsync for a rush of check-ins, not one each);
each caller returns once its own statement is committed, and a failing statement fails alone.
Every read, write and group commit is one trip to the connection's thread.

SQL is written once for every backend: `?` placeholders, `INSERT ... ON CONFLICT DO NOTHING`
(never `INSERT OR IGNORE`), times as ISO-8601 UTC text.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import aiosqlite

log = logging.getLogger(__name__)

Row = aiosqlite.Row
Params = Sequence[Any]


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
    """aiosqlite in WAL mode behind one lock for writes (SQLite: one writer at a time)."""

    backend = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path | None = None) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None  # the task inside transaction()
        self._queue: list[_Write] = []  # writes waiting for the next group commit

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        path = Path(path)
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

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return row[0] if row is not None else None

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
        raw = self._conn._conn  # the sqlite3 connection, used only on aiosqlite's thread
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
