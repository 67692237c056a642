"""Copies between databases: migrate-data (SQLite -> PostgreSQL), backups and restores.

A copy goes into an empty database of the current schema, table by table in creation order
(so foreign keys hold), in one transaction, and is verified by row counts per table. Backups
are SQLite files whatever the backend: SQLite's online backup API for SQLite, a snapshot
(repeatable read) copied into a new SQLite file for PostgreSQL.
"""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from bot.storage.db import Database, StorageOpenError
from bot.storage.repository import Repository
from bot.storage.sqlite import SqliteDatabase

BOOKKEEPING = {"schema_version"}  # written by migrate(), not copied
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
SIDECARS = ("", "-journal", "-wal", "-shm")  # a SQLite file and what it leaves beside it


class CopyError(Exception):
    """One line: what is wrong (target not empty, counts differ...)."""


class BackupFailed(CopyError):
    """The backup could not be written (a full disk...); its partial files were removed."""


def sqlite_file(path: Path, kind: str = "a backup") -> Path:
    """An existing, non-empty SQLite file; else CopyError naming it. Nothing is created or
    written (a typo never leaves an empty database behind)."""
    if not path.exists():
        raise CopyError(f"{path}: no such file")
    if not path.is_file():
        raise CopyError(f"{path}: not a file")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CopyError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if not head:
        raise CopyError(f"{path}: not {kind} (an empty file, 0 bytes)")
    if head != SQLITE_HEADER:
        raise CopyError(f"{path}: not {kind} (not a SQLite database)")
    return path


def inspect(path: Path, kind: str = "a backup") -> tuple[int, Copied]:
    """Integrity check, schema version and row counts of a SQLite file, opened read-only
    (mode=ro: never written, never switched to WAL)."""
    sqlite_file(path, kind)
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    with path.open("rb") as fh:
        head = fh.read(20)
    wal = len(head) > 18 and head[18] == 2  # header: file format 2 = WAL
    if wal and not path.with_name(path.name + "-wal").exists():
        # A WAL file with no log beside it: read it as it is, without creating -shm/-wal.
        uri += "&immutable=1"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            problem = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if problem != "ok":
                raise CopyError(f"{path}: integrity check failed: {problem}")
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
            version = 0
            if "schema_version" in tables:
                version = int(conn.execute(
                    "SELECT MAX(version) FROM schema_version").fetchone()[0] or 0)
            found = {t: int(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0])
                     for t in tables if t not in BOOKKEEPING}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise CopyError(f"{path}: not {kind} ({exc})") from None
    return version, Copied(found)


def remove_partial(output: Path) -> None:
    """What a failed backup left: OUTPUT.partial and SQLite's files beside it."""
    partial = output.with_name(output.name + ".partial")
    for suffix in SIDECARS:
        partial.with_name(partial.name + suffix).unlink(missing_ok=True)


def _failed(output: Path, exc: BaseException) -> BackupFailed:
    remove_partial(output)
    reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc) or type(exc).__name__
    return BackupFailed(f"{output}: the backup could not be written ({reason}); "
                        "its partial files were removed")


@dataclass(frozen=True)
class Copied:
    counts: dict[str, int]  # rows per table, equal in source and target

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


async def counts(db: Database) -> dict[str, int]:
    return {t: int(await db.fetchval(f"SELECT COUNT(*) FROM {t}") or 0)
            for t in await db.tables() if t not in BOOKKEEPING}


async def copy_rows(source: Database, target: Database) -> Copied:
    """Every row of source into the (empty, same schema) target; verified by counts."""
    filled = {t: n for t, n in (await counts(target)).items() if n}
    if filled:
        table, n = next(iter(filled.items()))
        raise CopyError(f"the target database is not empty ({table} has {n} rows)")
    target_tables = set(await target.tables())
    async with target.transaction():
        for table in await source.tables():
            if table in BOOKKEEPING:
                continue
            if table not in target_tables:
                raise CopyError(f"table {table} does not exist in the target")
            wanted = set(await target.columns(table))
            have = await source.columns(table)
            columns = [c for c in have if c in wanted]
            names = ", ".join(columns)
            # Creation order kept where a store relies on it (SQLite's rowid).
            order = " ORDER BY rowid" if source.backend == "sqlite" or "rowid" in have else ""
            rows = await source.fetch(f"SELECT {names} FROM {table}{order}")
            if rows:
                await target.write_many(
                    f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})",
                    [tuple(row) for row in rows],
                )
    reset = getattr(target, "reset_identities", None)
    if reset is not None:
        await reset()
    before, after = await counts(source), await counts(target)
    wrong = [t for t in before if before[t] != after.get(t)]
    if wrong:
        t = wrong[0]
        raise CopyError(f"row counts differ after the copy: {t} {before[t]} -> {after.get(t)}")
    return Copied(before)


async def migrate_data(source: Path | str, target: Path | str) -> Copied:
    """Copy a whole program from one database to another (both migrated to the current
    schema first). A SQLite source must exist and be a database (it is never created)."""
    if isinstance(source, Path):
        sqlite_file(source, "a SQLite database")
    src = await Repository.open(source)
    try:
        dest = await Repository.open(target)
        try:
            return await copy_rows(src.db, dest.db)
        finally:
            await dest.close()
    finally:
        await src.close()


async def backup(database: Path | str, output: Path) -> Copied:
    """A consistent SQLite copy of the database while the bot runs (another process)."""
    repo = await Repository.open(database)
    try:
        return await backup_db(repo.db, output)
    finally:
        await repo.close()


async def backup_db(db: Database, output: Path) -> Copied:
    """A consistent SQLite copy of an open database (the daily backup job uses the bot's)."""
    if output.exists():
        raise CopyError(f"{output} exists already; choose a new file")
    if isinstance(db, SqliteDatabase):
        try:
            await db.backup_to(output)
            return (await asyncio.to_thread(inspect, output))[1]
        except (OSError, sqlite3.Error) as exc:
            raise _failed(output, exc) from None
    partial = output.with_name(output.name + ".partial")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        remove_partial(output)
        dest = await Repository.open(partial)
        try:
            async with db.snapshot():  # type: ignore[attr-defined]
                copied = await copy_rows(db, dest.db)
        finally:
            await dest.close()
        partial.replace(output)
    except (OSError, sqlite3.Error, StorageOpenError) as exc:
        raise _failed(output, exc) from None
    return copied


async def restore(backup_file: Path, database: Path | str) -> Copied:
    """A backup file into an empty database. The file itself is left untouched (a copy of
    it is migrated forward when it comes from an older version)."""
    await asyncio.to_thread(inspect, backup_file)  # a real, sound backup: else named here
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "restore.sqlite3"
        shutil.copyfile(backup_file, work)
        return await migrate_data(work, database)


async def verify(backup_file: Path) -> tuple[int, Copied]:
    """A backup file's schema version and row counts, after SQLite's integrity check; the
    file is opened read-only and never written."""
    return await asyncio.to_thread(inspect, backup_file)
