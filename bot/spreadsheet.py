"""Tables as the files organizers open: CSV and XLSX, written the same way for every export.

XLSX goes through XlsxWriter in constant-memory mode (rows go to disk as they are written:
the attendance export of 10 000 people and 100 000 log rows takes seconds and flat memory,
where openpyxl builds a Python object per cell). One sheet per table, a bold header row frozen
at the top, text always as text (never a formula or a link), numbers as numbers, datetimes in
UTC shown `yyyy-mm-dd hh:mm:ss`, None and "" as empty cells.

CSV is UTF-8 with a byte-order mark (spreadsheet programs then read accented names correctly).
One table: its header and rows. Several: each under a line with its title, a blank line
between. A cell of text starting like a formula gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import xlsxwriter


class Table(NamedTuple):
    name: str  # the XLSX sheet; in a CSV of several tables, the line introducing it
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


# Characters XML cannot carry (a pasted control character in a comment, say).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """User text such as "=HYPERLINK(...)" must never run in a spreadsheet."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _csv_cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return _utc(value).isoformat(sep=" ")
    return csv_cell(value)


def write_csv(path: Path, tables: Sequence[Table]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        titled = len(tables) > 1
        for n, (name, header, rows) in enumerate(tables):
            if titled:
                out.writerow([name])
            out.writerow(header)
            out.writerows([_csv_cell(c) for c in row] for row in rows)
            if titled and n < len(tables) - 1:
                out.writerow([])


def count_rows(path: Path) -> int:
    """Data rows of a CSV written by write_csv: of its first table when it holds several
    (a title line, the header, rows, then a blank line before the next title)."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    if not lines:
        return 0
    titled = len(lines[0]) == 1 and [] in lines
    first = lines[2:] if titled else lines[1:]
    if titled:
        first = first[:first.index([])] if [] in first else first
    return len(first)


def write_xlsx(path: Path, tables: Sequence[Table]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True,
        "strings_to_formulas": False,  # text stays text, whatever it starts with
        "strings_to_urls": False,
        "strings_to_numbers": False,
        "default_date_format": "yyyy-mm-dd hh:mm:ss",
    })
    try:
        bold = book.add_format({"bold": True})
        for name, header, rows in tables:
            sheet = book.add_worksheet(name[:31])  # Excel's limit for a sheet name
            sheet.write_row(0, 0, list(header), bold)
            sheet.freeze_panes(1, 0)
            for number, row in enumerate(rows, 1):
                for column, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, str):
                        if not value.isprintable():  # the fast check first: 1M cells
                            value = _ILLEGAL.sub("", value)
                        sheet.write_string(number, column, value)
                    elif isinstance(value, datetime):
                        sheet.write_datetime(number, column, _utc(value))
                    else:
                        sheet.write(number, column, value)
    finally:
        book.close()


def write(fmt: str, path: Path, tables: Sequence[Table]) -> None:
    """fmt "csv" or "xlsx"; the folder is made if needed."""
    (write_csv if fmt == "csv" else write_xlsx)(path, tables)
