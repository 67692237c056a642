"""bot.membership.counted: the one rule for who counts as a participant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.membership import counted, counted_by_default, participants
from bot.models import Participant

NOW = datetime(2021, 3, 1, tzinfo=UTC)


def person(group: str | None, joined_via: str | None, role: str = "participant",
           override: bool | None = None, user_id: int = 1) -> Participant:
    return Participant(user_id, "en", "GH", None, group, "A", None, None, role,  # type: ignore[arg-type]
                       True, True, NOW, NOW, joined_via=joined_via,  # type: ignore[arg-type]
                       counted=override)


@pytest.mark.parametrize(("group", "joined_via", "role", "override", "expected"), [
    ("wider", "open", "participant", None, True),
    ("wider", "open", "facilitator", None, False),  # self-registered, then granted
    ("wider", "open", "organizer", None, False),
    ("core", "invite", "facilitator", None, True),  # a core member made co-facilitator
    ("core", None, "facilitator", None, True),  # the row does not say: still a member
    ("wider", "invite", "organizer", None, True),
    (None, "invite", "participant", None, False),  # taken out of the program
    ("wider", "open", "facilitator", True, True),  # an organizer's choice wins
    ("core", "invite", "participant", False, False),
    (None, "invite", "participant", True, False),  # no group: never counted
])
def test_counted(group: str | None, joined_via: str | None, role: str, override: bool | None,
                 expected: bool) -> None:
    p = person(group, joined_via, role, override)
    assert counted(p, role) is expected  # type: ignore[arg-type]
    assert counted_by_default(p, role) is counted(person(group, joined_via, role), role)  # type: ignore[arg-type]


def test_organizers_come_from_the_settings() -> None:
    people = [person("wider", "open", user_id=1), person("wider", "open", user_id=2)]
    assert [p.user_id for p in participants(people, [2])] == [1]
