"""The program as organizers write it in schedule.json, validated, plus plain queries on it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.config import LANGUAGES

Audience = Literal["core", "all"]


class ScheduleError(Exception):
    """One line: file, field path, problem."""


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


def _check_languages(texts: dict[str, object]) -> None:
    missing = [lang for lang in LANGUAGES if not texts.get(lang)]
    if missing:
        raise ValueError(f"missing language {', '.join(repr(m) for m in missing)}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Program(_Model):
    name: dict[str, str]
    contact: dict[str, str] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _all_languages(cls, value: dict[str, str]) -> dict[str, str]:
        _check_languages(dict(value))
        return value


class Country(_Model):
    code: str = Field(pattern=r"^[A-Z]{2}$")
    name: dict[str, str]
    zone: str
    zones: list[str] = Field(default_factory=list)
    language: str = "en"

    @field_validator("name")
    @classmethod
    def _all_languages(cls, value: dict[str, str]) -> dict[str, str]:
        _check_languages(dict(value))
        return value

    @field_validator("zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _check_zone(value)

    @field_validator("zones")
    @classmethod
    def _zones(cls, value: list[str]) -> list[str]:
        return [_check_zone(z) for z in value]

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @model_validator(mode="after")
    def _default_zone_listed(self) -> Country:
        if self.zones and self.zone not in self.zones:
            raise ValueError(f"zone {self.zone!r} must also be listed in zones")
        return self

    @property
    def all_zones(self) -> list[str]:
        return self.zones or [self.zone]


class Reminders(_Model):
    offsets_minutes: list[int] = Field(default_factory=lambda: [1440, 60, 0])
    grace_minutes: int = Field(default=30, ge=0)

    @field_validator("offsets_minutes")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if any(v < 0 for v in value):
            raise ValueError("offsets must be 0 or more minutes before the start")
        if len(set(value)) != len(value):
            raise ValueError("offsets must not repeat")
        return sorted(value, reverse=True)


class Checkin(_Model):
    opens_minutes_before: int = Field(default=15, ge=0)
    late_after_minutes: int = Field(default=15, ge=0)
    certificate_threshold_percent: int = Field(default=80, ge=0, le=100)


class GoalsConfig(_Model):
    nudge_days_before: int = Field(default=3, ge=0, le=60)


class Topic(_Model):
    """A networking topic: what people offer and seek (key: short, it travels in buttons)."""

    key: str = Field(pattern=r"^[a-z0-9_]{1,16}$")
    name: dict[str, str]

    @field_validator("name")
    @classmethod
    def _all_languages(cls, value: dict[str, str]) -> dict[str, str]:
        _check_languages(dict(value))
        return value

    def label(self, lang: str) -> str:
        return self.name.get(lang) or self.name["en"]


class NetworkingConfig(_Model):
    """Matchmaking: the topics people offer and seek, and the sessions before which everyone
    in the audience gets their suggestions (or an invitation to make a profile)."""

    sessions: list[int] = Field(default_factory=list)
    nudge_days_before: int = Field(default=3, ge=0, le=60)
    topics: list[Topic] = Field(default_factory=list)

    @field_validator("topics")
    @classmethod
    def _unique_topics(cls, value: list[Topic]) -> list[Topic]:
        keys = [t.key for t in value]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"duplicate topic key {dupes[0]!r}")
        return value

    def topic(self, key: str) -> Topic | None:
        return next((t for t in self.topics if t.key == key), None)


class Session(_Model):
    number: int = Field(ge=0)
    part: int = Field(ge=1)
    audience: Audience
    start: datetime
    duration_minutes: int
    title: dict[str, str]
    goals: dict[str, list[str]] = Field(default_factory=dict)
    description: dict[str, str] = Field(default_factory=dict)
    meeting_link: str | None = None

    @field_validator("start")
    @classmethod
    def _aware_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2021-01-20T14:00:00Z")
        return value.astimezone(UTC)

    @field_validator("duration_minutes")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("end before start: the duration must be more than 0 minutes")
        return value

    @field_validator("title")
    @classmethod
    def _title_languages(cls, value: dict[str, str]) -> dict[str, str]:
        _check_languages(dict(value))
        return value

    @field_validator("goals", "description")
    @classmethod
    def _optional_languages(cls, value: dict[str, object]) -> dict[str, object]:
        if value:
            _check_languages(value)
        return value

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    def text(self, field: Literal["title", "description"], lang: str) -> str:
        texts: dict[str, str] = getattr(self, field)
        return texts.get(lang) or texts.get("en") or ""

    def goal_list(self, lang: str) -> list[str]:
        return self.goals.get(lang) or self.goals.get("en") or []


class Schedule(_Model):
    program: Program
    languages: list[str]
    countries: list[Country]
    reminders: Reminders = Field(default_factory=Reminders)
    checkin: Checkin = Field(default_factory=Checkin)
    goals: GoalsConfig = Field(default_factory=GoalsConfig)
    networking: NetworkingConfig = Field(default_factory=NetworkingConfig)
    sessions: list[Session]

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        missing = [lang for lang in LANGUAGES if lang not in value]
        if missing:
            raise ValueError(f"missing language {', '.join(repr(m) for m in missing)}")
        unknown = [lang for lang in value if lang not in LANGUAGES]
        if unknown:
            raise ValueError(f"the bot does not speak {', '.join(repr(u) for u in unknown)}")
        return value

    @field_validator("countries")
    @classmethod
    def _unique_countries(cls, value: list[Country]) -> list[Country]:
        seen: set[str] = set()
        for country in value:
            if country.code in seen:
                raise ValueError(f"duplicate country code {country.code!r}")
            seen.add(country.code)
        if not value:
            raise ValueError("at least one country is needed")
        return value

    @field_validator("sessions")
    @classmethod
    def _ordered_sessions(cls, value: list[Session]) -> list[Session]:
        if not value:
            raise ValueError("at least one session is needed")
        numbers = [s.number for s in value]
        dupes = sorted({n for n in numbers if numbers.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate session number {dupes[0]}")
        ordered = sorted(value, key=lambda s: s.start)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.start < before.end:
                raise ValueError(
                    f"session {after.number} starts before session {before.number} ends"
                )
        return ordered

    @model_validator(mode="after")
    def _networking_sessions(self) -> Schedule:
        numbers = {s.number for s in self.sessions}
        unknown = [n for n in self.networking.sessions if n not in numbers]
        if unknown:
            raise ValueError(f"networking.sessions: no session {unknown[0]}")
        return self

    # Queries: plain functions of "now", which the caller takes from its clock.

    def session(self, number: int) -> Session | None:
        return next((s for s in self.sessions if s.number == number), None)

    def country(self, code: str | None) -> Country | None:
        return next((c for c in self.countries if c.code == code), None)

    def next_session(self, now: datetime, among: list[Session] | None = None
                     ) -> Session | None:
        """The session running now, or else the next one to start (of `among`, default all);
        None when all are over. Whose sessions are whose: bot/membership.py."""
        sessions = self.sessions if among is None else among
        return next((s for s in sessions if s.end > now), None)

    @property
    def total_minutes(self) -> int:
        return sum(s.duration_minutes for s in self.sessions)


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out or "(top level)"


def parse_schedule(data: object, source: str = "schedule.json") -> Schedule:
    try:
        return Schedule.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = err["msg"].removeprefix("Value error, ")
        raise ScheduleError(f"{source}: {_path(tuple(err['loc']))}: {msg}") from None


def load_schedule(path: Path | str) -> Schedule:
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScheduleError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ScheduleError(f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    return parse_schedule(data, str(path))


def schedule_schema() -> str:
    """The JSON Schema of schedule.json (bot/schedule.schema.json is this, for editors)."""
    schema = Schedule.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "schedule.json of the SSKE cocoa program bot"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
