"""Migration 16: the roster (one row per person an organizer imported, with their personal,
single-use invitation code)"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE roster (
        entry_key     TEXT PRIMARY KEY,   -- 'email:<e-mail>', else the name_key
        name_key      TEXT NOT NULL,      -- 'name:<folded name>|<country>'
        code          TEXT NOT NULL UNIQUE REFERENCES invitations (code),
        name          TEXT NOT NULL,      -- printed on the certificate
        country       TEXT NOT NULL,
        grp           TEXT NOT NULL CHECK (grp IN ('core', 'wider')),
        language      TEXT NOT NULL,
        organization  TEXT,
        sector        TEXT,
        email         TEXT,
        role          TEXT CHECK (role IN ('facilitator', 'cofacilitator', 'organizer')),
        user_id       INTEGER,            -- who opened the link
        joined_at     TEXT,
        created_by    INTEGER NOT NULL,
        created_at    TEXT NOT NULL,
        updated_at    TEXT NOT NULL
    )
    """,
    "CREATE INDEX roster_user ON roster (user_id)",
    "CREATE INDEX roster_name ON roster (name_key)",
]
