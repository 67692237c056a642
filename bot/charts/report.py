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
from bot.i18n import I18n
from bot.lengths import plain
from bot.schedule import Schedule
from bot.storage import Repository
from bot.viewer import Viewer

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"  # DejaVu: every accent we need
IMAGE_WIDTH = 115  # mm on A4, 4:5 like the chart


@dataclass(frozen=True)
class Section:
    title: str
    picture: catalog.Picture | None  # None: nothing to draw yet
    note: str  # the caption as plain text, or why there is no chart


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
        sections.append(Section(chart.title(v), picture, without_heading(picture.caption)))
    pdf = output / "report.pdf"
    await asyncio.to_thread(_write_pdf, pdf, v, schedule, now, sections)
    return [*written, pdf]


def _write_pdf(path: Path, v: Viewer, schedule: Schedule, now: datetime,
               sections: list[Section]) -> None:
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

    for section in sections:
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 16)
        pdf.multi_cell(0, 9, section.title, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        if section.picture is not None:
            pdf.image(io.BytesIO(section.picture.png), x=(pdf.w - IMAGE_WIDTH) / 2,
                      w=IMAGE_WIDTH)
            pdf.ln(3)
        pdf.set_font("DejaVu", "", 10)
        pdf.multi_cell(0, 5, section.note, align="L", new_x="LMARGIN", new_y="NEXT")
        if section.picture is None:
            continue
        header, rows = section.picture.table
        pdf.ln(4)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, _("The numbers behind the chart"), align="L",
                       new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        with pdf.table(headings_style=FontFace(emphasis="BOLD"), line_height=5,
                       text_align="LEFT", repeat_headings=1) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
    pdf.output(str(path))
