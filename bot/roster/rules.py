"""Reading and checking a roster (CSV or XLSX), as plain rules: no Telegram, no SQL.

Header row (case-insensitive, English): name, country, group, language, and optionally
organization, sector, email, role. Every row is checked before anything is applied; each
problem names its row (the spreadsheet's row number: the header is row 1), its column and what
is wrong. A row is the same person on a re-import by its e-mail, else by name and country.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.config import LANGUAGES
from bot.models import Group
from bot.people.rules import MAX_NAME, MAX_ORGANIZATION, SECTORS, clean_text, find_country
from bot.schedule import Schedule
from bot.storage.roster import RosterEntry, StaffRole

DEFAULT_DAYS = 60  # a roster goes out weeks before the program starts
MAX_DAYS = 365
MAX_ROWS = 2000
MAX_BYTES = 2_000_000
MAX_LISTED = 30  # problems shown in one answer ("and 12 more")

REQUIRED = ("name", "country", "group", "language")
OPTIONAL = ("organization", "sector", "email", "role")
COLUMNS = REQUIRED + OPTIONAL
ALIASES = {"organisation": "organization", "e-mail": "email", "mail": "email",
           "printed name": "name", "lang": "language"}
ROLES: dict[str, StaffRole] = {"facilitator": "facilitator", "co-facilitator": "cofacilitator",
                               "cofacilitator": "cofacilitator", "organizer": "organizer",
                               "organiser": "organizer"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

Kind = Literal["unreadable", "too_big", "no_rows", "too_many_rows", "missing_column",
               "empty", "too_long", "country", "group", "language", "sector", "email", "role",
               "cofacilitator_core", "duplicate"]


@dataclass(frozen=True)
class Problem:
    row: int  # 0: the file as a whole
    column: str
    kind: Kind
    value: str = ""
    other_row: int = 0  # "duplicate": the row it repeats


@dataclass(frozen=True)
class Checked:
    entries: list[RosterEntry]
    problems: list[Problem]


def fold(text: str) -> str:
    """Case, accents and spacing folded: "  José  Ávila" -> "jose avila"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # an older spreadsheet's CSV
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(filename: str, content: bytes) -> list[list[str]] | Problem:
    """The rows of the file (the header first), or why it cannot be read."""
    if len(content) > MAX_BYTES:
        return Problem(0, "", "too_big")
    try:
        if filename.lower().endswith((".xlsx", ".xlsm")) or content[:2] == b"PK":
            return _read_xlsx(content)
        return _read_csv(content)
    except Exception:  # noqa: BLE001 - any broken file is "cannot be read", said to the user
        return Problem(0, "", "unreadable")


def _header(row: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, raw in enumerate(row):
        name = fold(raw)
        name = ALIASES.get(name, name)
        if name in COLUMNS and name not in found:
            found[name] = index
    return found


def _sector(text: str) -> str | None:
    wanted = fold(text)
    for key, label in SECTORS.items():
        if wanted in (key, fold(label)):
            return key
    return None


def key_of(name: str, country: str, email: str | None) -> str:
    return f"email:{email.lower()}" if email else f"name:{fold(name)}|{country}"


def _row(number: int, cells: dict[str, str], schedule: Schedule,
         problems: list[Problem]) -> RosterEntry | None:
    before = len(problems)

    def bad(column: str, kind: Kind) -> None:
        problems.append(Problem(number, column, kind, cells.get(column, "")[:80]))

    for column in REQUIRED:
        if not cells.get(column):
            bad(column, "empty")
    name = clean_text(cells.get("name", ""), MAX_NAME) if cells.get("name") else None
    if cells.get("name") and name is None:
        bad("name", "too_long")
    country = find_country(schedule, cells["country"]) if cells.get("country") else None
    if cells.get("country") and country is None:
        bad("country", "country")
    group_word = fold(cells.get("group", ""))
    group: Group | None = "core" if group_word == "core" else (
        "wider" if group_word == "wider" else None)
    if group_word and group is None:
        bad("group", "group")
    language = fold(cells.get("language", ""))
    if language and language not in LANGUAGES:
        bad("language", "language")
    organization = None
    if cells.get("organization"):
        organization = clean_text(cells["organization"], MAX_ORGANIZATION)
        if organization is None:
            bad("organization", "too_long")
    sector = _sector(cells["sector"]) if cells.get("sector") else None
    if cells.get("sector") and sector is None:
        bad("sector", "sector")
    email = cells.get("email") or None
    if email is not None and not _EMAIL.match(email):
        bad("email", "email")
    role = ROLES.get(fold(cells.get("role", ""))) if cells.get("role") else None
    if cells.get("role") and role is None:
        bad("role", "role")
    if role == "cofacilitator" and group == "wider":
        bad("role", "cofacilitator_core")
    if len(problems) > before or name is None or country is None or group is None:
        return None
    return RosterEntry(key=key_of(name, country.code, email),
                       name_key=key_of(name, country.code, None), name=name, country=country.code,
                       group=group, language=language, organization=organization,
                       sector=sector, email=email.lower() if email else None, role=role)


def check(table: list[list[str]], schedule: Schedule) -> Checked:
    """Every row checked; entries only when there is no problem at all."""
    rows = [(n, row) for n, row in enumerate(table, 1) if any(row)]
    if not rows:
        return Checked([], [Problem(0, "", "no_rows")])
    header = _header(rows[0][1])
    missing = [Problem(rows[0][0], c, "missing_column") for c in REQUIRED if c not in header]
    if missing:
        return Checked([], missing)
    body = rows[1:]
    if not body:
        return Checked([], [Problem(0, "", "no_rows")])
    if len(body) > MAX_ROWS:
        return Checked([], [Problem(0, "", "too_many_rows", str(len(body)))])
    problems: list[Problem] = []
    entries: list[RosterEntry] = []
    seen: dict[str, int] = {}
    for number, row in body:
        cells = {c: (row[i] if i < len(row) else "") for c, i in header.items()}
        entry = _row(number, cells, schedule, problems)
        if entry is None:
            continue
        if entry.key in seen:
            column = "email" if entry.email else "name"
            problems.append(Problem(number, column, "duplicate", cells.get(column, "")[:80],
                                    other_row=seen[entry.key]))
            continue
        seen[entry.key] = number
        entries.append(entry)
    return Checked([] if problems else entries, problems)


def expiry(now: datetime, days: int) -> datetime:
    return now + timedelta(days=days)
