"""Migration 6: roles, invitations and personal data"""

STATEMENTS: list[str] = [
    "ALTER TABLE participants ADD COLUMN organization TEXT",
    "ALTER TABLE participants ADD COLUMN sector TEXT",
    # Chosen in /profile; NULL means the Telegram name (which is refreshed on every update).
    "ALTER TABLE participants ADD COLUMN display_name TEXT",
    "ALTER TABLE participants ADD COLUMN joined_via TEXT"
    " CHECK (joined_via IN ('invite', 'open'))",
    """
    CREATE TABLE facilitator_countries (
        user_id  INTEGER NOT NULL,
        country  TEXT NOT NULL,
        PRIMARY KEY (user_id, country)
    )
    """,
    """
    CREATE TABLE invitations (
        code        TEXT PRIMARY KEY,
        grp         TEXT NOT NULL CHECK (grp IN ('core', 'wider')),
        country     TEXT,
        max_uses    INTEGER NOT NULL CHECK (max_uses > 0),
        uses        INTEGER NOT NULL DEFAULT 0,
        expires_at  TEXT NOT NULL,
        created_by  INTEGER NOT NULL,
        created_at  TEXT NOT NULL,
        revoked_at  TEXT
    )
    """,
    """
    CREATE TABLE invitation_uses (
        code     TEXT NOT NULL REFERENCES invitations (code),
        user_id  INTEGER NOT NULL,
        used_at  TEXT NOT NULL,
        PRIMARY KEY (code, user_id)
    )
    """,
]
