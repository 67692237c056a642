"""The repository: the database, its migrations, and one store per feature.

Every SQL statement of the bot lives under bot/storage; every write goes through
Database (bot/storage/db.py), the one locked write path.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path

from bot.faults import StorageUnavailable
from bot.storage.attendance import AttendanceStore
from bot.storage.audit import AuditEntry, audited
from bot.storage.broadcasts import BroadcastStore
from bot.storage.certificates import CertificateStore
from bot.storage.coaching import CoachingStore
from bot.storage.db import Database, StorageOpenError, is_postgres_url, open_error
from bot.storage.feedback import FeedbackStore
from bot.storage.goals import GoalStore
from bot.storage.invitations import InvitationStore
from bot.storage.materials import MaterialStore
from bot.storage.migrations import MIGRATIONS
from bot.storage.networking import NetworkStore
from bot.storage.operations import OperationsStore
from bot.storage.participants import ParticipantStore
from bot.storage.pending import PendingStore
from bot.storage.people import PeopleStore
from bot.storage.program import ProgramStore
from bot.storage.questions import QuestionStore
from bot.storage.reminders import ReminderStore
from bot.storage.roster import RosterStore
from bot.storage.sessions import SessionStore
from bot.storage.warnings import WarningStore

log = logging.getLogger(__name__)


class Repository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.participants = ParticipantStore(db)
        self.people = PeopleStore(db)
        self.invitations = InvitationStore(db)
        self.pending = PendingStore(db)
        self.reminders = ReminderStore(db)
        self.attendance = AttendanceStore(db)
        self.goals = GoalStore(db)
        self.broadcasts = BroadcastStore(db)
        self.certificates = CertificateStore(db)
        self.operations = OperationsStore(db)
        self.coaching = CoachingStore(db)
        self.sessions = SessionStore(db)
        self.materials = MaterialStore(db)
        self.feedback = FeedbackStore(db)
        self.networking = NetworkStore(db)
        self.questions = QuestionStore(db)
        self.roster = RosterStore(db)
        self.program = ProgramStore(db)
        self.warnings = WarningStore(db)

    def audited(self, actor_id: int, action: str, now: datetime, target: str | None = None,
                detail: str | None = None) -> AbstractAsyncContextManager[AuditEntry]:
        """A change and its audit entry in one transaction (bot/storage/audit.py)."""
        return audited(self.db, self.participants, actor_id, action, now, target, detail)

    @classmethod
    async def open(cls, target: Path | str) -> Repository:
        """A SQLite file path, or a `postgresql://` URL (bot/storage/postgres.py)."""
        db = await Database.open(target)  # StorageOpenError: one line naming the setting
        try:
            repo = cls(db)
            await repo.migrate()
        except (OSError, sqlite3.Error, StorageUnavailable) as exc:  # e.g. a read-only folder
            await db.close()
            where = "a PostgreSQL database" if is_postgres_url(target) else target
            setting = "DATABASE_URL" if is_postgres_url(target) else "DATABASE_PATH"
            raise StorageOpenError(open_error(setting, where, exc)) from exc
        except BaseException:
            await db.close()
            raise
        return repo

    async def close(self) -> None:
        await self.db.close()

    async def migrate(self) -> None:
        """Forward-only: each migration in one transaction, with its version row."""
        async with self.db.transaction():
            await self.db.script(
                ["CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"]
            )
        for version, statements in enumerate(MIGRATIONS, start=1):
            if version <= await self.schema_version():
                continue
            async with self.db.transaction():
                # Asked again inside: another process may have migrated meanwhile.
                if version <= await self.schema_version():
                    continue
                await self.db.script(statements)
                await self.db.write("INSERT INTO schema_version (version) VALUES (?)", (version,))
            log.info("database migrated to schema version %d", version)

    async def health(self) -> str | None:
        """None when storage answers; otherwise the problem, for /healthz and /status (SQLite:
        also a database file deleted or replaced under the bot, or a failing write)."""
        return await self.db.health()

    async def schema_version(self) -> int:
        return int(await self.db.fetchval("SELECT MAX(version) FROM schema_version") or 0)
