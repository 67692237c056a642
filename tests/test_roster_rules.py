"""Roster rules: reading CSV and XLSX, checking every row, keys for re-imports."""

from __future__ import annotations

from pathlib import Path

from bot.roster.rules import Problem, check, key_of, read_table
from bot.schedule import Schedule
from bot.spreadsheet import Table, write_xlsx


def test_every_problem_named_by_row_and_column(schedule: Schedule) -> None:
    table = read_table("r.csv", (
        b"Name;Country;Group;Language;Sector;E-mail;Role\n"
        b"Ama;Ghana;core;en;Farmers' cooperative;AMA@example.org;\n"
        b";GH;core;en;;;\n"
        b"Kofi;GH;core;xx;mining;kofi@;boss\n"
        b"Ama Again;GH;wider;en;;ama@example.org;\n"
        b"Lia;PE;wider;es;;;co-facilitator\n"))
    assert not isinstance(table, Problem)
    checked = check(table, schedule)
    assert checked.entries == []
    assert [(p.row, p.column, p.kind) for p in checked.problems] == [
        (3, "name", "empty"),
        (4, "language", "language"), (4, "sector", "sector"), (4, "email", "email"),
        (4, "role", "role"),
        (5, "email", "duplicate"),
        (6, "role", "cofacilitator_core"),
    ]
    assert checked.problems[5].other_row == 2


def test_valid_rows_become_entries(schedule: Schedule, tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_xlsx(path, [Table("r", ["NAME", "country", "group", "language", "organisation",
                                  "sector", "email", "role"],
                            [["  José   Ávila ", "Perú", "Core", "ES", "Coop", "coop", "",
                              "Co-facilitator"]])])
    table = read_table("r.xlsx", path.read_bytes())
    assert not isinstance(table, Problem)
    (entry,) = check(table, schedule).entries
    assert (entry.name, entry.country, entry.group, entry.language, entry.organization,
            entry.sector, entry.email, entry.role) == (
        "José Ávila", "PE", "core", "es", "Coop", "coop", None, "cofacilitator")
    assert entry.key == key_of("jose avila", "PE", None) == "name:jose avila|PE"


def test_missing_columns_and_unreadable_files(schedule: Schedule) -> None:
    table = read_table("r.csv", b"name,country\nAma,GH\n")
    assert not isinstance(table, Problem)
    assert [(p.row, p.column, p.kind) for p in check(table, schedule).problems] == [
        (1, "group", "missing_column"), (1, "language", "missing_column")]
    assert read_table("r.xlsx", b"PK\x03\x04 broken") == Problem(0, "", "unreadable")
    empty = read_table("r.csv", b"name,country,group,language\n")
    assert not isinstance(empty, Problem)
    assert check(empty, schedule).problems == [Problem(0, "", "no_rows")]
