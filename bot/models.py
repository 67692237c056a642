"""Plain records shared by the domain, the storage layer and the handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Role = Literal["participant", "facilitator", "organizer"]
Group = Literal["core", "wider"]


@dataclass(frozen=True)
class Participant:
    user_id: int
    language: str | None
    country: str | None
    zone: str | None
    group: Group | None
    first_name: str
    last_name: str | None
    username: str | None
    role: Role
    onboarded: bool
    active: bool
    created_at: datetime
    updated_at: datetime
    organization: str | None = None
    sector: str | None = None
    display_name: str | None = None  # chosen in /profile; else the Telegram name
    joined_via: Literal["invite", "open"] | None = None
    joined_at: datetime | None = None  # when they entered their group
    counted: bool | None = None  # counted as a participant, as an organizer decided; None: rule
    left_at: datetime | None = None  # taken out of the program (group removed, records kept)

    @property
    def telegram_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def name(self) -> str:
        return self.display_name or self.telegram_name
