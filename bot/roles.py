"""Who may do what. Organizers come from settings; facilitators are granted in the database."""

from __future__ import annotations

from bot.models import Participant, Role

RANK: dict[Role, int] = {"participant": 0, "facilitator": 1, "organizer": 2}


def effective_role(user_id: int, person: Participant | None, organizer_ids: list[int]) -> Role:
    if user_id in organizer_ids:
        return "organizer"
    if person is None:
        return "participant"
    return person.role


def allows(role: Role, minimum: Role) -> bool:
    return RANK[role] >= RANK[minimum]


def can_act_on_country(role: Role, facilitator_countries: set[str], country: str | None) -> bool:
    """May someone act on a country (its attendance, its broadcasts, its people)?

    Organizers: always. Facilitators: on every country when not limited, else only on the
    countries they were given (a co-facilitator: their own). `country` None means "the whole
    program" (or a person without a country): only unlimited facilitators and organizers.
    """
    if role == "organizer":
        return True
    if role != "facilitator":
        return False
    if not facilitator_countries:
        return True
    return country is not None and country in facilitator_countries
