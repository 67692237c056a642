"""A streaming XLSX writer for big, plain tables (the attendance export: 10 000 people and
100 000 log rows). openpyxl builds a Python object per cell: half a minute and half a gigabyte
for that export; this writes the sheet XML straight into the zip, in seconds and flat memory.

What it writes: one sheet per table, a bold header row frozen at the top, strings as inline
strings (never formulas), numbers as numbers, datetimes (naive, UTC) as dates shown
`yyyy-mm-dd hh:mm:ss`, None and "" as empty cells. Characters XML cannot hold are dropped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

# Control characters XML 1.0 cannot carry (openpyxl refuses them too).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
EPOCH = datetime(1899, 12, 30)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""  # noqa: E501

SHEET_HEAD = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="{MAIN}"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>"""  # noqa: E501


@dataclass(frozen=True)
class Table:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, datetime):
        serial = (value.replace(tzinfo=None) - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="2"><v>{serial!r}</v></c>'
    text = escape(ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _rows(table: Table) -> Iterable[str]:
    width = len(table.header)
    columns = [_letters(n) for n in range(1, width + 1)]
    cells = "".join(
        f'<c r="{c}1" s="1" t="inlineStr"><is><t>{escape(ILLEGAL.sub("", h))}</t></is></c>'
        for c, h in zip(columns, table.header, strict=True)
    )
    yield f'<row r="1">{cells}</row>'
    for number, row in enumerate(table.rows, 2):
        refs = [f"{c}{number}" for c in columns[: len(row)]]
        yield f'<row r="{number}">' + "".join(map(_cell, refs, row)) + "</row>"


def write(path: Path, tables: Sequence[Table]) -> None:
    """Write the tables to an .xlsx file, one sheet each, in order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        sheets = "".join(
            f'<sheet name="{escape(t.title)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, t in enumerate(tables, 1)
        )
        book.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Types xmlns="{PKG}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
                      f'ContentType="{SHEET_TYPE}"/>' for n in range(1, len(tables) + 1))
            + "</Types>"
        ))
        book.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PKG}/relationships"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ))
        book.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{sheets}</sheets></workbook>'
        ))
        book.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{PKG}/relationships">'
            + "".join(f'<Relationship Id="rId{n}" Type="{REL}/worksheet" '
                      f'Target="worksheets/sheet{n}.xml"/>' for n in range(1, len(tables) + 1))
            + f'<Relationship Id="rId{len(tables) + 1}" Type="{REL}/styles" '
            'Target="styles.xml"/></Relationships>'
        ))
        book.writestr("xl/styles.xml", STYLES)
        for n, table in enumerate(tables, 1):
            with book.open(f"xl/worksheets/sheet{n}.xml", "w") as sheet:
                sheet.write(SHEET_HEAD.encode())
                chunk: list[str] = []
                for row in _rows(table):
                    chunk.append(row)
                    if len(chunk) >= 2000:
                        sheet.write("".join(chunk).encode())
                        chunk.clear()
                sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
