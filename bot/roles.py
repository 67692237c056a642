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
