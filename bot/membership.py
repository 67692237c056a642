"""Who is in the program and who may act on what: the one answer every feature asks.

From the schedule and a person's stored facts (group, country, role, facilitator countries,
join date) this says which sessions are in their program, from when they count, whether they
may check in, what their certificate is measured on, and on which countries a staff member may
act. Roles are orthogonal to membership: a facilitator who is also a core member keeps their
group, attendance, goals and certificate. Plain Python, no Telegram, no SQL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.models import Group, Participant, Role
from bot.roles import effective_role
from bot.schedule import Schedule, Session

ALL: frozenset[str] | None = None  # scope of organizers and unlimited facilitators


@dataclass(frozen=True)
class Member:
    """A person's place in the program."""

    user_id: int
    group: Group | None  # None: not in the program (yet)
    country: str | None
    role: Role
    scope: frozenset[str] | None  # countries they may act on; None: every country
    joined_at: datetime | None  # sessions that ended before this do not count against them

    @property
    def staff(self) -> bool:
        return self.role in ("facilitator", "organizer")

    @property
    def unlimited(self) -> bool:
        """Staff who may act on the whole program (organizers, facilitators of every country)."""
        return self.staff and self.scope is None


def member(person: Participant, role: Role, facilitator_countries: set[str] | frozenset[str]
           ) -> Member:
    """The Member for a stored person. `role` is the effective role (organizers come from
    settings); facilitator_countries empty means a facilitator for every country."""
    if role == "organizer" or (role == "facilitator" and not facilitator_countries):
        scope: frozenset[str] | None = ALL
    elif role == "facilitator":
        scope = frozenset(facilitator_countries)
    else:
        scope = frozenset()
    return Member(person.user_id, person.group, person.country, role, scope,
                  person.joined_at or person.created_at)


# sessions


def session_for_group(session: Session, group: str | None) -> bool:
    """Core members attend every session; the wider group the sessions open to all."""
    if group == "core":
        return True
    return group == "wider" and session.audience == "all"


def in_program(session: Session, m: Member) -> bool:
    """Is this session part of the person's own program (attendance, certificate)?"""
    return session_for_group(session, m.group)


def in_audience(session: Session, m: Member) -> bool:
    """Does the person hear about this session (reminders, moved notices)? Staff: all."""
    return m.staff or in_program(session, m)


def program(schedule: Schedule, m: Member) -> list[Session]:
    """The sessions of the person's program, in order."""
    return [s for s in schedule.sessions if in_program(s, m)]


def shown(schedule: Schedule, m: Member) -> list[Session]:
    """The sessions /next and /schedule show: staff see all; people with no group see the
    sessions open to everyone (what they would join), never core-only ones."""
    if m.staff or m.group == "core":
        return list(schedule.sessions)
    return [s for s in schedule.sessions if s.audience == "all"]


def before_joining(session: Session, m: Member) -> bool:
    """Ended before the person joined: neither attended nor missed."""
    return m.joined_at is not None and session.end <= m.joined_at


def may_check_in(session: Session, m: Member) -> bool:
    return in_program(session, m)


def expected_at(session: Session, person: Participant) -> bool:
    """Is this member expected at the session (rolls, exports): in their group's program and
    not over before they joined. Roles do not matter: a co-facilitator keeps their record."""
    joined = person.joined_at or person.created_at
    return session_for_group(session, person.group) and session.end > joined


def admitted(m: Member, joined_via: str | None, registration: str) -> bool:
    """May this person use the bot? With REGISTRATION=closed: people in a group (invited),
    staff, and those who registered while it was open; everyone while it is open."""
    return (registration == "open" or m.staff or m.group is not None
            or joined_via == "open")


def country_fixed(person: Participant) -> bool:
    """The person's country is the organizers' to change (the person card, a new invitation):
    a core member's (however the row was made: an empty joined_via is still a member), and
    anyone's set by an invitation. A time zone they may still choose freely."""
    if person.country is None:
        return False
    return person.group == "core" or person.joined_via == "invite"


# who counts as a participant


def counted(person: Participant, role: Role) -> bool:
    """Is this person counted as a participant: attendance rates and export rows, charts,
    certificates, /people's participant lists? `role` is the effective role.

    Everyone in a group, except staff who are in one only because they opened the bot before
    they were granted (open registration put them in the wider group): they are not counted,
    their earlier records stay. A member by invitation, roster or the staff's placing (the
    person card records it as an invitation) who is granted a staff role (a core member made
    co-facilitator) keeps being counted; so does a row that does not say how it joined
    (membership does not depend on how the row was made). What an organizer chose on the
    person card (`counted`) overrides the rule.
    """
    if person.group is None:
        return False
    if person.counted is not None:
        return person.counted
    return role == "participant" or person.joined_via != "open"


def counted_by_default(person: Participant, role: Role) -> bool:
    """What the rule says without an organizer's choice (the card offers the other answer)."""
    return counted(replace(person, counted=None), role)


def participants(people: Iterable[Participant], organizers: Collection[int]
                 ) -> list[Participant]:
    """The people counted as participants; `organizers`: ORGANIZER_IDS from the settings."""
    return [p for p in people if counted(p, effective_role(p.user_id, p, list(organizers)))]


# country scope


def may_act_on(m: Member, country: str | None) -> bool:
    """May this staff member act on a country (its people, attendance, goals, broadcasts)?

    Organizers and unlimited facilitators: every country, and "the whole program" (None).
    A limited facilitator or co-facilitator: only their countries, never the whole program.
    """
    if not m.staff:
        return False
    if m.scope is None:
        return True
    return country is not None and country in m.scope


def covers(m: Member, country: str | None) -> bool:
    """Does this staff member look after people of that country (relayed replies, requests)?
    People without a country are looked after by unlimited staff."""
    return may_act_on(m, country)


def limit_countries(m: Member, chosen: frozenset[str]) -> frozenset[str] | None:
    """The countries an action of this staff member reaches: what they chose, within their
    scope. None: no limit (every country). A limited member who chose nothing reaches their
    own countries ("everyone" means everyone in their countries)."""
    if m.scope is None:
        return chosen or None
    return (chosen & m.scope) if chosen else m.scope
