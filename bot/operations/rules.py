"""Plain rules of operating the bot: which errors organizers hear about, and how often."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

NOTICE_EVERY = timedelta(hours=1)  # at most one notice per error kind in this time
KEEP = 20  # recent errors kept for /status


@dataclass(frozen=True)
class SeenError:
    kind: str  # the exception's class name: never its message (it may hold personal data)
    update_kind: str  # "message (/goals)", "callback_query", "job reminder:3:60", ...
    at: datetime


class ErrorLog:
    """Errors seen while handling updates and jobs, since the start (in memory)."""

    def __init__(self) -> None:
        self.recent: deque[SeenError] = deque(maxlen=KEEP)
        self.counts: Counter[str] = Counter()
        self._noticed: dict[str, datetime] = {}

    def record(self, kind: str, update_kind: str, now: datetime) -> bool:
        """Remember it; True when organizers should be told (first of its kind in an hour)."""
        self.recent.append(SeenError(kind, update_kind, now))
        self.counts[kind] += 1
        last = self._noticed.get(kind)
        if last is not None and now - last < NOTICE_EVERY:
            return False
        self._noticed[kind] = now
        return True

    def seen(self, kind: str) -> int:
        """How many of this kind were seen since the start (the notice says so)."""
        return self.counts[kind]
