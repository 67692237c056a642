"""Broadcast domain: who gets it, which version, when, and the report (no Telegram here)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.schedule import Schedule

GROUPS = ("core", "wider")
# "absent": did not check in to session N; "present": did (present or late).
AttendanceKind = Literal["absent", "present"]
BroadcastStatus = Literal["draft", "scheduled", "sending", "done", "cancelled", "missed"]
# pending -> sending (claimed, the call is under way) -> sent/blocked/failed/unknown.
RecipientStatus = Literal[
    "pending", "sending", "sent", "blocked", "failed", "unknown", "skipped", "cancelled"
]


@dataclass(frozen=True)
class Audience:
    """Filters combined with AND across kinds and OR within one kind; none = everyone."""

    groups: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    attendance: tuple[AttendanceKind, int] | None = None

    @property
    def everyone(self) -> bool:
        return self == Audience()

    def toggle(self, kind: Literal["groups", "countries", "languages"], value: str) -> Audience:
        current: frozenset[str] = getattr(self, kind)
        changed = current - {value} if value in current else current | {value}
        if kind == "groups":
            return replace(self, groups=changed)
        if kind == "countries":
            return replace(self, countries=changed)
        return replace(self, languages=changed)

    def with_attendance(self, kind: AttendanceKind, session: int) -> Audience:
        """Choosing the same criterion again removes it."""
        chosen = (kind, session)
        return replace(self, attendance=None if self.attendance == chosen else chosen)

    def effective(self, schedule: Schedule) -> Audience:
        """'Did not check in' to a core-only session means core members who did not."""
        if self.attendance and self.attendance[0] == "absent":
            session = schedule.session(self.attendance[1])
            if session is not None and session.audience == "core" and not self.groups:
                return replace(self, groups=frozenset({"core"}))
        return self

    def to_json(self) -> str:
        return json.dumps(
            {
                "groups": sorted(self.groups),
                "countries": sorted(self.countries),
                "languages": sorted(self.languages),
                "attendance": list(self.attendance) if self.attendance else None,
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> Audience:
        data = json.loads(text or "{}")
        attendance = data.get("attendance")
        return cls(
            groups=frozenset(data.get("groups") or ()),
            countries=frozenset(data.get("countries") or ()),
            languages=frozenset(data.get("languages") or ()),
            attendance=(attendance[0], int(attendance[1])) if attendance else None,
        )


@dataclass(frozen=True)
class Version:
    """One copy source: a message in the author's chat, for one language (None: default)."""

    position: int
    language: str | None
    chat_id: int
    message_id: int


def pick_version(versions: list[Version], language: str | None) -> Version:
    """The recipient's language if there is a version in it, else the first one."""
    for version in versions:
        if version.language is not None and version.language == language:
            return version
    return versions[0]


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # failed: error -> how many

    def __getitem__(self, status: str) -> int:
        return self.counts[status]

    @property
    def total(self) -> int:
        """Everyone the broadcast is addressed to (skipped inactive people not included)."""
        return sum(n for status, n in self.counts.items() if status != "skipped")

    @property
    def done(self) -> int:
        return sum(self.counts[s] for s in ("sent", "blocked", "failed", "unknown", "cancelled"))


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
