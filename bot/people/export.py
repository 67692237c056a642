"""The "people" export: everyone registered, with organization and sector (English labels).

Staff have their own columns (`staff`, `staff countries`); `participant` says whether the
person is counted as a participant (bot.membership.counted): staff who registered themselves
before they were granted are listed, but not as participants. `scope`: the countries of a
facilitator limited to some (like /people); None: everyone.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from bot import spreadsheet
from bot.config import configured_organizers
from bot.membership import counted
from bot.people.cards import status_of
from bot.people.rules import SECTORS, staff_label
from bot.roles import effective_role
from bot.schedule import Schedule
from bot.spreadsheet import Table
from bot.storage import Repository

COLUMNS = ["user_id", "name", "username", "participant", "staff", "staff countries", "group",
           "country", "zone", "language", "organization", "sector", "status", "joined_via",
           "registered_at"]


async def rows(repo: Repository, organizers: Collection[int],
               scope: Collection[str] | None = None) -> list[list[object]]:
    out: list[list[object]] = []
    for p in await repo.people.registered():
        if scope is not None and p.country not in scope:
            continue
        role = effective_role(p.user_id, p, list(organizers))
        countries = (sorted(await repo.people.facilitator_countries(p.user_id))
                     if role == "facilitator" else [])
        out.append([
            p.user_id, p.name, p.username or "", "yes" if counted(p, role) else "no",
            staff_label(role, p, countries), " ".join(countries), p.group or "",
            p.country or "", p.zone or "", p.language or "", p.organization or "",
            SECTORS.get(p.sector or "", ""), status_of(p), p.joined_via or "",
            p.created_at.isoformat()])
    return out


async def write_people(repo: Repository, schedule: Schedule, fmt: str, path: Path, *,
                       organizers: Collection[int] | None = None,
                       scope: Collection[str] | None = None) -> None:
    """organizers: ORGANIZER_IDS (default: from the settings, for the shell)."""
    if organizers is None:
        organizers = configured_organizers()
    spreadsheet.write(fmt, path, [Table("people", COLUMNS, await rows(repo, organizers, scope))])
