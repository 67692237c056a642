"""The certificate as a one-page PDF (A4 landscape), made in-process with fpdf2.

Layout only: every word comes from a `Document` (bot/certificates/document.py), fonts embedded
(subset). The QR code (segno) carries the verification link. The same data gives the same
bytes (fixed creation date), so a certificate rendered again is the same document.
"""

from __future__ import annotations

import io
import unicodedata

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from bot.certificates.document import FAMILY, FONT_DIR, FONTS, Document

GREEN = (31, 78, 61)  # deep cocoa-leaf green
GOLD = (176, 141, 60)
INK = (33, 33, 33)
GREY = (105, 105, 105)
PAPER = (253, 251, 245)

WIDTH, HEIGHT = 297.0, 210.0  # A4 landscape, mm
NAME_MAX_WIDTH = 230.0
TITLE_WIDTH = 236.0
BAND_CENTER = 132.0  # of the signatures, left of the QR code
QR_SIZE = 27.0
QR_LEFT = WIDTH - 24 - QR_SIZE
SIGNATURE_LINE = 170.0
BODY_END = SIGNATURE_LINE - 6


class _Certificate(FPDF):
    def __init__(self) -> None:
        super().__init__(orientation="landscape", unit="mm", format="A4")
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        for style, file in FONTS.items():
            self.add_font(FAMILY, style, str(FONT_DIR / file))

    def font(self, style: str, size: float, color: tuple[int, int, int] = INK,
             spacing: float = 0) -> None:
        self.set_font(FAMILY, style, size)
        self.set_text_color(*color)
        self.set_char_spacing(spacing)

    def centered(self, y: float, text: str, height: float, width: float = 240.0) -> float:
        """Centered lines (wrapped to width); returns the y below them."""
        self.set_xy((WIDTH - width) / 2, y)
        self.multi_cell(width, height, text, align=Align.C, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        return self.get_y()

    def frame(self) -> None:
        self.set_fill_color(*PAPER)
        self.rect(0, 0, WIDTH, HEIGHT, style="F")
        self.set_draw_color(*GREEN)
        self.set_line_width(1.6)
        self.rect(9, 9, WIDTH - 18, HEIGHT - 18)
        self.set_draw_color(*GOLD)
        self.set_line_width(0.35)
        self.rect(13, 13, WIDTH - 26, HEIGHT - 26)
        self.set_fill_color(*GOLD)
        for x, y in ((13, 13), (WIDTH - 13, 13), (13, HEIGHT - 13), (WIDTH - 13, HEIGHT - 13)):
            self.diamond(x, y, 2.2)

    def diamond(self, x: float, y: float, r: float) -> None:
        self.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], style="F")

    def ornament(self, y: float, half: float = 38) -> None:
        """A gold rule with a diamond in the middle."""
        self.set_draw_color(*GOLD)
        self.set_line_width(0.35)
        self.line(WIDTH / 2 - half, y, WIDTH / 2 - 4, y)
        self.line(WIDTH / 2 + 4, y, WIDTH / 2 + half, y)
        self.set_fill_color(*GOLD)
        self.diamond(WIDTH / 2, y, 1.8)


