"""The session-feedback chart: its numbers against figures computed by hand, the same counts as
/feedback N, its caption and table, the picture in every language, and the loader's scope."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot import lengths
from bot.charts import catalog, draw, texts
from bot.charts.rules import feedback_numbers
from bot.config import LANGUAGES
from bot.feedback.rules import summarize
from bot.membership import Member
from bot.schedule import Schedule
from bot.storage import Repository
from tests.chart_helpers import CODES, NOW, answer, png_size, view
from tests.helpers import fresh_database, schedule_with_min_answers


# Session 0: GH 5, 4, 2 and CI 3, 1; session 2: GH 5, 5 and CI 3 (with a comment); session 99
# is not in schedule.json.
@pytest.fixture
def schedule() -> Schedule:
    """Figures of one or two answers are read here: the anonymity minimum is 1
    (tests/test_fair_private.py checks the minimum of 3)."""
    return schedule_with_min_answers(1)


ANSWERS = [answer(0, 1, "GH", 5), answer(0, 2, "GH", 4), answer(0, 3, "GH", 2),
           answer(0, 4, "CI", 3), answer(0, 5, "CI", 1),
           answer(2, 1, "GH", 5), answer(2, 2, "GH", 5),
           answer(2, 4, "CI", 3, "Secret words"), answer(99, 1, "GH", 1)]


def test_per_session_counts_means_and_shares(schedule: Schedule) -> None:
    n = feedback_numbers(schedule, ANSWERS)
    assert [s.session.number for s in n.sessions] == [0, 2]  # 1 had no answer; 99 is gone
    first, third = n.sessions
    assert first.counts == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1}
    assert (first.answers, first.mean, first.top_share) == (5, 3.0, 0.4)
    assert first.share(5) == 0.2
    assert third.counts == {1: 0, 2: 0, 3: 1, 4: 0, 5: 2}
    assert (third.answers, third.mean, third.top_share) == (3, 13 / 3, 2 / 3)
    assert (n.answers, n.mean, n.top_share) == (8, 28 / 8, 4 / 8)  # every answer weighs one
    assert n.best() is third and n.lowest() is first and not n.empty
    # The same counts as /feedback N.
    for s in n.sessions:
        assert s.counts == summarize([a for a in ANSWERS if a.session == s.session.number],
                                     CODES).distribution


def test_ties_and_nothing_to_draw(schedule: Schedule) -> None:
    even = feedback_numbers(schedule, [answer(0, 1, "GH", 4), answer(1, 1, "GH", 4),
                                       answer(1, 2, "GH", 4), answer(2, 1, "GH", 4)])
    assert even.best().session.number == 1  # more answers first
    assert even.lowest().session.number == 1
    assert even.sessions[0].top_share == 1.0
    pair = feedback_numbers(schedule, [answer(0, 1, "GH", 3), answer(2, 1, "GH", 3)])
    assert pair.best().session.number == pair.lowest().session.number == 0  # then earlier
    nothing = feedback_numbers(schedule, [])
    assert nothing.empty and nothing.mean is None and nothing.top_share is None
    assert feedback_numbers(schedule, [answer(99, 1, "GH", 5)]).empty


def test_caption_and_table(schedule: Schedule) -> None:
    n = feedback_numbers(schedule, ANSWERS)
    v = view()
    caption = texts.feedback_caption(v, schedule, n)
    assert caption.splitlines() == [
        "<b>Session feedback</b>",
        "Ratings from 1 (poor) to 5 (excellent) by the people who checked in. The comments "
        "are in /feedback.",
        "",
        "Overall: 3.5 of 5 from 8 answers; 50% rated 4 or 5.",
        "Latest: Session 2 (Feb 17), 4.3 of 5 from 3 answers.",
        "Highest rated: Session 2 (Feb 17), 4.3 of 5 from 3 answers.",
        "Lowest rated: Session 0 (Jan 20), 3.0 of 5 from 5 answers.",
    ]
    assert "Secret" not in caption  # comments are never shown
    assert texts.feedback_table(v, schedule, n) == (
        ["Session", "Date", "Answers", "Mean", "Rated 4 or 5"],
        [["0", "Jan 20", "5", "3.0", "40%"], ["2", "Feb 17", "3", "4.3", "67%"]])

    one = feedback_numbers(schedule, [answer(0, 1, "GH", 4)])
    assert texts.feedback_caption(v, schedule, one).splitlines()[3:] == [
        "Overall: 4.0 of 5 from 1 answer; 100% rated 4 or 5."]
    even = feedback_numbers(schedule, [answer(0, 1, "GH", 4), answer(1, 1, "GH", 4)])
    assert texts.feedback_caption(v, schedule, even).splitlines()[4:] == [
        "Latest: Session 1 (Feb 3), 4.0 of 5 from 1 answer.",
        "Every session has the same mean."]

    fr = texts.feedback_caption(view("fr"), schedule, n).splitlines()
    assert fr[0] == "<b>Avis sur les sessions</b>"
    assert fr[3] == "Au total\xa0: 3,5 sur 5 (8 réponses)\xa0; notes de 4 ou 5\xa0: 50\xa0%."
    es = texts.feedback_caption(view("es"), schedule, n).splitlines()
    assert es[6] == "Calificación más baja: Sesión 0 (20 ene), 3,0 de 5 (5 respuestas)."
    pt = texts.feedback_table(view("pt"), schedule, n)
    assert pt[0] == ["Sessão", "Data", "Respostas", "Média", "Notas 4 ou 5"]


def test_caption_fits_telegram_in_every_language(schedule: Schedule) -> None:
    """Every session rated, by thousands (the largest counts the program can have)."""
    rows = [answer(s.number, uid, "GH", 1 + (uid + s.number) % 5)
            for s in schedule.sessions for uid in range(12_345 - 500 * s.number)]
    n = feedback_numbers(schedule, rows)
    assert len(n.sessions) == len(schedule.sessions) == 11
    for lang in LANGUAGES:
        caption = texts.feedback_caption(view(lang), schedule, n)
        assert lengths.visible(caption) <= texts.CAPTION_LIMIT, (lang, caption)
        assert not caption.endswith("…"), (lang, caption)  # nothing had to be cut
    assert "from 108,295 answers" in texts.feedback_caption(view(), schedule, n)  # grouped


@pytest.mark.parametrize("lang", LANGUAGES)
def test_picture_is_phone_sized_in_every_language(schedule: Schedule, lang: str) -> None:
    many = [answer(s.number, uid, "GH", 1 + (uid * 7 + s.number) % 5)
            for s in schedule.sessions for uid in range(40 + 9 * s.number)]
    for rows in (ANSWERS, many, [answer(10, 1, None, 5)]):
        png = draw.feedback_png(view(lang), schedule, feedback_numbers(schedule, rows))
        assert len(png) > 10_000
        assert png_size(png) == (draw.WIDTH, draw.HEIGHT) == (960, 1200)


async def test_loader_counts_only_the_countries_the_viewer_may_see(
    tmp_path: Path, schedule: Schedule
) -> None:
    repo = await Repository.open(await fresh_database(tmp_path))
    try:
        for a, country in ((1, "GH"), (2, "GH"), (3, "CI"), (4, None), (5, "XX")):
            await repo.feedback.rate(a, 0, a, country=country, group="core", language="en",
                                     now=NOW)

        async def load(member: Member) -> list[int]:
            n = await catalog.load_feedback(
                catalog.Scope(repo, schedule, NOW, member, frozenset()))
            return [s.counts[r] for s in n.sessions for r in range(1, 6)]

        gh_only = replace(catalog.PROGRAM_WIDE, role="facilitator", scope=frozenset({"GH"}))
        participant = replace(catalog.PROGRAM_WIDE, role="participant", group="core")
        assert await load(catalog.PROGRAM_WIDE) == [1, 1, 1, 1, 1]  # no country and XX too
        assert await load(gh_only) == [1, 1, 0, 0, 0]
        assert await load(replace(gh_only, scope=frozenset({"GH", "CI"}))) == [1, 1, 1, 0, 0]
        assert await load(participant) == []
    finally:
        await repo.close()
