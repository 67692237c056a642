"""Goals export, checked cell by cell: CSV and XLSX files, /export goals, the CLI."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.__main__ import main
from bot.clock import FakeClock
from bot.emulator import BotAPIEmulator
from bot.exports import EXPORTERS
from bot.schedule import Schedule
from bot.services import Services
from bot.storage import Repository
from tests.goal_helpers import member
from tests.helpers import ORGANIZER_ID, ROOT, database_env, fresh_database

T1 = datetime(2021, 1, 20, 16, 30, tzinfo=UTC)
T2 = T1 + timedelta(days=1)
T3 = datetime(2021, 10, 6, 15, tzinfo=UTC)


async def seed(repo: Repository) -> tuple[int, int]:
    """Ghana: one goal with two steps (one done), a note and a review; Peru: a dropped goal."""
    await repo.participants.ensure(7, first_name="Ama", last_name="Mensah", username=None, now=T1)
    store = repo.goals
    gh = await store.add_goal("GH", "=SUM(A1) <b>plan</b>", "Reach 3 districts",
                              date(2021, 6, 30), 7, T1)
    s1 = await store.add_step(gh, "Map farms", "Ama Mensah", 7, date(2021, 3, 1), 7, T1)
    await store.add_step(gh, "Train, \"lead\" farmers", "Coop Norte", None, None, 7, T1)
    await store.toggle_step(gh, s1, 7, T2)
    await store.set_status(gh, "in_progress", 7, T2)
    await store.add_note(gh, "Line one\nline two", 7, T2)
    await store.rate(gh, "partly", 7, T3)
    pe = await store.add_goal("PE", "Peru goal", None, None, 7, T1)
    await store.set_status(pe, "dropped", 7, T2)
    return gh, pe


GOALS_HEADER = ["goal_id", "country", "title", "description", "target_date", "status",
                "steps_done", "steps_total", "progress_percent", "review_percent",
                "review_answers", "created_by", "created_by_id", "created_at", "updated_at"]


def expected_tables(gh: int, pe: int) -> dict[str, list[list[object]]]:
    return {
        "goals": [
            GOALS_HEADER,
            [gh, "GH", "=SUM(A1) <b>plan</b>", "Reach 3 districts", "2021-06-30", "in_progress",
             1, 2, 50.0, 50.0, 1, "Ama Mensah", 7, T1.isoformat(), T2.isoformat()],
            [pe, "PE", "Peru goal", "", "", "dropped", 0, 0, 0.0, "", 0, "Ama Mensah", 7,
             T1.isoformat(), T2.isoformat()],
        ],
        "steps": [
            ["step_id", "goal_id", "country", "number", "text", "responsible",
             "responsible_id", "due_date", "done", "done_at"],
            [1, gh, "GH", 1, "Map farms", "Ama Mensah", 7, "2021-03-01", "yes", T2.isoformat()],
            [2, gh, "GH", 2, 'Train, "lead" farmers', "Coop Norte", "", "", "no", ""],
        ],
        "reviews": [
            ["goal_id", "country", "title", "rating", "score", "rated_by", "rated_by_id",
             "rated_at"],
            [gh, "GH", "=SUM(A1) <b>plan</b>", "partly", 0.5, "Ama Mensah", 7, T3.isoformat()],
        ],
        "results": [
            ["country", "goals", "rated", "achieved", "partly", "not_achieved",
             "percent_achieved", "members", "members_answered", "closed"],
            ["GH", 1, 1, 0, 1, 0, 50.0, 0, 0, "no"],
            ["CI", 0, 0, 0, 0, 0, "", 0, 0, "no"],
            ["CO", 0, 0, 0, 0, 0, "", 0, 0, "no"],
            ["PE", 0, 0, 0, 0, 0, "", 0, 0, "no"],
            ["BR", 0, 0, 0, 0, 0, "", 0, 0, "no"],
            ["DO", 0, 0, 0, 0, 0, "", 0, 0, "no"],
            ["ALL", 1, 1, 0, 1, 0, 50.0, 0, 0, "no"],
        ],
        "history": [
            ["at", "country", "goal_id", "by", "by_id", "action", "detail"],
            [T1.isoformat(), "GH", gh, "Ama Mensah", 7, "created", "=SUM(A1) <b>plan</b>"],
            [T1.isoformat(), "GH", gh, "Ama Mensah", 7, "step_added", "Map farms"],
            [T1.isoformat(), "GH", gh, "Ama Mensah", 7, "step_added", 'Train, "lead" farmers'],
            [T2.isoformat(), "GH", gh, "Ama Mensah", 7, "step_done", "Map farms"],
            [T2.isoformat(), "GH", gh, "Ama Mensah", 7, "status", "not_started>in_progress"],
            [T2.isoformat(), "GH", gh, "Ama Mensah", 7, "note", "Line one\nline two"],
            [T3.isoformat(), "GH", gh, "Ama Mensah", 7, "review", "partly"],
            [T1.isoformat(), "PE", pe, "Ama Mensah", 7, "created", "Peru goal"],
            [T2.isoformat(), "PE", pe, "Ama Mensah", 7, "status", "not_started>dropped"],
        ],
    }


def csv_sections(data: bytes) -> dict[str, list[list[str]]]:
    text = data.decode("utf-8-sig")
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if len(row) == 1 and row[0] in ("goals", "steps", "reviews", "results", "history"):
            current = sections.setdefault(row[0], [])
        else:
            current.append(row)
    return sections


def as_csv(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in "=+-@" and text else text


async def test_csv_and_xlsx_cell_by_cell(tmp_path: Path, schedule: Schedule) -> None:
    repo = await Repository.open(await fresh_database(tmp_path))
    try:
        gh, pe = await seed(repo)
        await EXPORTERS["goals"](repo, schedule, "csv", tmp_path / "goals.csv")
        await EXPORTERS["goals"](repo, schedule, "xlsx", tmp_path / "goals.xlsx")
    finally:
        await repo.close()
    expected = expected_tables(gh, pe)

    book = load_workbook(tmp_path / "goals.xlsx")
    assert book.sheetnames == ["goals", "steps", "reviews", "results", "history"]
    for name, rows in expected.items():
        sheet = book[name]
        got = [[c if c is not None else "" for c in row]
               for row in sheet.iter_rows(values_only=True)]
        assert got == rows, name
    title = book["goals"]["C2"]
    assert title.value == "=SUM(A1) <b>plan</b>" and title.data_type == "s"  # not a formula

    sections = csv_sections((tmp_path / "goals.csv").read_bytes())
    assert list(sections) == ["goals", "steps", "reviews", "results", "history"]
    for name, rows in expected.items():
        assert sections[name] == [[as_csv(c) for c in row] for row in rows], name
    assert sections["goals"][1][2] == "'=SUM(A1) <b>plan</b>"


async def test_export_goals_in_chat(bot: Services, emulator: BotAPIEmulator,
                                    clock: FakeClock) -> None:
    user = await member(bot, emulator, 99, "en", "Ghana", first_name="Kofi")
    await bot.repo.goals.add_goal("GH", "Chat export goal", None, None, 99, clock.now())
    (refused,) = await user.send("/export goals")
    # /export people is for facilitators too: a participant hears the staff refusal
    assert refused.text == "Sorry, only facilitators and organizers can do that."
    organizer = emulator.user(ORGANIZER_ID, "en")
    (usage,) = await organizer.send("/export everything")
    assert usage.text.startswith("Usage: /export (attendance.csv and attendance.xlsx) or")
    csv_doc, xlsx_doc = await organizer.send("/export goals", expect=2)
    assert csv_doc.document is not None and xlsx_doc.document is not None
    assert csv_doc.document[0] == "goals.csv" and xlsx_doc.document[0] == "goals.xlsx"
    sections = csv_sections(csv_doc.document[1])
    assert sections["goals"][1][1:3] == ["GH", "Chat export goal"]
    book = load_workbook(io.BytesIO(xlsx_doc.document[1]))
    assert book["goals"]["C2"].value == "Chat export goal"
    assert ("export", "goals") in [(e["action"], e["target"])
                                   for e in await bot.repo.participants.audit_entries()]


def test_export_from_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    db = asyncio.run(fresh_database(tmp_path))

    async def prepare() -> None:
        repo = await Repository.open(db)
        try:
            await seed(repo)
        finally:
            await repo.close()

    asyncio.run(prepare())
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    for name, value in database_env(db).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SCHEDULE_PATH", str(ROOT / "schedule.json"))
    monkeypatch.chdir(tmp_path)  # no .env here
    out = tmp_path / "out" / "goals.xlsx"
    assert main(["export", "goals", "--format", "xlsx", "--output", str(out)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    assert load_workbook(out)["results"]["G8"].value == 50.0
    out_csv = tmp_path / "goals.csv"
    assert main(["export", "goals", "--format", "csv", "--output", str(out_csv)]) == 0
    assert csv_sections(out_csv.read_bytes())["results"][-1] == [
        "ALL", "1", "1", "0", "1", "0", "50.0", "0", "0", "no"]
