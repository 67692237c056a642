"""Strict parsing of what people type: numbers and codes.

`str.isdigit()` accepts "²" and "٣", which int() rejects or reads unexpectedly; these helpers
normalize the text (NFKC: full-width digits become ASCII), then accept ASCII only, with a
bounded length.
"""

from __future__ import annotations

import unicodedata

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
