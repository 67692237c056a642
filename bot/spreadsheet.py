"""The one writer for organizer exports: CSV and XLSX, with people's text made harmless.

Names, organizations, reasons and goal texts are typed by people; in a spreadsheet a cell
starting with = + - @ (or a tab or carriage return) runs as a formula (`=HYPERLINK(...)`,
`=cmd|' /C calc'!A0`). So:
- CSV: such a text cell gets a leading apostrophe (the usual defence; OWASP "CSV injection").
  UTF-8 with a BOM, so spreadsheet programs read accents right.
- XLSX: every text cell is typed as text (never a formula, whatever it starts with) and keeps
  its text as written, minus the control characters XLSX cannot hold. Dates and times are
  cells of their own type; the header row is bold and stays in view.
Every export (attendance, goals, people, and those to come) writes through here.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

Cell = str | int | float | date | datetime | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    name: str  # the XLSX sheet; in a CSV of several tables, the row introducing it
    header: list[str]
    rows: Sequence[Sequence[Cell]]


def csv_cell(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(path: Path, tables: Sequence[Table]) -> None:
    """One table: its header and rows. Several: each introduced by a row holding only its
    name and followed by an empty row."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        for table in tables:
            if len(tables) > 1:
                out.writerow([table.name])
            out.writerow(table.header)
            out.writerows([csv_cell(c) for c in row] for row in table.rows)
            if len(tables) > 1:
                out.writerow([])


def write_xlsx(path: Path, tables: Sequence[Table]) -> None:
    """One sheet per table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name)
        sheet.append(table.header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c
                          for c in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
                elif isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.freeze_panes = "A2"
    book.save(path)


def write(path: Path, fmt: str, tables: Sequence[Table]) -> None:
    """fmt: "csv" or "xlsx"."""
    if fmt == "csv":
        write_csv(path, tables)
    else:
        write_xlsx(path, tables)
