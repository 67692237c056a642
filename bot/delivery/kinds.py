"""Every kind of delivery the bot makes, in one list (tests/test_delivery_table.py walks it,
so a kind added later is tested the day it is added)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    recorded: bool  # one row per recipient (claimed, resumed at start); False: in memory only
    what: str  # for the README and log lines


KINDS: dict[str, Kind] = {}


def kind(name: str, *, recorded: bool, what: str) -> Kind:
    """Declare a kind of delivery (once, at import, in the feature that owns it)."""
    if name in KINDS:
        raise ValueError(f"delivery kind {name!r} declared twice")
    KINDS[name] = found = Kind(name, recorded, what)
    return found
