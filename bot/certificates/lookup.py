"""Which certificate a code names: this cohort's database first, then the earlier cohorts'
(EARLIER_COHORTS), so a certificate stays verifiable after the bot moves on to a new cohort
with a new database (docs/organizers.md, "The next cohort")."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from bot.storage import Repository
from bot.storage.certificates import Certificate
from bot.storage.db import StorageOpenError

log = logging.getLogger(__name__)


async def find(repo: Repository, earlier: Sequence[Path | str], code: str) -> Certificate | None:
    """The certificate with this code, from the first database that has it. An earlier
    cohort's database is opened for the look-up only (and brought to the current schema, as
    any database the bot opens); one that cannot be opened is logged and skipped."""
    found = await repo.certificates.get(code)
    for index, database in enumerate(earlier):
        if found is not None:
            break
        try:
            other = await Repository.open(database)
        except StorageOpenError:
            log.warning("EARLIER_COHORTS entry %d cannot be opened; skipped", index + 1)
            continue
        try:
            found = await other.certificates.get(code)
        finally:
            await other.close()
    return found
