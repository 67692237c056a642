"""`python -m bot certificates --output DIR` and `python -m bot verify CODE`: the same
documents and answers as the bot gives, from the database alone (no token, no network)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from bot.certificates import jobs, lookup, rules, texts
from bot.config import Settings
from bot.i18n import I18n
from bot.lengths import plain
from bot.schedule import Schedule
from bot.storage import Repository
from bot.storage.certificates import Certificate
from bot.viewer import Viewer


def file_name(c: Certificate) -> str:
    """GH-core-Zoe-NGuessan-7K3M9QXD2HTBW4PZ.pdf: sorts by country, readable anywhere."""
    ascii_name = unicodedata.normalize("NFKD", c.name or "").encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[A-Za-z0-9]+", ascii_name))[:40] or "certificate"
    return f"{c.country or 'XX'}-{c.group}-{slug}-{c.code}.pdf"


async def write_all(settings: Settings, schedule: Schedule, output: Path) -> tuple[int, int]:
    """(written, revoked left out)."""
    i18n = I18n(default=settings.default_language)
    output.mkdir(parents=True, exist_ok=True)
    repo = await Repository.open(settings.database)
    try:
        found = await repo.certificates.all()
    finally:
        await repo.close()
    valid = [c for c in found if c.valid]
    for c in valid:
        (output / file_name(c)).write_bytes(jobs.pdf(schedule, i18n, c))
    return len(valid), len(found) - len(valid)


async def verify(settings: Settings, schedule: Schedule, typed: str,
                 lang: str) -> tuple[str, bool]:
    i18n = I18n(default=settings.default_language)
    view = Viewer(i18n.get(lang), lang, "UTC")
    code = rules.parse_code(typed)
    repo = await Repository.open(settings.database)
    try:
        found = await lookup.find(repo, settings.earlier_databases, code) if code else None
    finally:
        await repo.close()
    return plain(texts.verification(view, schedule, found, typed)), bool(found and found.valid)
