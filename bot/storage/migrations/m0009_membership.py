"""Migration 9: membership: when a person joined their group (sessions before do not count against
them); open registrations belong to the wider group from the moment they register"""

STATEMENTS: list[str] = [
    "ALTER TABLE participants ADD COLUMN joined_at TEXT",
    "UPDATE participants SET joined_at = created_at WHERE grp IS NOT NULL",
    "UPDATE participants SET grp = 'wider', joined_at = created_at "
    "WHERE grp IS NULL AND joined_via = 'open' AND role = 'participant'",
]
