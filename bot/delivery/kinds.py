"""Every kind of delivery the bot makes, in one list (tests/test_delivery_table.py walks it,
so a kind added later is tested the day it is added)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.storage import Repository

log = logging.getLogger(__name__)

# At start, before anything is resumed: rows claimed by a process that stopped mid-send
# become 'unknown' (they may have reached Telegram, which has no idempotency key); returns
# how many.
Settle = Callable[["Repository", datetime], Awaitable[int]]


@dataclass(frozen=True)
class Kind:
    name: str
    recorded: bool  # one row per recipient (claimed, resumed at start); False: in memory only
    what: str  # for the README and log lines
    settle: Settle | None = None  # recorded kinds: their rows still in flight -> 'unknown'


KINDS: dict[str, Kind] = {}


def kind(name: str, *, what: str, settle: Settle | None = None) -> Kind:
    """Declare a kind of delivery (once, at import, in the feature that owns it). With
    settle: recorded (one row per recipient); without: kept in memory only."""
    if name in KINDS:
        raise ValueError(f"delivery kind {name!r} declared twice")
    KINDS[name] = found = Kind(name, settle is not None, what, settle)
    return found


async def settle_interrupted(repo: Repository, now: datetime) -> int:
    """Once at start (never on /reload, while sends may be under way): every kind's rows
    left in flight by the last run become 'unknown', never sent again."""
    total = 0
    done: set[Settle] = set()
    for k in KINDS.values():
        if k.settle is None or k.settle in done:
            continue
        done.add(k.settle)
        if interrupted := await k.settle(repo, now):
            log.warning("%s: %d sends were cut off by the last stop; outcome unknown, not "
                        "repeated", k.name, interrupted)
            total += interrupted
    return total
