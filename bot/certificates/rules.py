"""Certificate rules: who has earned one, verification codes, what a certificate prints.

Plain Python on the schedule and stored records. Eligibility is the attendance feature's
certificate progress (bot.attendance.rules.progress on bot.membership), never recomputed here.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.attendance.rules import CHECKED_IN, Progress, progress
from bot.membership import member, program
from bot.models import Participant
from bot.parsing import normalized
from bot.schedule import Schedule
from bot.storage.attendance import Record
from bot.storage.certificates import Certificate, NewCertificate

# Crockford's base32: no I, L, O or U, so a printed code reads back without doubt.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16  # 80 bits
LINK_PREFIX = "verify-"  # deep link payload: https://t.me/<bot>?start=verify-<code>
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def parse_code(text: str | None) -> str | None:
    """A code as typed or scanned (any case, spaces or dashes, O for 0), or None."""
    if not text:
        return None
    value = normalized(text).upper().removeprefix(LINK_PREFIX.upper())
    value = "".join(c for c in value if c not in " -").translate(_READ_AS)
    if len(value) != CODE_LENGTH or any(c not in ALPHABET for c in value):
        return None
    return value


def shown_code(code: str) -> str:
    """7K3M-9QXD-2HTB-W4PZ: easier to read out and type."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def verify_link(bot_username: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={LINK_PREFIX}{code}"


def clean_name(text: str) -> str:
    """The name as it will print: NFC (precomposed accents), single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def name_mark(name: str) -> str:
    """A short fingerprint of a name for a confirm button: the name confirmed is the one
    shown, even if it changed in /profile meanwhile."""
    return hashlib.sha256(name.encode()).hexdigest()[:8]


def languages(policy: str, lang: str) -> tuple[str, ...]:
    """The person's language, then English when the organizers chose both."""
    if policy == "english+person" and lang != "en":
        return (lang, "en")
    return (lang,)


State = Literal["issued", "revoked", "confirmed", "eligible", "not_eligible"]


@dataclass(frozen=True)
class Standing:
    """One person's way to a certificate."""

    person: Participant
    progress: Progress
    confirmed: str | None  # the name they confirmed, if any
    certificate: Certificate | None

    @property
    def name_confirmed(self) -> bool:
        return self.confirmed is not None and self.confirmed == clean_name(self.person.name)

    @property
    def state(self) -> State:
        if self.certificate is not None:
            return "issued" if self.certificate.valid else "revoked"
        if not self.progress.eligible:
            return "not_eligible"
        return "confirmed" if self.name_confirmed else "eligible"


def standing(schedule: Schedule, person: Participant, records: list[Record],
             confirmed: str | None, certificate: Certificate | None,
             now: datetime) -> Standing:
    m = member(person, person.role, frozenset())  # roles do not change a person's program
    return Standing(person, progress(schedule, m, records, now), confirmed, certificate)


def minutes_attended(p: Progress) -> int:
    return sum(s.duration_minutes for s, c in p.cells if c in CHECKED_IN)


def new_certificate(schedule: Schedule, s: Standing, code: str, lang: str,
                    bot_username: str, logo: str | None) -> NewCertificate:
    """What the certificate will print, fixed at issue."""
    assert s.person.group is not None
    sessions = program(schedule, member(s.person, s.person.role, frozenset()))
    config = schedule.certificates
    document: dict[str, Any] = {
        "program": dict(schedule.program.name),
        "first": sessions[0].start.date().isoformat(),
        "last": sessions[-1].end.date().isoformat(),
        "signatories": [{"name": p.name, "title": dict(p.title)} for p in config.signatories],
        "logo": logo,
        "bot": bot_username,
        "link": verify_link(bot_username, code),
    }
    return NewCertificate(
        code=code, user_id=s.person.user_id, name=clean_name(s.person.name),
        group=s.person.group, country=s.person.country, attended=s.progress.attended,
        total=s.progress.total, minutes=minutes_attended(s.progress),
        languages=languages(config.languages, lang), document=document,
    )


@dataclass(frozen=True)
class Tally:
    """Counts of one country (None: no country) or of everyone."""

    eligible: int = 0  # reached the threshold (whatever happened next)
    confirmed: int = 0  # of those, confirmed their name or have a certificate
    issued: int = 0  # valid certificates
    revoked: int = 0
    not_eligible: int = 0  # not (yet) reached the threshold, no certificate

    @property
    def ready(self) -> int:
        """Confirmed, waiting to be issued."""
        return self.confirmed - self.issued - self.revoked


def tally(standings: list[Standing]) -> Tally:
    states = Counter(s.state for s in standings)
    return Tally(
        eligible=len(standings) - states["not_eligible"],
        confirmed=states["confirmed"] + states["issued"] + states["revoked"],
        issued=states["issued"],
        revoked=states["revoked"],
        not_eligible=states["not_eligible"],
    )


def by_country(standings: list[Standing]) -> dict[str | None, list[Standing]]:
    groups: dict[str | None, list[Standing]] = {}
    for s in standings:
        groups.setdefault(s.person.country, []).append(s)
    return groups
