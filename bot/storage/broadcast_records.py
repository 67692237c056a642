"""Broadcast records: audiences, versions, reports, the broadcasts themselves, relay links.

Stored by bot/storage/broadcasts.py; the rules that use them are in bot/broadcasts/rules.py.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from bot.schedule import Schedule

GROUPS = ("core", "wider")
# "absent": did not check in to session N; "present": did (present or late).
AttendanceKind = Literal["absent", "present"]
# "held": scheduled, but its author no longer had the right to every country it was fixed to
# when it was due (stored as status 'cancelled' with held_at set: bot/storage/broadcasts.py).
BroadcastStatus = Literal["draft", "scheduled", "sending", "done", "cancelled", "missed", "held"]
# pending -> sending (claimed, the call is under way) -> sent/blocked/failed/unknown.
RecipientStatus = Literal[
    "pending", "sending", "sent", "blocked", "failed", "unknown", "skipped", "cancelled"
]


@dataclass(frozen=True)
class Audience:
    """Filters combined with AND across kinds and OR within one kind; none = everyone.

    `reach`: the countries the broadcast is fixed to (the author's countries when it was
    scheduled or started, within the chosen ones). None: not limited (an organizer's or an
    unlimited facilitator's); an empty set reaches nobody, never "every country".
    """

    groups: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    attendance: tuple[AttendanceKind, int] | None = None
    reach: frozenset[str] | None = None

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

    def effective(self, schedule: Schedule, scope: frozenset[str] | None = None) -> Audience:
        """Who it really reaches. 'Did not check in' to a core-only session means core members
        who did not; an author limited to some countries (scope) reaches only those countries,
        so "everyone" means everyone in their countries."""
        audience = self
        if self.attendance and self.attendance[0] == "absent":
            session = schedule.session(self.attendance[1])
            if session is not None and session.audience == "core" and not self.groups:
                audience = replace(audience, groups=frozenset({"core"}))
        limits = [s for s in (scope, self.reach) if s is not None]
        if limits:
            countries: frozenset[str] | None = audience.countries or None
            for limit in limits:
                countries = frozenset(limit) if countries is None else countries & limit
            assert countries is not None
            audience = replace(audience, countries=countries, reach=countries)
        return audience

    def fixed(self, scope: frozenset[str] | None) -> Audience:
        """The audience fixed in countries when it is scheduled: within the author's scope at
        that moment (None: an unlimited author, not limited to countries)."""
        if scope is None:
            return self
        countries = (self.countries & scope) if self.countries else frozenset(scope)
        if self.reach is not None:
            countries &= self.reach
        return replace(self, reach=countries)

    def to_json(self) -> str:
        return json.dumps(
            {
                "groups": sorted(self.groups),
                "countries": sorted(self.countries),
                "languages": sorted(self.languages),
                "attendance": list(self.attendance) if self.attendance else None,
                **({"reach": sorted(self.reach)} if self.reach is not None else {}),
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
            reach=frozenset(data["reach"]) if data.get("reach") is not None else None,
        )


@dataclass(frozen=True)
class Version:
    """One copy source: a message in the author's chat, for one language (None: default)."""

    position: int
    language: str | None
    chat_id: int
    message_id: int


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


@dataclass(frozen=True)
class Broadcast:
    id: int
    author_id: int
    status: BroadcastStatus
    audience: Audience
    created_at: datetime
    scheduled_for: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    status_chat_id: int | None
    status_message_id: int | None


@dataclass(frozen=True)
class Recipient:
    user_id: int
    language: str | None


@dataclass(frozen=True)
class RelayLink:
    """A message in some chat that belongs to one participant's thread: their replies to a
    broadcast, or a question they asked the organizers (/ask)."""

    chat_id: int
    message_id: int
    participant_id: int
    broadcast_id: int | None
    reply_to: int | None  # in a staff chat: the participant's own message to answer under
    question_id: int | None = None  # set for a question's thread (then broadcast_id is None)


@dataclass(frozen=True)
class Undelivered:
    user_id: int
    name: str
    status: str
    error: str | None
