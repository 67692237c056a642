"""Telegram's length limits, counted as Telegram counts them: after HTML entity parsing."""

from __future__ import annotations

import re
from html import unescape

MESSAGE = 4096  # characters of a text message
CAPTION = 1024  # characters of a photo's or document's caption


def plain(html_text: str) -> str:
    """Telegram HTML as the text a person reads: tags gone, entities decoded."""
    return unescape(re.sub(r"<[^>]*>", "", html_text))


def visible(html_text: str) -> int:
    """Length as Telegram counts it."""
    return len(plain(html_text))


def fit(lines: list[str], limit: int) -> str:
    """Join lines; if too long, drop whole lines from the end (a line never splits a tag) and
    end with "…"."""
    text = "\n".join(lines)
    if visible(text) <= limit:
        return text
    kept: list[str] = []
    size = 2
    for line in lines:
        size += visible(line) + 1
        if size > limit:
            break
        kept.append(line)
    return "\n".join([*kept, "…"])