def _fit(pdf: _Certificate, text: str, style: str, size: float, width: float,
         spacing: float = 0) -> float:
    """The largest font size up to `size` at which text fits on one line of `width`."""
    pdf.set_char_spacing(spacing)
    while size > 12:
        pdf.set_font(FAMILY, style, size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 1
    return size


def _qr_png(link: str) -> io.BytesIO:
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(out, kind="png", scale=8, border=2)
    out.seek(0)
    return out


def render(doc: Document) -> bytes:
    """The PDF; the spacing shrinks until the text clears the signatures (long names of the
    program, a logo and two languages)."""
    airy = 1.5 if doc.second is None else 1.0  # one language: more air between the blocks
    for gap in (airy, 1.0, 0.7, 0.4):
        pdf = _page(doc)
        if _body(pdf, doc, gap) <= BODY_END:
            break
    _signatures(pdf, doc)
    _verification(pdf, doc)
    return bytes(pdf.output())


def _page(doc: Document) -> _Certificate:
    pdf = _Certificate()
    pdf.set_creation_date(doc.issued_at)
    pdf.set_lang(doc.main.lang)
    pdf.set_title(f"{doc.main.title} · {doc.name}")
    pdf.set_author(doc.main.program)
    pdf.set_subject(doc.main.program)
    pdf.set_keywords(doc.code)
    pdf.set_creator("SSKE program bot")
    pdf.add_page()
    pdf.frame()
    return pdf


def _body(pdf: _Certificate, doc: Document, g: float) -> float:
    """Everything above the signatures, with spacing g; returns where it ends."""
    main, second = doc.main, doc.second
    name = unicodedata.normalize("NFC", doc.name)
    y = 24.0 if second is not None or doc.logo is not None else 28.0
    if doc.logo is not None:
        pdf.image(str(doc.logo), x=(WIDTH - 70) / 2, y=20, w=70, h=18, keep_aspect_ratio=True)
        y = 41.0
    pdf.font("", 10.5, GREEN, spacing=0.6)
    y = pdf.centered(y, main.program.upper(), 5.2, width=230)

    title = main.title.upper()
    pdf.font("B", _fit(pdf, title, "B", 31 if second is None else 29, TITLE_WIDTH, 1.2), GREEN,
             spacing=1.2)
    y = pdf.centered(y + (8 if doc.logo is None else 4) * g, title, 14, width=TITLE_WIDTH + 4)
    if second is not None:
        pdf.font("I", 12, GREY)
        y = pdf.centered(y, second.title, 6)
    pdf.ornament(y + 5 * g)

    pdf.font("I", 14, INK)
    y = pdf.centered(y + 12 * g, main.certifies, 7)
    if second is not None:
        pdf.font("I", 9.5, GREY)
        y = pdf.centered(y, second.certifies, 4.6)

    size = _fit(pdf, name, "B", 36, NAME_MAX_WIDTH)
    pdf.font("B", size, INK)
    y = pdf.centered(y + 4 * g, name, 16, width=NAME_MAX_WIDTH + 10)
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(0.3)
    # The rule under the name: at least 170 mm, and as wide as the name (plus a margin) when
    # it is longer ("Maria José Gonçalves Araújo" must not overhang it).
    half = max(85.0, min(pdf.get_string_width(name) / 2 + 6, (NAME_MAX_WIDTH + 10) / 2))
    pdf.line(WIDTH / 2 - half, y + 1.5, WIDTH / 2 + half, y + 1.5)

    pdf.font("", 13.5, GREEN)
    y = pdf.centered(y + 6 * g, main.membership, 7)
    pdf.font("", 12.5, INK)
    y = pdf.centered(y + 2, main.completed, 6.4, width=210)
    if second is not None:
        pdf.font("I", 9.5, GREY)
        y = pdf.centered(y + 1.5, f"{second.membership}\n{second.completed}", 4.6, width=210)
    pdf.font("", 11, INK)
    y = pdf.centered(y + 5 * g, main.issued, 6)
    if second is not None:
        pdf.font("I", 9, GREY)
        y = pdf.centered(y, second.issued, 4.4)
    return y


def _signatures(pdf: _Certificate, doc: Document) -> None:
    """Each signatory over a line, side by side, left of the QR code."""
    people = doc.signatories[:3]
    if not people:
        return
    slot = 62.0
    center = WIDTH / 2 if WIDTH / 2 + slot * len(people) / 2 <= QR_LEFT - 8 else BAND_CENTER
    left = center - slot * len(people) / 2
    base = SIGNATURE_LINE
    for i, person in enumerate(people):
        x = left + i * slot
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.25)
        pdf.line(x + 6, base, x + slot - 6, base)
        pdf.font("B", 10.5, INK)
        pdf.set_xy(x, base + 1.5)
        pdf.cell(slot, 5, person.name, align=Align.C)
        pdf.font("I", 8.5, GREY)
        pdf.set_xy(x + 2, base + 6.5)
        title = person.title
        if person.title_second and person.title_second != person.title:
            title += "\n" + person.title_second
        pdf.multi_cell(slot - 4, 3.8, title, align=Align.C)


def _verification(pdf: _Certificate, doc: Document) -> None:
    """Bottom right: the QR code, the code and how to check it."""
    size, x, y = QR_SIZE, QR_LEFT, 150.0
    pdf.image(_qr_png(doc.link), x=x, y=y, w=size, h=size)
    pdf.font("B", 8, INK, spacing=0.3)
    pdf.set_xy(x - 10, y + size + 0.5)
    pdf.cell(size + 20, 4, doc.code, align=Align.C)
    pdf.font("", 6.5, GREY)
    pdf.set_xy(x - 34, y + size + 4.5)
    pdf.multi_cell(size + 34, 3, doc.main.verify, align=Align.R)
