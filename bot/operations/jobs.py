"""Daily backups (BACKUP_DIR): a consistent SQLite copy once a day, the newest BACKUP_KEEP kept.

Rebuilt at every start like every job; the next one is scheduled before the copy is made, so
a failed copy (reported to organizers by the error handler) does not stop the following days.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from telegram.ext import Application

from bot.context import BotContext
from bot.jobs import schedule_at
from bot.services import get_services
from bot.storage.copy import BackupFailed, CopyError, backup_db

log = logging.getLogger(__name__)

BACKUP_JOB = "backup:daily"
BACKUP_AT = time(2, 0, tzinfo=UTC)  # far from the sessions (all at 14:00 UTC)
PATTERN = "bot-*.sqlite3"


def next_backup(now: datetime) -> datetime:
    """The next BACKUP_AT strictly after now."""
    today = datetime.combine(now.astimezone(UTC).date(), BACKUP_AT)
    return today if today > now else today + timedelta(days=1)


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` daily backups (names sort by date)."""
    old = sorted(folder.glob(PATTERN))[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old


async def backup_job(context: BotContext) -> None:
    svc = context.svc
    folder = svc.settings.backup_dir
    assert folder is not None
    now = svc.clock.now()
    _schedule(context.application, next_backup(now))
    output = folder / f"bot-{now:%Y-%m-%d}.sqlite3"
    try:
        copied = await backup_db(svc.repo.db, output)
    except BackupFailed:
        raise  # a full disk...: organizers hear of it (its partial files are gone)
    except CopyError as exc:  # today's is there already (a restart)
        log.info("daily backup skipped: %s", exc)
        return
    removed = prune(folder, svc.settings.backup_keep)
    log.info("daily backup written: %s (%d rows); %d old ones removed", output, copied.rows,
             len(removed))


def _schedule(app: Application, due: datetime) -> None:
    schedule_at(app, get_services(app).clock, name=BACKUP_JOB, due=due, callback=backup_job,
                grace=timedelta(hours=6))


async def build_jobs(app: Application) -> None:
    svc = get_services(app)
    if svc.settings.backup_dir is not None:
        _schedule(app, next_backup(svc.clock.now()))
