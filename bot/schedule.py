"""The program as organizers write it in schedule.json, validated, plus plain queries on it.

The parts (sessions, countries, settings) are in bot/schedule_models.py; their names are
importable from here as well.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator

from bot.config import LANGUAGES
from bot.schedule_models import (
    DAY_MINUTES,
    FIRST_YEAR,
    LAST_YEAR,
    MAX_OFFSET_MINUTES,
    AfterSession,
    Audience,
    CertificatesConfig,
    Checkin,
    CoachingConfig,
    Country,
    GoalsConfig,
    Meeting,
    NetworkingConfig,
    Program,
    Reminders,
    ScheduleError,
    Session,
    Signatory,
    Topic,
    _Model,
    is_web_link,
)

__all__ = [
    "DAY_MINUTES", "FIRST_YEAR", "LAST_YEAR", "MAX_OFFSET_MINUTES", "AfterSession", "Audience",
    "CertificatesConfig", "Checkin", "CoachingConfig", "Country", "GoalsConfig", "Meeting",
    "NetworkingConfig", "Program", "Reminders", "Schedule", "ScheduleError", "Session",
    "Signatory", "Topic", "is_web_link", "load_schedule", "parse_schedule", "schedule_schema",
    "schedule_warnings",
]


class Schedule(_Model):
    program: Program
    languages: list[str]
    countries: list[Country]
    reminders: Reminders = Field(default_factory=Reminders)
    checkin: Checkin = Field(default_factory=Checkin)
    goals: GoalsConfig = Field(default_factory=GoalsConfig)
    certificates: CertificatesConfig = Field(default_factory=CertificatesConfig)
    coaching: CoachingConfig = Field(default_factory=CoachingConfig)
    meeting: Meeting = Field(default_factory=Meeting)
    after_session: AfterSession = Field(default_factory=AfterSession)
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
    def _coaching_countries_and_part(self) -> Schedule:
        codes = {c.code for c in self.countries}
        coaching = self.coaching
        for key in (*coaching.extra_hours, *coaching.meeting_links):
            if key not in codes:
                raise ValueError(f"coaching: unknown country {key!r}")
        if coaching.part is not None and coaching.part not in {s.part for s in self.sessions}:
            raise ValueError(f"coaching.part: no session is in part {coaching.part}")
        return self

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

    def join_link(self, session: Session) -> str | None:
        """The session's own link, else the program-wide one."""
        return session.meeting_link or self.meeting.link

    def without_link(self) -> list[Session]:
        """Sessions with no join link (neither their own nor the program's)."""
        return [s for s in self.sessions if not self.join_link(s)]

    def join_info(self, session: Session, lang: str) -> str:
        """Passcode or dial-in text: the session's own, else the program-wide one when the
        session uses the program-wide link."""
        texts = session.meeting_info or ({} if session.meeting_link else self.meeting.info)
        return texts.get(lang) or texts.get("en") or ""

    @property
    def closing(self) -> Session:
        """The closing session is the last one (as for the goals review)."""
        return self.sessions[-1]

    @property
    def slug(self) -> str:
        """program.slug, else one made from the English name and the first session's year."""
        if self.program.slug:
            return self.program.slug
        words = re.sub(r"[^a-z0-9]+", "-", self.program.name["en"].lower()).strip("-")
        return f"{words[:40].strip('-') or 'program'}-{self.sessions[0].start.year}"


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
    except RecursionError:
        raise ScheduleError(f"{source}: nested too deeply") from None
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
    except UnicodeDecodeError as exc:
        raise ScheduleError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ScheduleError(f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ScheduleError(f"{path}: nested too deeply") from None
    schedule = parse_schedule(data, str(path))
    logo = schedule.certificates.logo_path(path)
    if logo is not None and not logo.is_file():
        raise ScheduleError(f"{path}: certificates.logo: no such file: {logo}")
    if logo is not None:
        problem = logo_problem(logo)
        if problem is not None:
            raise ScheduleError(f"{path}: certificates.logo: {problem}: {logo}")
    return schedule


PNG, JPEG = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"


def logo_problem(logo: Path) -> str | None:
    """None when the certificate PDF can print this logo: a PNG or JPEG file that the PDF
    library (fpdf2) opens. Checked at start, /reload and `check`, not at the first issue."""
    try:
        with logo.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    if not (head.startswith(PNG) or head.startswith(JPEG)):
        return "not a PNG or JPEG image"
    from fpdf import FPDF  # only when there is a logo: the PDF library is large

    try:
        pdf = FPDF()
        pdf.add_page()
        pdf.image(str(logo), x=0, y=0, w=10)
    except Exception as exc:  # whatever a broken image makes the library raise
        return f"the PDF library cannot open this image ({type(exc).__name__})"
    return None


def schedule_schema() -> str:
    """The JSON Schema of schedule.json (bot/schedule.schema.json is this, for editors)."""
    schema = Schedule.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "schedule.json of the SSKE cocoa program bot"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


PLACEHOLDER_WORDS = ("schedule.json", "replace this", "reemplace", "remplacez", "substitua")


def schedule_warnings(schedule: Schedule) -> list[str]:
    """What `python -m bot check` warns about: valid, but not ready for participants."""
    warnings = []
    for lang, text in sorted(schedule.program.contact.items()):
        if any(word in text.lower() for word in PLACEHOLDER_WORDS):
            warnings.append(f"program.contact.{lang} still says to replace it: {text!r}")
    if not schedule.program.contact:
        warnings.append("program.contact is empty: /help shows no contact")
    missing = [str(s.number) for s in schedule.without_link()]
    if missing:
        warnings.append(
            f"no join link for session{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            "set meeting.link (or a session's meeting_link), or /joinlink in the chat; "
            "until then reminders tell people to ask the program contact")
    return warnings
