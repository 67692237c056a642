"""The one write path: every statement that changes the database goes through Database.

The bot shares one connection. A statement sent on it while another coroutine's transaction is
open lands inside that transaction and is rolled back with it, so every write takes the same
lock that transaction() holds. A write made by the task that holds the transaction joins it.
Reads take no lock: they never change anything.

SQL is written once for every backend: `?` placeholders, `INSERT ... ON CONFLICT DO NOTHING`
(never `INSERT OR IGNORE`), times as ISO-8601 UTC text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Row = aiosqlite.Row
Params = Sequence[Any]


class Database:
    """aiosqlite in WAL mode behind one lock for writes (SQLite: one writer at a time)."""

    backend = "sqlite"

    def __init__(self, conn: aiosqlite.Connection, path: Path | None = None) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None  # the task inside transaction()

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
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._conn.execute(sql, params) as cur:
            return await cur.fetchone()

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return row[0] if row is not None else None

    # writes

    def _joins(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        if self._joins():
            yield
            return
        async with self._lock:
            yield

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement that changes rows; returns how many it changed."""
        async with self._writing():
            cur = await self._conn.execute(sql, params)
            count = cur.rowcount
            await cur.close()
        return count

    async def write_many(self, sql: str, rows: Iterable[Params]) -> None:
        """One statement for many rows, in one commit (inside a transaction when one is open)."""
        if self._joins():
            await self._conn.executemany(sql, rows)
            return
        async with self.transaction():
            await self._conn.executemany(sql, rows)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """An INSERT into a table with an integer key; returns the new row's id."""
        async with self._writing():
            cur = await self._conn.execute(sql, params)
            row_id = cur.lastrowid
            await cur.close()
        return int(row_id or 0)

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
