"""One roster import, for the chat (/roster) and the shell (python -m bot roster import): check
every row, apply all of them in one transaction, write links.csv and links.xlsx (and QR codes).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import segno

from bot.people.rules import deep_link, new_code
from bot.roster.rules import Problem, check, expiry, read_table
from bot.schedule import Schedule
from bot.spreadsheet import Table, write
from bot.storage import Repository
from bot.storage.roster import Imported

HEADER = ("name", "email", "country", "group", "link", "status", "expires_utc")


@dataclass(frozen=True)
class Result:
    problems: list[Problem] = field(default_factory=list)
    rows: list[Imported] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(r.status for r in self.rows)


async def run_import(repo: Repository, schedule: Schedule, filename: str, content: bytes, *,
                     by: int, now: datetime, days: int) -> Result:
    table = read_table(filename, content)
    if isinstance(table, Problem):
        return Result([table])
    checked = check(table, schedule)
    if checked.problems:
        return Result(checked.problems)
    rows = await repo.roster.apply(checked.entries, by=by, now=now, expires_at=expiry(now, days),
                                   new_code=new_code)
    await repo.participants.audit(by, "roster.import", now, detail=" ".join(
        f"{k}={v}" for k, v in sorted(Counter(r.status for r in rows).items())))
    return Result(rows=rows)


def links_table(rows: list[Imported], bot_username: str) -> Table:
    return Table("links", HEADER, [
        (r.entry.name, r.entry.email, r.entry.country, r.entry.group,
         deep_link(bot_username, r.code), r.status, r.expires_at)
        for r in rows])


def write_links(csv_path: Path, rows: list[Imported], bot_username: str) -> list[Path]:
    """The CSV, and an XLSX of the same name beside it, through the export writer."""
    paths = [csv_path, csv_path.with_suffix(".xlsx")]
    for path in paths:
        write(path.suffix.lstrip("."), path, [links_table(rows, bot_username)])
    return paths


def _file_name(number: int, name: str) -> str:
    return f"{number:03d}-{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-')[:40] or 'person'}.png"


def qr_codes(rows: list[Imported], bot_username: str) -> list[tuple[str, bytes]]:
    """One PNG per person, named by row order and name: the QR code of their link."""
    out = []
    for number, r in enumerate(rows, 1):
        png = io.BytesIO()
        segno.make(deep_link(bot_username, r.code), error="m", micro=False).save(
            png, kind="png", scale=8, border=2)
        out.append((_file_name(number, r.entry.name), png.getvalue()))
    return out


def qr_zip(rows: list[Imported], bot_username: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, png in qr_codes(rows, bot_username):
            archive.writestr(name, png)
    return buffer.getvalue()
