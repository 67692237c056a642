"""The partners' report: every chart as a PNG, plus one PDF with the charts, their captions
and the numbers behind them (`python -m bot report --output DIR`). Whole program, one language.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from bot.charts import catalog, texts
from bot.feedback.rules import summarize
from bot.feedback.texts import stars
from bot.i18n import I18n
from bot.lengths import plain
from bot.schedule import Schedule
from bot.storage import Repository
from bot.viewer import Viewer, country_name

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu: every accent we need
IMAGE_WIDTH = 115  # mm on A4, 4:5 like the chart


@dataclass(frozen=True)
class Section:
    title: str
    picture: catalog.Picture | None  # None: nothing to draw yet
    note: str  # the caption as plain text, or why there is no chart


@dataclass(frozen=True)
class Comments:
    """The participants' comments, anonymized as /feedback shows them (bot.feedback.rules:
    a country with fewer than the minimum of answers to a session is "other countries")."""

    title: str
    intro: str
    sessions: list[tuple[str, list[str]]]  # a session's heading, its comments


def without_heading(caption: str) -> str:
    """A Telegram HTML caption as plain text, without its bold first line (the heading)."""
    text = plain(caption)
    return text.split("\n", 1)[1].strip() if "\n" in text else text


async def write_report(repo: Repository, schedule: Schedule, i18n: I18n, output: Path, *,
                       lang: str, now: datetime, exclude: Collection[int] = ()) -> list[Path]:
    """Write DIR/<chart>.png for each chart with something to draw, and DIR/report.pdf."""
    v = Viewer(i18n.get(lang), lang, "UTC")
    scope = catalog.Scope(repo, schedule, now, catalog.PROGRAM_WIDE, frozenset(exclude))
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    sections = []
    for chart in catalog.CHARTS:
        picture = await catalog.picture(chart, v, scope)
        if picture is None:
            sections.append(Section(chart.title(v), None, texts.nothing_to_draw(v, chart.key)))
            continue
        path = output / f"{chart.key}.png"
        path.write_bytes(picture.png)
        written.append(path)
        note = without_heading(picture.caption)
        if chart.key == "feedback":  # partners read the comments here, not in the bot
            minimum = schedule.after_session.min_answers_shown
            note = note.replace(v.tr.gettext("The comments are in /feedback."), v.tr.ngettext(
                "The comments follow the charts, without names; a country with fewer than "
                "{min} answer to a session is counted under other countries.",
                "The comments follow the charts, without names; a country with fewer than "
                "{min} answers to a session is counted under other countries.",
                minimum).format(min=minimum))
        sections.append(Section(chart.title(v), picture, note))
    comments = await _comments(repo, schedule, v)
    pdf = output / "report.pdf"
    await asyncio.to_thread(_write_pdf, pdf, v, schedule, now, sections, comments)
    return [*written, pdf]


async def _comments(repo: Repository, schedule: Schedule, v: Viewer) -> Comments:
    """Each session's comments, newest first, anonymized as in /feedback."""
    _ = v.tr.gettext
    rows = await repo.feedback.ratings()
    codes = [c.code for c in schedule.countries]
    minimum = schedule.after_session.min_answers_shown
    sessions = []
    for session in schedule.sessions:
        mine = [r for r in rows if r.session == session.number]
        s = summarize(mine, codes, minimum)
        lines = []
        for c in s.comments:
            country = schedule.country(c.country) if c.country else None
            where = (f"[{c.language or '?'}] {country_name(country, v.lang)}" if country
                     else _("Other countries"))
            lines.append(f"{where} · {stars(c.rating)}\n" + _("“{text}”").format(text=c.text))
        if lines:
            heading = _("Session {number}: {title}").format(
                number=session.number, title=session.text("title", v.lang))
            sessions.append((heading, lines))
    intro = v.tr.ngettext(
        "What the participants wrote after each session, newest first, without names. A "
        "country with fewer than {min} answer to a session is counted under other countries.",
        "What the participants wrote after each session, newest first, without names. A "
        "country with fewer than {min} answers to a session is counted under other countries.",
        minimum).format(min=minimum)
    return Comments(_("Comments of the participants"), intro, sessions)


def _write_pdf(path: Path, v: Viewer, schedule: Schedule, now: datetime,
               sections: list[Section], comments: Comments) -> None:
    _ = v.tr.gettext
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    name = schedule.program.name.get(v.lang) or schedule.program.name["en"]
    pdf.set_title(f"{name}: {_('Engagement report')}")
    pdf.set_lang(v.lang)
    pdf.set_auto_page_break(True, margin=15)

    pdf.add_page()
    pdf.set_font("DejaVu", "B", 20)
    pdf.multi_cell(0, 10, name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 16)
    pdf.multi_cell(0, 9, _("Engagement report"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.ln(4)
    pdf.multi_cell(0, 6, _("Made on {date}, for the whole program. Dates in UTC.").format(
        date=v.date(now, "long")), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for section in sections:
        pdf.multi_cell(0, 6, f"· {section.title}", align="L", new_x="LMARGIN", new_y="NEXT")
    if comments.sessions:
        pdf.multi_cell(0, 6, f"· {comments.title}", align="L", new_x="LMARGIN", new_y="NEXT")

    title = _("The numbers behind the chart")
    for section in sections:
        pdf.add_page()
        # The largest picture with which the table still fits on the chart's page; else the
        # full-size picture, and a table that would spill over starts on a page of its own
        # (never a page of three rows and white space).
        rows = len(section.picture.table[1]) if section.picture is not None else 0
        for width in IMAGE_WIDTHS:
            with pdf.offset_rendering() as trial:
                _section(trial, section, width, title, new_page=False)  # type: ignore[arg-type]
            if not trial.page_break_triggered:
                _section(pdf, section, width, title, new_page=False)
                break
        else:
            _section(pdf, section, IMAGE_WIDTH, title, new_page=rows <= FULL_PAGE_ROWS)
    if comments.sessions:
        _write_comments(pdf, comments)
    pdf.output(str(path))


FULL_PAGE_ROWS = 40  # a table this long fits on one page (rows of one or two lines)
IMAGE_WIDTHS = (IMAGE_WIDTH, 100, 88)  # mm: smaller pictures, to keep a table on the page


def _section(pdf: FPDF, section: Section, width: float, title: str, *,
             new_page: bool) -> None:
    """A chart's page: its title, the picture, the caption, then the table behind it."""
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, section.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if section.picture is not None:
        pdf.image(io.BytesIO(section.picture.png), x=(pdf.w - width) / 2, w=width)
        pdf.ln(3)
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, section.note, align="L", new_x="LMARGIN", new_y="NEXT")
    if section.picture is None:
        return
    header, rows = section.picture.table
    if new_page:  # the whole table on the next page
        pdf.add_page()
    _table(pdf, title, header, rows)


def _table(pdf: FPDF, title: str, header: list[str], rows: list[list[str]]) -> None:
    pdf.ln(4)
    pdf.set_font("DejaVu", "B", 12)
    pdf.multi_cell(0, 7, title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=5,
                   text_align="LEFT", repeat_headings=1) as table:
        for cells in [header, *rows]:
            row = table.row()
            for cell in cells:
                row.cell(cell)


def _write_comments(pdf: FPDF, comments: Comments) -> None:
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 9, comments.title, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 5, comments.intro, align="L", new_x="LMARGIN", new_y="NEXT")
    for heading, lines in comments.sessions:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, heading, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 10)
        for line in lines:
            pdf.multi_cell(0, 5, line, align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
