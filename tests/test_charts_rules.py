"""The numbers behind the staff charts, against figures computed by hand; the attendance
export's "By country" and "By group" sheets hold the same numbers; captions fit Telegram."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from openpyxl import load_workbook

from bot import lengths
from bot.attendance.export import write_attendance
from bot.attendance.rules import Tally
from bot.charts import catalog, texts
from bot.charts.rules import attendance_numbers, goal_numbers, program_numbers
from bot.config import LANGUAGES
from bot.schedule import Schedule
from bot.storage import Repository
from bot.storage.goals import Review
from tests.chart_helpers import (
    CODES,
    NOW,
    PEOPLE,
    RECORDS,
    START,
    S,
    goal,
    person,
    record,
    step,
    view,
)
from tests.helpers import fresh_database


def test_attendance_per_session_and_country(schedule: Schedule) -> None:
    n = attendance_numbers(schedule, PEOPLE, RECORDS, NOW, CODES)
    assert n.countries == ["GH", "PE", None]  # countries without anyone are left out
    assert [s.number for s in n.sessions] == [0, 1, 2, 3]
    assert n.tallies[0] == {"GH": Tally(1, 0, 0, 0), "PE": Tally(0, 0, 1, 0),
                            None: Tally(1, 0, 0, 0)}  # b had not joined yet; c: not core
    assert n.tallies[1] == {"GH": Tally(0, 1, 0, 0), "PE": Tally(1, 0, 0, 0),
                            None: Tally(0, 0, 1, 0)}
    assert n.tallies[2] == {"GH": Tally(1, 0, 1, 0), "PE": Tally(0, 1, 0, 0),
                            None: Tally(0, 0, 1, 0)}
    assert n.tallies[3] == {"GH": Tally(1, 0, 0, 1), "PE": Tally(0, 1, 0, 0),
                            None: Tally(0, 0, 0, 1)}  # still open: not checked in yet
    gh = n.overall("GH")
    assert (gh.expected, gh.checked_in, gh.late, gh.rate) == (6, 4, 1, 4 / 6)
    assert n.overall("PE").rate == 3 / 4 and n.overall(None).rate == 1 / 4
    assert Tally(1, 0, 0, 1).rate == 0.5 and Tally().rate is None

    only_gh = attendance_numbers(schedule, [p for p in PEOPLE if p.country == "GH"], RECORDS,
                                 NOW, ["GH"])
    assert only_gh.countries == ["GH"] and only_gh.tallies[3] == {"GH": Tally(1, 0, 0, 1)}
    before = attendance_numbers(schedule, PEOPLE, RECORDS, S[0] - timedelta(hours=1), CODES)
    assert before.empty and before.sessions == []


def test_program_so_far_core_and_wider(schedule: Schedule) -> None:
    n = program_numbers(schedule, PEOPLE, RECORDS, NOW)
    core = [(s.number, t) for s, t in n.series("core")]
    assert core == [(0, Tally(2, 0, 1, 0)), (1, Tally(1, 1, 1, 0)), (2, Tally(1, 1, 2, 0)),
                    (3, Tally(1, 1, 0, 2))]
    assert n.series("wider") == []  # sessions 0 to 3 are for the core group only
    later = program_numbers(schedule, PEOPLE, [*RECORDS, record(3, 3, "late")],
                            datetime(2021, 6, 18, tzinfo=UTC))
    assert [(s.number, t) for s, t in later.series("wider")] == [(6, Tally(0, 0, 1, 0))]


def test_goals_per_country() -> None:
    goals = [goal(1, "GH", "in_progress"), goal(2, "GH", "dropped"), goal(3, "PE", "done"),
             goal(4, "PE", "not_started")]
    steps = {1: [step(1, 1, True), step(2, 1, False)], 2: [step(3, 2, True)]}
    answers = {1: [Review(1, "achieved", 11, "", START), Review(1, "partly", 12, "", START)],
               3: [Review(3, "not_achieved", 13, "", START)]}
    n = goal_numbers(["GH", "PE", "CO"], goals, steps, answers, {"GH": {11, 12}}, {"GH"})
    gh, pe, co = n.per_country["GH"], n.per_country["PE"], n.per_country["CO"]
    assert gh.statuses == {"not_started": 0, "in_progress": 1, "done": 0, "dropped": 1}
    assert (gh.steps_done, gh.steps_total, gh.steps_share) == (1, 2, 0.5)  # dropped left out
    assert pe.statuses["done"] == 1 and pe.statuses["not_started"] == 1
    assert pe.steps_share is None and co.goals == 0
    assert n.achieved("GH") == 0.75  # (1 + 0.5) / 2
    assert n.achieved("PE") is None  # rated, but its review is not closed
    assert n.reviewed and not n.empty
    limited = goal_numbers(["PE"], [g for g in goals if g.country == "PE"], steps, answers, {},
                           {"GH"})
    assert not limited.reviewed and limited.countries == ["PE"]


def test_captions_state_the_key_numbers(schedule: Schedule) -> None:
    v = view()
    n = attendance_numbers(schedule, PEOPLE, RECORDS, NOW, CODES)
    assert texts.attendance_caption(v, schedule, n).splitlines() == [
        "<b>Attendance by country</b>",
        "Share of the people expected at each session who checked in; late check-ins are "
        "shown apart.",
        "",
        "Session 3 (Mar 24):",
        "Ghana: 1 of 2 checked in (50%); all sessions so far: 67%",
        "Peru: 1 of 1 checked in (100%), 1 late; all sessions so far: 75%",
        "Other / no country: 0 of 1 checked in (0%); all sessions so far: 25%",
        "",
        "Lowest so far: Other / no country (25%).",
    ]
    p = program_numbers(schedule, PEOPLE, RECORDS, NOW)
    assert texts.program_caption(v, schedule, p).splitlines()[3:] == [
        "Core group: 50% at session 3; 57% over 4 sessions.",  # 8 of 14 expected check-ins
        "Highest: session 0 (67%); lowest: session 2 (50%).",
        "Wider group: no session yet.",
    ]
    goals = [goal(1, "GH", "in_progress"), goal(3, "PE", "done")]
    g = goal_numbers(["GH", "PE"], goals, {1: [step(1, 1, True), step(2, 1, False)]},
                     {1: [Review(1, "partly", 11, "", START)]}, {}, {"GH"})
    assert texts.goals_caption(v, schedule, g).splitlines()[3:] == [
        "Ghana: 1 goal (In progress: 1); action steps done: 50% (1 of 2); closing review: "
        "50% achieved.",
        "Peru: 1 goal (Done: 1); no action steps yet.",
    ]


def test_captions_fit_telegram_in_every_language(schedule: Schedule) -> None:
    people = [person(10 * i + k, c) for i, c in enumerate([*CODES, None]) for k in range(3)]
    records = [record(p.user_id, s, "late") for p in people for s in S if p.user_id % 2]
    goals = [goal(i, c, "in_progress") for i, c in enumerate(CODES)]
    for lang in LANGUAGES:
        v = view(lang)
        a = attendance_numbers(schedule, people, records, NOW, CODES)
        g = goal_numbers(CODES, goals, {i: [step(i, i, True)] for i in range(6)},
                         {i: [Review(i, "partly", 1, "", START)] for i in range(6)}, {},
                         set(CODES))
        for caption in (texts.attendance_caption(v, schedule, a),
                        texts.program_caption(v, schedule, program_numbers(
                            schedule, people, records, NOW)),
                        texts.goals_caption(v, schedule, g)):
            assert lengths.visible(caption) <= texts.CAPTION_LIMIT, (lang, caption)
            assert not caption.endswith("…"), (lang, caption)  # nothing had to be cut


async def test_export_sheets_hold_the_chart_numbers(tmp_path: Path, schedule: Schedule) -> None:
    repo = await Repository.open(await fresh_database(tmp_path))
    try:
        for p in PEOPLE:
            await repo.participants.ensure(p.user_id, first_name=p.first_name, last_name=None,
                                           username=None, now=START)
            await repo.participants.update(p.user_id, START, grp=p.group, country=p.country,
                                           joined_at=p.joined_at)
        for r in RECORDS:
            if r.status == "absent":
                await repo.attendance.correct(r.user_id, r.session_number, "absent", "no",
                                              9, S[r.session_number])
            else:
                await repo.attendance.check_in(r.user_id, r.session_number, r.status,
                                               "button", S[r.session_number])
        await write_attendance(repo, schedule, "xlsx", tmp_path / "a.xlsx", now=NOW,
                               exclude=[])
        scope = catalog.Scope(repo, schedule, NOW, catalog.PROGRAM_WIDE, frozenset())
        chart = await catalog.load_attendance(scope)
        program = await catalog.load_program(scope)
    finally:
        await repo.close()
    book = load_workbook(tmp_path / "a.xlsx")
    by_country = [list(r) for r in book["By country"].iter_rows(values_only=True)]
    assert by_country[0] == ["session", "date", "country", "expected", "checked in",
                             "on time", "late", "not checked in", "checked in %", "late %"]
    assert by_country[1:4] == [[0, "2021-01-20", "Ghana", 1, 1, 1, 0, 0, 100.0, 0.0],
                               [0, "2021-01-20", "Peru", 1, 0, 0, 0, 1, 0.0, 0.0],
                               [0, "2021-01-20", "Other", 1, 1, 1, 0, 0, 100.0, 0.0]]
    names = {"Ghana": "GH", "Peru": "PE", "Other": None}
    sheet = {(row[0], names[row[2]]): row[3:8] for row in by_country[1:]}
    drawn = {(n, code): [t.expected, t.checked_in, t.present, t.late, t.missing]
             for n, tallies in chart.tallies.items() for code, t in tallies.items()}
    assert sheet == drawn  # one truth: the chart and the spreadsheet never disagree
    by_group = [list(r) for r in book["By group"].iter_rows(values_only=True)][1:]
    assert {row[0]: row[3:8] for row in by_group if row[2] == "core"} == {
        s.number: [t.expected, t.checked_in, t.present, t.late, t.missing]
        for s, t in program.series("core")}
