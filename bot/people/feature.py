"""The people feature as the wiring sees it (bot/feature.py)."""

from __future__ import annotations

from bot.feature import N_, Export, Feature, Staff
from bot.people.export import write_people

FEATURE = Feature(
    "people",
    exports=(Export("people", N_("People"), write_people),),
    commands=(
        Staff("people", "facilitator", N_("Who takes part, by country and group")),
        Staff("person", "facilitator", N_("One person's card: move them, take them out")),
        Staff("invite", "organizer", N_("Create an invitation link")),
        Staff("invites", "organizer", N_("Invitation links: list and withdraw")),
        Staff("grant", "organizer", N_("Give facilitator rights")),
        Staff("revoke", "organizer", N_("Take facilitator rights back")),
        Staff("export", "organizer", N_("Attendance or goals as files")),
    ),
)
