"""Migration 15: privacy (issue 13): a step's responsible picked from the group is a reference only
(named from their profile when shown), so /forget removes the name with the person"""

STATEMENTS: list[str] = [
    "UPDATE goal_steps SET responsible = NULL WHERE responsible_id IS NOT NULL",
]
