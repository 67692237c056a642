"""The parts of schedule.json (pydantic models), each validated on its own; bot/schedule.py
puts them together into the Schedule and loads the file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config import LANGUAGES

Audience = Literal["core", "all"]

# Bounds that keep every time the bot derives from the file representable: a file that passes
# validation can always be planned (reminders, nudges), so /reload never half-applies.
FIRST_YEAR, LAST_YEAR = 2000, 2100  # sessions start within this window
DAY_MINUTES = 24 * 60
MAX_OFFSET_MINUTES = 30 * DAY_MINUTES  # a reminder at most 30 days before


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


_WEB_LINK = TypeAdapter(HttpUrl)


def is_web_link(value: str) -> bool:
    """An http(s) address with a host and no spaces (what Telegram's URL buttons take)."""
    if not value or any(c.isspace() for c in value):
        return False
    try:
        _WEB_LINK.validate_python(value)
    except ValidationError:
        return False
    return True


def _check_link(value: str | None) -> str | None:
    if value is not None and not is_web_link(value):
        raise ValueError(f"not a web link (https://...): {value!r}")
    return value


def _optional_texts(value: dict[str, str]) -> dict[str, str]:
    if value:
        _check_languages(dict(value))
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Program(_Model):
    name: dict[str, str]
    contact: dict[str, str] = Field(default_factory=dict)
    # Names this cohort in calendar entries (UID session-3@<slug>); a new cohort takes a new one.
    slug: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9.-]{0,62})?$")

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
    # How each language names the country's time, with its grammar ("heure du Ghana",
    # "horário da Colômbia", "horário de Brasília"), for its default zone; its other zones
    # (and every other zone) are named "{city} time".
    time_label: dict[str, str] = Field(default_factory=dict)

    @field_validator("name")
    @classmethod
    def _all_languages(cls, value: dict[str, str]) -> dict[str, str]:
        _check_languages(dict(value))
        return value

    @field_validator("time_label")
    @classmethod
    def _all_label_languages(cls, value: dict[str, str]) -> dict[str, str]:
        if value:
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
    grace_minutes: int = Field(default=30, ge=0, le=DAY_MINUTES)

    @field_validator("offsets_minutes")
    @classmethod
    def _offsets(cls, value: list[int]) -> list[int]:
        if any(v < 0 for v in value):
            raise ValueError("offsets must be 0 or more minutes before the start")
        if any(v > MAX_OFFSET_MINUTES for v in value):
            raise ValueError(f"offsets must be at most {MAX_OFFSET_MINUTES} minutes (30 days)")
        if len(set(value)) != len(value):
            raise ValueError("offsets must not repeat")
        return sorted(value, reverse=True)


class Checkin(_Model):
    opens_minutes_before: int = Field(default=15, ge=0, le=DAY_MINUTES)
    late_after_minutes: int = Field(default=15, ge=0, le=DAY_MINUTES)
    certificate_threshold_percent: int = Field(default=80, ge=0, le=100)


class GoalsConfig(_Model):
    nudge_days_before: int = Field(default=3, ge=0, le=60)
    # A nudge the bot could not send on time (it was down) goes out at most this late.
    nudge_grace_hours: int = Field(default=12, ge=0, le=72)


class Signatory(_Model):
    name: str = Field(min_length=1, max_length=80)
    title: dict[str, str]

    @field_validator("title")
    @classmethod
    def _all_languages(cls, value: dict[str, str]) -> dict[str, str]:
        _check_languages(dict(value))
        return value


class CertificatesConfig(_Model):
    """What certificates of completion print (bot/certificates)."""

    # "person": in the person's language; "english+person": English under it as well.
    languages: Literal["person", "english+person"] = "person"
    signatories: list[Signatory] = Field(default_factory=list, max_length=3)
    logo: str | None = None  # PNG or JPEG file, relative to schedule.json's folder

    def logo_path(self, schedule_path: Path | str) -> Path | None:
        return Path(schedule_path).parent / self.logo if self.logo else None


class CoachingConfig(_Model):
    """Coaching hours of each core group (bot/coaching): how many, how long, in which part."""

    hours_per_group: int = Field(default=1, ge=0, le=50)
    # More for some groups, added by organizers: {"GH": 1} gives Ghana one hour more.
    extra_hours: dict[str, int] = Field(default_factory=dict)
    duration_minutes: int = Field(default=60, ge=15, le=480)
    part: int | None = Field(default=1, ge=1)  # candidate times must fall in it; None: any
    answer_reminder_hours: int = Field(default=48, ge=0)  # one reminder; 0: none
    meeting_link: str | None = None  # the join link, unless the country has its own
    meeting_links: dict[str, str] = Field(default_factory=dict)

    def hours(self, country: str) -> int:
        return self.hours_per_group + self.extra_hours.get(country, 0)

    def link(self, country: str) -> str | None:
        return self.meeting_links.get(country) or self.meeting_link


class Meeting(_Model):
    """The program-wide join link (a session may have its own) and its passcode or dial-in
    text, per language."""

    link: str | None = None
    info: dict[str, str] = Field(default_factory=dict)

    @field_validator("link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return _check_link(value)

    @field_validator("info")
    @classmethod
    def _info(cls, value: dict[str, str]) -> dict[str, str]:
        return _optional_texts(value)


class AfterSession(_Model):
    """What follows a session: the materials message and the feedback question."""

    delay_minutes: int = Field(default=0, ge=0, le=10080)  # after the end, for the materials
    grace_hours: int = Field(default=48, ge=0, le=336)  # still sent this late (bot was down)
    closing_question: dict[str, str] = Field(default_factory=dict)  # about the whole program
    # Feedback figures and comments of a country are shown apart only from this many answers
    # on; fewer are folded into "other countries", so a small group's answers name nobody.
    min_answers_shown: int = Field(default=3, ge=1, le=100)

    @field_validator("closing_question")
    @classmethod
    def _question(cls, value: dict[str, str]) -> dict[str, str]:
        return _optional_texts(value)


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
    meeting_info: dict[str, str] = Field(default_factory=dict)  # passcode, dial-in numbers
    send_materials: bool = True  # "Materials and recording" to its audience once it ends
    ask_feedback: bool = True  # the 1-5 question to those who checked in

    @field_validator("meeting_link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return _check_link(value)

    @field_validator("meeting_info")
    @classmethod
    def _info(cls, value: dict[str, str]) -> dict[str, str]:
        return _optional_texts(value)

    @field_validator("start")
    @classmethod
    def _aware_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2021-01-20T14:00:00Z")
        if not FIRST_YEAR <= value.year < LAST_YEAR:  # checked first: no overflow below
            raise ValueError(f"must be between {FIRST_YEAR} and {LAST_YEAR}")
        return value.astimezone(UTC)

    @field_validator("duration_minutes")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value <= 0:
            raise ValueError("end before start: the duration must be more than 0 minutes")
        if value > DAY_MINUTES:
            raise ValueError(f"a session lasts at most 24 hours ({DAY_MINUTES} minutes)")
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
