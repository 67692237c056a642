"""Migration 1: participants"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE participants (
        user_id     INTEGER PRIMARY KEY,
        language    TEXT,
        country     TEXT,
        zone        TEXT,
        grp         TEXT CHECK (grp IN ('core', 'wider')),
        first_name  TEXT NOT NULL DEFAULT '',
        last_name   TEXT,
        username    TEXT,
        role        TEXT NOT NULL DEFAULT 'participant'
                    CHECK (role IN ('participant', 'facilitator', 'organizer')),
        onboarded   INTEGER NOT NULL DEFAULT 0,
        active      INTEGER NOT NULL DEFAULT 1,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    )
    """,
    "CREATE INDEX participants_country ON participants (country, grp)",
]
