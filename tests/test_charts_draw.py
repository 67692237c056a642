"""Each chart renders to a non-empty PNG of the phone size, in every language, for the whole
program and for one country (a facilitator limited to Ghana)."""

from __future__ import annotations

import pytest

from bot.charts import draw
from bot.charts.rules import attendance_numbers, goal_numbers, program_numbers
from bot.config import LANGUAGES
from bot.schedule import Schedule
from bot.storage.goals import Review
from tests.chart_helpers import CODES, NOW, PEOPLE, RECORDS, START, goal, png_size, step, view

GOALS = [goal(1, "GH", "in_progress"), goal(2, "GH", "dropped"), goal(3, "PE", "done"),
         goal(4, "PE", "not_started")]
STEPS = {1: [step(1, 1, True), step(2, 1, False)], 2: [step(3, 2, True)]}
ANSWERS = {1: [Review(1, "achieved", 11, "", START)]}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_chart_is_a_phone_sized_png(schedule: Schedule, lang: str) -> None:
    v = view(lang)
    pictures = [
        draw.attendance_png(v, schedule, attendance_numbers(schedule, PEOPLE, RECORDS, NOW,
                                                            CODES)),
        draw.program_png(v, schedule, program_numbers(schedule, PEOPLE, RECORDS, NOW)),
        draw.goals_png(v, schedule, goal_numbers(CODES, GOALS, STEPS, ANSWERS, {}, {"GH"})),
    ]
    for png in pictures:
        assert len(png) > 10_000
        assert png_size(png) == (draw.WIDTH, draw.HEIGHT) == (960, 1200)


def test_one_country_and_no_review_yet(schedule: Schedule) -> None:
    v = view("fr")
    gh = [p for p in PEOPLE if p.country == "GH"]
    for png in (
        draw.attendance_png(v, schedule, attendance_numbers(schedule, gh, RECORDS, NOW, ["GH"])),
        draw.program_png(v, schedule, program_numbers(schedule, gh, RECORDS, NOW)),
        draw.goals_png(v, schedule, goal_numbers(["GH"], GOALS[:2], STEPS, {}, {}, set())),
    ):
        assert png_size(png) == (960, 1200)
