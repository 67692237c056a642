"""The one write path: every statement that changes the database goes through Database.

Two backends behind one interface: SQLite (the embedded default, bot/storage/sqlite.py) and
PostgreSQL (bot/storage/postgres.py, selected by a `postgresql://` URL); Database.open picks.

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

Faults: a statement the storage cannot take right now (disk full, I/O error, locked by another
writer past the busy timeout, the file deleted or replaced under the bot, the server gone)
raises bot.faults.StorageUnavailable, with nothing written; callers wait it out (bot/faults.py).
SQLite: after one, writes wait only `probe_timeout_ms` for a lock (not the full busy timeout)
until one succeeds again, so a lock held elsewhere does not make every queued write wait 5 s
in turn: people get an answer. A database that cannot be opened at all is StorageOpenError:
one line naming DATABASE_PATH (or DATABASE_URL).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Literal, Protocol

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


__all__ = ["Database", "StorageOpenError", "StorageUnavailable"]


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


WriteKind = Literal["count", "rows", "id"]


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
        from bot.storage.sqlite import SqliteDatabase

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
