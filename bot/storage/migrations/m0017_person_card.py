"""Migration 17: the person card (issue 25): whether a person counts as a participant when the
organizers decided it (NULL: by the rule in bot/membership.py), and when they were taken out of
the program (their group removed, their records kept)"""

STATEMENTS: list[str] = [
    "ALTER TABLE participants ADD COLUMN counted INTEGER",
    "ALTER TABLE participants ADD COLUMN left_at TEXT",
]
