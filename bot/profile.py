"""What a person tells about themselves beyond Telegram: name, organization, sector."""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a msgid for extraction; translated where it is shown."""
    return message


# Stored keys (short: they travel in callback data) and their English labels (msgids).
SECTORS: dict[str, str] = {
    "public": N_("Public sector"),
    "industry": N_("Industry"),
    "cocoa": N_("National cocoa organisation"),
    "coop": N_("Farmers' cooperative"),
    "producers": N_("Producers' association"),
    "civil": N_("Civil society"),
    "cfi": N_("Cocoa & Forests Initiative secretariat"),
    "wb": N_("World Bank"),
    "other": N_("Other"),
}

MAX_NAME = 64
MAX_ORGANIZATION = 120
CLEAR = "-"  # sent instead of a value: remove it


def clean_text(text: str, limit: int) -> str | None:
    """One line, spaces collapsed; None when empty, too long or not printable."""
    value = " ".join(text.split())
    if not value or len(value) > limit or not value.isprintable():
        return None
    return value
