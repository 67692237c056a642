"""Strict parsing of what people type: numbers, codes, and times in a person's zone.

`str.isdigit()` accepts "²" and "٣", which int() rejects or reads unexpectedly; these helpers
normalize the text (NFKC: full-width digits become ASCII), then accept ASCII only, with a
bounded length.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


def normalized(text: str) -> str:
    """NFKC, without zero-width characters, stripped."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if c not in INVISIBLE).strip()


def parse_int(text: str | None, *, max_digits: int = 9, signed: bool = False) -> int | None:
    """A whole number typed by a person, or None."""
    if text is None:
        return None
    value = normalized(text)
    sign = 1
    if signed and value[:1] == "-":
        sign, value = -1, value[1:]
    if not value or len(value) > max_digits or not (value.isascii() and value.isdigit()):
        return None
    return sign * int(value)


def parse_code(text: str | None, *, max_length: int = 32) -> str | None:
    """A code typed by a person (letters and digits, spaces ignored), upper case, or None."""
    if text is None:
        return None
    value = "".join(normalized(text).split()).upper()
    if not value or len(value) > max_length or not (value.isascii() and value.isalnum()):
        return None
    return value


AttendanceWord = Literal["present", "late", "absent"]

# The attendance statuses as a facilitator types them, in the four languages, both genders,
# compared without case and accents ("Présente" = "presente"). Two-word forms first.
STATUS_WORDS: dict[str, AttendanceWord] = {
    # en
    "present": "present", "late": "late", "absent": "absent",
    # es
    "presente": "present", "ausente": "absent", "tarde": "late", "con retraso": "late",
    "retrasado": "late", "retrasada": "late", "atrasado": "late", "atrasada": "late",
    # fr (présent, présente, absente; "present" and "absent" are above)
    "absente": "absent", "en retard": "late", "retard": "late",
    # pt (presente, ausente, atrasado, atrasada are above)
    "com atraso": "late", "faltou": "absent", "falta": "absent",
}


def _folded(text: str) -> str:
    """Lower case, without accents: what STATUS_WORDS is compared on."""
    decomposed = unicodedata.normalize("NFKD", normalized(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def parse_status(words: list[str]) -> tuple[AttendanceWord, int] | None:
    """An attendance status at the start of `words` (two-word forms such as "en retard"
    first), and how many words it took; None when it is not one."""
    for size in (2, 1):
        if len(words) >= size:
            status = STATUS_WORDS.get(_folded(" ".join(words[:size])))
            if status is not None:
                return status, size
    return None


class WhenError(ValueError):
    """Why a typed time was refused: 'format', 'past' or 'gap' (skipped by a clock change)."""

    def __init__(self, reason: Literal["format", "past", "gap"]) -> None:
        super().__init__(reason)
        self.reason = reason


WHEN_FORMATS = (
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M",
    "%d.%m.%Y %H:%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %Hh%M",
    "%d/%m/%Y %Hh",
)


def parse_when(text: str, zone: str, now: datetime) -> datetime:
    """A wall-clock time typed in `zone` -> aware UTC, strictly in the future.

    Day first for slashes (24/03/2021), as everywhere the program runs. A time that does not
    exist in the zone (skipped when clocks go forward) is refused rather than guessed; an
    ambiguous one (clocks go back) means its first occurrence.
    """
    cleaned = " ".join(text.strip().replace(",", " ").split())
    for fmt in WHEN_FORMATS:
        try:
            naive = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        break
    else:
        raise WhenError("format")
    tz = ZoneInfo(zone)
    local = naive.replace(tzinfo=tz)
    when = local.astimezone(UTC)
    if when.astimezone(tz).replace(tzinfo=None) != naive:
        raise WhenError("gap")
    if when <= now:
        raise WhenError("past")
    return when
