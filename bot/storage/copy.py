"""Copies between databases: migrate-data (SQLite -> PostgreSQL), backups and restores.

A copy goes into an empty database of the current schema, table by table in creation order
(so foreign keys hold), in one transaction, and is verified by row counts per table. Backups
are SQLite files whatever the backend: SQLite's online backup API for SQLite, a snapshot
(repeatable read) copied into a new SQLite file for PostgreSQL.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.storage.db import Database, SqliteDatabase, StorageOpenError
from bot.storage.repository import Repository

BOOKKEEPING = {"schema_version"}  # written by migrate(), not copied


class CopyError(Exception):
    """One line: what is wrong (target not empty, counts differ...)."""


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
    schema first)."""
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
        await db.backup_to(output)
        copy = await SqliteDatabase.open(output)
        try:
            return Copied(await counts(copy))
        finally:
            await copy.close()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    partial.unlink(missing_ok=True)
    dest = await Repository.open(partial)
    try:
        async with db.snapshot():  # type: ignore[attr-defined]
            copied = await copy_rows(db, dest.db)
    finally:
        await dest.close()
    partial.replace(output)
    return copied


async def restore(backup_file: Path, database: Path | str) -> Copied:
    """A backup file into an empty database. The file itself is left untouched (a copy of
    it is migrated forward when it comes from an older version)."""
    if not backup_file.is_file():
        raise CopyError(f"{backup_file}: no such file")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder) / "restore.sqlite3"
        shutil.copyfile(backup_file, work)
        return await migrate_data(work, database)


async def verify(backup_file: Path) -> tuple[int, Copied]:
    """A backup file's schema version and row counts, after SQLite's integrity check."""
    if not backup_file.is_file():
        raise CopyError(f"{backup_file}: no such file")
    try:
        db = await SqliteDatabase.open(backup_file)
    except StorageOpenError as exc:  # e.g. "file is not a database"
        raise CopyError(f"{backup_file}: not a backup ({exc.__cause__ or exc})") from None
    try:
        problem = await db.fetchval("PRAGMA integrity_check")
        if problem != "ok":
            raise CopyError(f"{backup_file}: integrity check failed: {problem}")
        version = int(await db.fetchval("SELECT MAX(version) FROM schema_version") or 0)
        return version, Copied(await counts(db))
    finally:
        await db.close()
