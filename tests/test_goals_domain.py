"""Goal rules as plain Python: rights, dates, progress, review scores, nudge times."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from fractions import Fraction

import pytest

from bot.goals.rules import (
    Turnout,
    bar,
    can_edit_goals,
    can_rate,
    can_read_goals,
    goal_score,
    group_progress,
    nudge_plan,
    parse_date,
    review_board,
    review_complete,
    review_is_open,
    review_result,
    review_results,
    turnout,
)
from bot.membership import Member
from bot.schedule import Schedule, parse_schedule
from bot.storage.goals import Goal, Review
from tests.helpers import ROOT

T0 = datetime(2021, 1, 20, 16, tzinfo=UTC)


def goal(goal_id: int, country: str, status: str = "in_progress") -> Goal:
    return Goal(goal_id, country, f"goal {goal_id}", None, None, status,  # type: ignore[arg-type]
                1, T0, T0)


def review(goal_id: int, rating: str, member: int = 7) -> list[Review]:
    """One member's answer (the rules take every member's answers, by goal)."""
    return [Review(goal_id, rating, member, "Ama", T0)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("role", "group", "country", "goal_country", "edit", "read"),
    [
        ("participant", "core", "PE", "PE", True, True),
        ("participant", "core", "PE", "GH", False, True),
        ("participant", "wider", "PE", "PE", False, True),
        ("participant", "wider", None, "GH", False, True),
        ("participant", None, "PE", "PE", False, True),  # no group: reads own country only
        ("participant", None, "PE", "GH", False, False),
        ("participant", None, None, "GH", False, False),
        ("participant", "core", None, "GH", False, True),
        ("facilitator", None, None, "GH", True, True),
        ("organizer", "wider", "PE", "GH", True, True),
    ],
)
def test_rights(role: str, group: str | None, country: str | None, goal_country: str,
                edit: bool, read: bool) -> None:
    m = Member(7, group, country, role, None if role != "participant" else frozenset(), None)  # type: ignore[arg-type]
    assert can_edit_goals(m, goal_country) is edit
    assert can_read_goals(m, goal_country) is read


@pytest.mark.parametrize(
    ("scope", "goal_country", "edit"),
    [({"GH"}, "GH", True), ({"GH"}, "CI", False), (None, "CI", True)],
)
def test_facilitator_rights_follow_their_countries(scope: set[str] | None, goal_country: str,
                                                   edit: bool) -> None:
    m = Member(8, None, None, "facilitator", frozenset(scope) if scope else None, None)
    assert can_edit_goals(m, goal_country) is edit
    assert can_read_goals(m, goal_country)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-05-30", date(2021, 5, 30)),
        (" 30/05/2021 ", date(2021, 5, 30)),
        ("1/6/2021", date(2021, 6, 1)),
        ("30.05.2021", date(2021, 5, 30)),
        ("31/02/2021", None),
        ("05/30/2021", None),  # month/day is not accepted
        ("2021-13-01", None),
        ("tomorrow", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_bar() -> None:
    assert bar(0, 4) == "▱" * 10
    assert bar(1, 4) == "▰▰▱▱▱▱▱▱▱▱"  # 2.5 cells round to 2
    assert bar(3, 6) == "▰▰▰▰▰▱▱▱▱▱"
    assert bar(1, 100) == "▰" + "▱" * 9  # any progress shows
    assert bar(99, 100) == "▰" * 9 + "▱"  # never full before done
    assert bar(4, 4) == "▰" * 10
    assert bar(0, 0) == "▱" * 10


def test_group_progress_leaves_out_dropped_goals() -> None:
    from bot.storage.goals import Step

    def steps(goal_id: int, done: int, total: int) -> list[Step]:
        return [Step(goal_id * 10 + i, goal_id, "s", None, None, None, i < done, None, T0)
                for i in range(total)]

    goals = [goal(1, "GH"), goal(2, "GH", "done"), goal(3, "GH", "dropped")]
    by_goal = {1: steps(1, 1, 4), 2: steps(2, 2, 2), 3: steps(3, 0, 5)}
    assert group_progress(goals, by_goal) == (3, 6)


def test_closing_review_worked_example() -> None:
    """Ghana rates 4 goals: 2 achieved, 1 partly, 1 not -> (2 + 0.5) / 4 = 62.5 %.
    Peru rates 2 goals: 1 partly, 1 not (a third, dropped, is not rated) -> 0.5 / 2 = 25 %.
    Overall, every rated goal weighs the same: (2 + 0.5 + 0.5) / 6 = 50 %."""
    goals = [goal(1, "GH"), goal(2, "GH"), goal(3, "GH"), goal(4, "GH"),
             goal(5, "PE"), goal(6, "PE"), goal(7, "PE", "dropped"), goal(8, "CO")]
    reviews = {1: review(1, "achieved"), 2: review(2, "achieved"), 3: review(3, "partly"),
               4: review(4, "not_achieved"), 5: review(5, "partly"),
               6: review(6, "not_achieved"), 7: review(7, "achieved")}
    per_country, overall = review_results(["GH", "PE", "CO"], goals, reviews)
    assert per_country["GH"].score == 0.625 and per_country["GH"].complete
    assert per_country["PE"].score == 0.25
    assert (per_country["PE"].rated, per_country["PE"].goals) == (2, 2)
    assert per_country["CO"].score is None and not per_country["CO"].complete
    assert overall.score == 0.5
    assert (overall.achieved, overall.partly, overall.not_achieved, overall.rated,
            overall.goals) == (2, 2, 2, 6, 7)
    assert review_result([], {}).score is None


def test_a_goal_is_the_mean_of_its_members_answers() -> None:
    """Three members rate one goal differently: (1 + 0.5 + 0) / 3 = 50 %. The group is the
    mean over its goals, each goal weighing the same however many answered it."""
    goals = [goal(1, "GH"), goal(2, "GH"), goal(3, "GH", "dropped")]
    answers = {1: review(1, "achieved", 91) + review(1, "partly", 92)
               + review(1, "not_achieved", 93),
               2: review(2, "achieved", 91),
               3: review(3, "not_achieved", 91)}  # dropped: not counted
    assert goal_score(answers[1]) == Fraction(1, 2)
    assert goal_score([]) is None
    result = review_result(goals, answers)
    assert result.score == 0.75  # (0.5 + 1) / 2
    assert (result.rated, result.goals, result.answers) == (2, 2, 4)
    assert (result.achieved, result.partly, result.not_achieved) == (2, 1, 1)

    members = {91, 92, 93}
    assert turnout(goals, answers, members) == Turnout(1, 3)  # only 91 answered both goals
    assert not review_complete(goals, answers, members)
    answers[2] += review(2, "partly", 92) + review(2, "partly", 93)
    assert turnout(goals, answers, members) == Turnout(3, 3)
    assert review_complete(goals, answers, members)
    assert not review_complete(goals, answers, members | {94})  # a fourth member is missing
    assert not review_complete([], {}, members)  # nothing to rate
    assert not review_complete(goals, answers, set())
    assert can_rate(91, members) and not can_rate(1, members)


def test_published_overall_counts_closed_reviews_only() -> None:
    goals = [goal(1, "GH"), goal(2, "PE")]
    answers = {1: review(1, "achieved"), 2: review(2, "not_achieved")}
    per_country, overall = review_results(["GH", "PE"], goals, answers, closed={"GH"})
    assert per_country["PE"].score == 0.0 and overall.score == 1.0
    board = review_board(["GH", "PE"], goals, answers, {"GH": {7}, "PE": {7, 8}}, {"GH"})
    assert board.closed == {"GH"} and board.overall.score == 1.0
    assert board.turnouts == {"GH": Turnout(1, 1), "PE": Turnout(1, 2)}
    assert review_results(["GH", "PE"], goals, answers)[1].score == 0.5


def test_review_opens_at_closing_start_or_by_hand(schedule: Schedule) -> None:
    closing = schedule.sessions[-1]
    assert closing.number == 10
    before = datetime(2021, 10, 6, 13, 59, tzinfo=UTC)
    assert not review_is_open(schedule, before, None)
    assert review_is_open(schedule, before, T0)
    assert review_is_open(schedule, closing.start, None)


def test_nudge_plan_default_and_configured(schedule: Schedule) -> None:
    plans = {p.job_name: p for p in nudge_plan(schedule)}
    kickoff = plans["goals:kickoff:0"]
    assert kickoff.due == datetime(2021, 1, 20, 16, tzinfo=UTC)  # kickoff end
    assert kickoff.deadline == datetime(2021, 1, 21, 4, tzinfo=UTC)  # 12 hours of grace
    checkin = plans["goals:checkin:3"]
    assert checkin.due == datetime(2021, 3, 21, 14, tzinfo=UTC)  # 3 days before 24 March
    assert sorted(p.session for p in plans.values() if p.kind == "checkin") == list(
        range(1, 11))
    assert plans["goals:review:10"].due == datetime(2021, 10, 6, 14, tzinfo=UTC)

    data = json.loads((ROOT / "schedule.json").read_text(encoding="utf-8"))
    data["goals"] = {"nudge_days_before": 5}
    five = {p.job_name: p for p in nudge_plan(parse_schedule(data))}
    assert five["goals:checkin:3"].due == datetime(2021, 3, 19, 14, tzinfo=UTC)
    del data["goals"]
    assert parse_schedule(data).goals.nudge_days_before == 3
    data["goals"] = {"nudge_days_before": -1}
    with pytest.raises(Exception, match="goals.nudge_days_before"):
        parse_schedule(data)


def test_long_goal_screens_stay_within_telegram_limits(schedule: Schedule) -> None:
    from bot.goals import texts as gv
    from bot.i18n import I18n
    from bot.storage.goals import Step
    from bot.viewer import Viewer

    v = Viewer(I18n().get("es"), "es", "America/Lima")
    big = Goal(1, "PE", "T" * 200, "<d>" * 666, date(2021, 6, 30), "in_progress", 1, T0, T0)
    steps = [Step(i, 1, "&" * 300, "R" * 100, None, date(2021, 5, 1), False, None, T0)
             for i in range(30)]
    text = gv.goal_text(v, schedule, big, steps, [])
    assert gv.visible(text) <= 4096
    assert "&lt;d&gt;" in text and "<d>" not in text  # escaped, no tag cut in half
    assert "⬜ 30. " + "&amp;" * 39 + "… — 👤 " + "R" * 19 + "…" in text  # all steps, shortened
    assert not text.endswith("…")
    normal = gv.goal_text(v, schedule, big, steps[:3], [])
    assert "&amp;" * 300 in normal and "&lt;d&gt;" * 666 in normal  # short enough: in full
    many = gv.history_text(v, big, [])
    assert gv.fit(["x" * 3000, "y" * 3000]) == "x" * 3000 + "\n…" and many


def test_goal_callback_data_keeps_its_documented_format() -> None:
    from bot.goals import keyboards as kb

    packed = {
        kb.GoalList("PE"): "g:l:PE", kb.OpenGoal(12): "g:o:12", kb.StatusMenu(12): "g:s:12",
        kb.SetStatus(12, "d"): "g:st:12:d", kb.TickStep(12, 7): "g:t:12:7",
        kb.GoalHistory(12): "g:h:12", kb.CountryPicker(): "g:c", kb.AllCountries(): "g:all",
        kb.ReviewCountry("GH"): "g:rv:GH", kb.Rate(12, "p"): "g:r:12:p",
        kb.Results(): "g:res", kb.OpenReview(): "g:ro", kb.AddGoal("CO"): "g:add:CO",
        kb.CloseReview("GH"): "g:rc:GH", kb.CloseReview("GH", "y"): "g:rc:GH:y",
        kb.EditGoal(12): "g:e:12", kb.AddStep(12): "g:as:12", kb.AddNote(12): "g:n:12",
        kb.FormButton("keep"): "gf:keep", kb.FormButton("cancel"): "gf:cancel",
        kb.PickResponsible(21): "gf:who:21",
    }
    for data, text in packed.items():
        assert data.pack() == text
        assert type(data).parse(text) == data
    assert kb.SetStatus.parse("g:st:12:z") is None
    assert kb.Rate.parse("g:ro") is None and kb.OpenReview.parse("g:r:1:a") is None
    assert kb.CloseReview.parse("g:rc:GH:n") is None and kb.Rate.parse("g:rc:GH:y") is None
    assert kb.FormButton.parse("gf:who:21") is None
