"""The one write path: every statement that changes the database goes through Database.

Two backends behind one interface: SQLite (the embedded default, this module) and PostgreSQL
(bot/storage/postgres.py, selected by a `postgresql://` URL). `Database.open(target)` picks.

SQLite: the bot shares one connection. A statement sent on it while another coroutine's
transaction is open lands inside that transaction and is rolled back with it, so every write
takes the same lock that transaction() holds. A write made by the task that holds the
transaction joins it. Reads take no lock: they never change anything.

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
from pathlib import Path
from typing import Any, Protocol

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


class Database:
    """The interface every store uses (and the SQLite implementation's name, kept for callers).

    fetch, fetchone, fetchval: reads. write -> rows changed; write_many; insert -> new id;
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
        async with self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._conn.execute(sql, params) as cur:
            row: Row | None = await cur.fetchone()
            return row

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
