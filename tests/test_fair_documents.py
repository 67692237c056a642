"""Documents for people who do not use the bot (issue 26, item 7): the partners' report carries
the comments (anonymized as /feedback shows them) and keeps each table on its chart's page; the
feedback chart is not half empty; the goals chart's legend has a row of its own and country
names stay on one line; the rule under a long name on the certificate is as wide as the name."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from matplotlib.figure import Figure
from PIL import Image
from pypdf import PdfReader

from bot.certificates import pdf as certificate_pdf
from bot.charts import draw
from bot.charts.report import write_report
from bot.charts.rules import FeedbackNumbers, GoalNumbers, SessionRatings, goal_numbers
from bot.i18n import I18n
from bot.schedule import Schedule
from bot.storage import Repository
from tests.chart_helpers import goal, view
from tests.helpers import fresh_database
from tests.test_certificates_rules import certificate, make_pdf

CODES = ["GH", "CI", "CO", "PE", "BR", "DO"]


def _ink(png: bytes, top: float, bottom: float) -> float:
    """The share of non-white pixels between two heights (fractions from the top)."""
    image = Image.open(io.BytesIO(png)).convert("L")
    w, h = image.size
    band = image.crop((0, int(h * top), w, int(h * bottom)))
    pixels = list(band.tobytes())
    return sum(1 for p in pixels if p < 235) / len(pixels)


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_the_feedback_chart_with_few_sessions_is_not_half_empty(
    schedule: Schedule, lang: str
) -> None:
    n = FeedbackNumbers([SessionRatings(schedule.sessions[i], {1: 0, 2: 1, 3: 2, 4: 3, 5: 2})
                         for i in (0, 1, 2)])
    png = draw.feedback_png(view(lang), schedule, n)
    assert _ink(png, 0.6, 0.95) > 0.05  # the lower part holds all sessions together


def _captured(monkeypatch: pytest.MonkeyPatch) -> list[Figure]:
    figures: list[Figure] = []
    original = draw._png

    def keep(fig: Figure) -> bytes:
        figures.append(fig)
        return original(fig)

    monkeypatch.setattr(draw, "_png", keep)
    return figures


@pytest.mark.parametrize("lang", ["en", "es", "fr", "pt"])
def test_the_goals_legend_clears_its_title_and_names_stay_on_one_line(
    schedule: Schedule, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    figures = _captured(monkeypatch)
    goals = [goal(i + 1, code, status) for i, (code, status) in enumerate(
        (c, s) for c in CODES for s in ("not_started", "in_progress", "done", "dropped"))]
    numbers: GoalNumbers = goal_numbers(CODES, goals, {}, {}, {}, set())
    draw.goals_png(view(lang), schedule, numbers)
    (fig,) = figures
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    statuses = fig.axes[1]
    title = statuses.title.get_window_extent(renderer)
    (legend,) = fig.legends
    box = legend.get_window_extent(renderer)
    assert box.y0 >= title.y1 - 1, "the legend crowds the title"
    labels = [t.get_text() for t in statuses.get_yticklabels()]
    assert "République dominicaine" in labels or lang != "fr"
    assert not any("\n" in label for label in labels)
    for label in statuses.get_yticklabels():  # every name fits left of the panel
        assert label.get_window_extent(renderer).x0 >= 0


async def _seed(repo: Repository, schedule: Schedule) -> None:
    start = datetime(2021, 1, 1, tzinfo=UTC)
    uid = 0
    for code, count in (("CI", 3), ("GH", 1), ("PE", 2)):
        for _i in range(count):
            uid += 1
            await repo.participants.ensure(uid, first_name=f"P{uid}", last_name=None,
                                           username=None, now=start)
            await repo.participants.update(uid, start, grp="core", country=code,
                                           joined_at=start)
            session = schedule.session(0)
            assert session is not None
            await repo.attendance.check_in(uid, 0, "present", "button", session.start)
            at = session.end + timedelta(minutes=uid)
            await repo.feedback.rate(uid, 0, 4, country=code, group="core", language="en",
                                     now=at)
            await repo.feedback.comment(uid, 0, f"comment {code} {uid}", at)


async def test_the_report_carries_the_comments_anonymized(
    tmp_path: Path, schedule: Schedule, i18n: I18n
) -> None:
    repo = await Repository.open(await fresh_database(tmp_path))
    try:
        await _seed(repo, schedule)
        out = tmp_path / "report"
        await write_report(repo, schedule, i18n, out, lang="en",
                           now=datetime(2021, 2, 1, tzinfo=UTC))
    finally:
        await repo.close()
    pages = [" ".join(p.extract_text().split())
             for p in PdfReader(out / "report.pdf").pages]
    text = " ".join(pages)
    assert "comments are in /feedback" not in text
    assert "The comments follow the charts, without names" in text
    assert "Comments of the participants" in text
    for n in (1, 2, 3):
        assert f"[en] Côte d'Ivoire · ★★★★☆ “comment CI {n}”" in text
    # Ghana (1) and Peru (2) are three together: "other countries", neither country named.
    for n, code in ((4, "GH"), (5, "PE"), (6, "PE")):
        assert f"Other countries · ★★★★☆ “comment {code} {n}”" in text
    # Each short table is on its chart's page, with its heading (never rows alone).
    for page in pages:
        if "Session" in page and "Expected" in page and "Checked in" in page:
            assert "The numbers behind the chart" in page, page[:200]


def test_the_rule_under_a_long_name_is_as_wide_as_the_name(
    schedule: Schedule, i18n: I18n, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines: list[tuple[float, float]] = []
    widths: list[float] = []
    original_line = certificate_pdf._Certificate.line
    original_fit = certificate_pdf._fit
    name = "Maria José Gonçalves Araújo"

    def line(self: Any, x1: float, y1: float, x2: float, y2: float) -> None:
        lines.append((x1, x2))
        original_line(self, x1, y1, x2, y2)

    def fit(pdf: Any, text: str, style: str, size: float, width: float,
            spacing: float = 0) -> float:
        found = original_fit(pdf, text, style, size, width, spacing)
        if text == name:
            pdf.set_font(certificate_pdf.FAMILY, style, found)
            widths.append(pdf.get_string_width(text))
        return found

    monkeypatch.setattr(certificate_pdf._Certificate, "line", line)
    monkeypatch.setattr(certificate_pdf, "_fit", fit)
    for lang in ("en", "es", "fr", "pt"):
        lines.clear()
        widths.clear()
        make_pdf(schedule, i18n, certificate(schedule, name, (lang,)))
        rule = next(x2 - x1 for x1, x2 in lines if x2 - x1 >= 170)
        assert rule >= widths[-1], (lang, rule, widths[-1])
