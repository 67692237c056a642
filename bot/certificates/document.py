"""What a certificate says, per language (`Page`), and which characters its fonts can draw.

The words come translated from bot/certificates/texts.py; bot/certificates/pdf.py lays them out.
Fonts are DejaVu Serif, the TrueType files matplotlib ships (wide Latin coverage: "Zoë
N'Guessan", "João D'Ávila", "Nguyễn"). Nothing heavy is imported here: the bot starts without
fpdf2, which loads on the first certificate.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path


def _font_dir() -> Path:
    """matplotlib's bundled fonts, found without importing matplotlib (slow, and not needed)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is not installed"
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"


FONT_DIR = _font_dir()
FONTS = {"": "DejaVuSerif.ttf", "B": "DejaVuSerif-Bold.ttf", "I": "DejaVuSerif-Italic.ttf"}
FAMILY = "DejaVuSerif"

@dataclass(frozen=True)
class Page:
    """The words of a certificate in one language."""

    lang: str
    program: str
    title: str  # "Certificate of completion"
    certifies: str  # "This is to certify that"
    membership: str  # "Core group · Côte d'Ivoire"
    completed: str  # "has completed the program, attending 9 of 11 sessions (24.5 hours) ..."
    issued: str  # "Issued on 6 October 2021"
    verify: str  # "Verify: scan the code, or send /verify CODE to @bot"


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str
    title_second: str | None = None  # the title in the second language, if any


@dataclass(frozen=True)
class Document:
    name: str
    code: str  # as printed, e.g. 7K3M-9QXD-2HTB-W4PZ
    link: str  # what the QR code holds
    issued_at: datetime
    main: Page
    second: Page | None  # the English version under the person's language, when chosen
    signatories: tuple[Signatory, ...] = ()
    logo: Path | None = None


@cache
def _charset() -> frozenset[int]:
    """Every character each of the fonts can draw."""
    from fontTools.ttLib import TTFont

    sets = [set(TTFont(FONT_DIR / f).getBestCmap()) for f in FONTS.values()]
    return frozenset(set.intersection(*sets))


def unprintable(text: str) -> list[str]:
    """The characters of text the certificate's fonts cannot draw (none: it prints as is)."""
    chars = _charset()
    text = unicodedata.normalize("NFC", text)
    return sorted({c for c in text if not c.isspace() and ord(c) not in chars})
