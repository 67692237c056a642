"""Big, plain tables as an .xlsx file (the attendance export: 10 000 people and 100 000 log
rows), streamed with XlsxWriter's constant-memory mode: openpyxl builds a Python object per
cell, half a minute and half a gigabyte for that export.

What it writes: one sheet per table, a bold header row frozen at the top, text always as text
(never a formula or a link), numbers as numbers, datetimes (naive, UTC) shown
`yyyy-mm-dd hh:mm:ss`, None and "" as empty cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter


@dataclass(frozen=True)
class Table:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def write(path: Path, tables: Sequence[Table]) -> None:
    """Write the tables to an .xlsx file, one sheet each, in order."""
    book = xlsxwriter.Workbook(str(path), {
        "constant_memory": True,  # rows go to disk as they are written
        "strings_to_formulas": False,  # user text such as "=1+1" stays text
        "strings_to_urls": False,
        "default_date_format": "yyyy-mm-dd hh:mm:ss",
    })
    try:
        bold = book.add_format({"bold": True})
        for table in tables:
            sheet = book.add_worksheet(table.title)
            sheet.write_row(0, 0, table.header, bold)
            sheet.freeze_panes(1, 0)
            for number, row in enumerate(table.rows, 1):
                for column, value in enumerate(row):
                    if value is not None and value != "":
                        sheet.write(number, column, value)
    finally:
        book.close()
