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

Faults: a statement the storage cannot take right now (disk full, I/O error, locked by another
writer past the busy timeout, the file deleted or replaced under the bot, the server gone)
raises bot.faults.StorageUnavailable, with nothing written; callers wait it out (bot/faults.py).
SQLite: after one, writes wait only `probe_timeout_ms` for a lock (not the full busy timeout)
until one succeeds again, so a lock held elsewhere does not make every queued write wait 5 s
in turn: people get an answer. A database that cannot be opened at all is StorageOpenError:
one line naming DATABASE_PATH (or DATABASE_URL).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from bot.faults import StorageUnavailable

log = logging.getLogger(__name__)

# SQLite result codes (primary) that mean "the storage, not the statement": worth waiting out.
FAULTS = {
    5: "locked by another writer",  # SQLITE_BUSY
    6: "table locked",  # SQLITE_LOCKED
    7: "out of memory",  # SQLITE_NOMEM
    8: "read-only",  # SQLITE_READONLY
    10: "disk I/O error",  # SQLITE_IOERR (also a file size limit)
    11: "database file damaged",  # SQLITE_CORRUPT
    13: "disk full",  # SQLITE_FULL
    14: "cannot open the file",  # SQLITE_CANTOPEN
    15: "lock protocol error",  # SQLITE_PROTOCOL
    26: "not a database file",  # SQLITE_NOTADB
}


def fault(exc: BaseException) -> str | None:
    """What went wrong with the storage, or None when the statement itself is at fault."""
    code = getattr(exc, "sqlite_errorcode", None)
    if not isinstance(exc, sqlite3.Error) or code is None:
        return None
    return FAULTS.get(code & 0xFF)

Params = Sequence[Any]


class Row(Protocol):
    """A result row of either backend: by column name or position; dict(row) works."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...


class StorageOpenError(Exception):
    """The database cannot be opened or set up; one line naming the setting and the reason."""


__all__ = ["Database", "SqliteDatabase", "StorageOpenError", "StorageUnavailable"]


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

    busy_timeout_ms = 5000  # how long a write waits for another writer's lock
    probe_timeout_ms = 200  # the same while the storage is failing (see the module doc)

    def __init__(self, conn: aiosqlite.Connection, path: Path | None = None) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None  # the task inside transaction()
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
    async def _faults(self, *, writing: bool) -> AsyncIterator[None]:
        """Storage faults become StorageUnavailable; a write's success ends a failing spell."""
        if writing and (moved := self._file_problem()) is not None:
            self._failed(moved)  # writing on would go to an unlinked file, then be lost
            raise StorageUnavailable(moved)
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
        async with self._faults(writing=False), self._conn.execute(sql, params) as cur:
            return list(await cur.fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._faults(writing=False), self._conn.execute(sql, params) as cur:
            row: Row | None = await cur.fetchone()
            return row

    # writes

    def _joins(self) -> bool:
        return self._owner is not None and self._owner is asyncio.current_task()

    @asynccontextmanager
    async def _writing(self) -> AsyncIterator[None]:
        if self._joins():
            async with self._faults(writing=True):
                yield
            return
        async with self._lock, self._faults(writing=True):
            await self._busy_timeout()
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
        if not self._joins():
            async with self.transaction():
                await self.write_many(sql, rows)
            return
        async with self._writing():
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
                async with self._faults(writing=True):
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


def open_error(setting: str, where: object, exc: BaseException) -> str:
    """One line for StorageOpenError: the setting, where, and why."""
    cause = exc.__cause__ if isinstance(exc, StorageUnavailable) and exc.__cause__ else exc
    if isinstance(cause, OSError):
        reason = cause.strerror or str(cause)
        if cause.filename and str(cause.filename) != str(where):
            reason += f" ({cause.filename})"
    else:
        reason = str(cause)
    return f"{setting}: cannot use {where}: {reason}"
