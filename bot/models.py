"""Plain records shared by the domain, the storage layer and the handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Role = Literal["participant", "facilitator", "organizer"]


@dataclass(frozen=True)
class Participant:
    user_id: int
    language: str | None
    country: str | None
    zone: str | None
    group: Literal["core", "wider"] | None
    first_name: str
    last_name: str | None
    username: str | None
    role: Role
    onboarded: bool
    active: bool
    created_at: datetime
    updated_at: datetime

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)
