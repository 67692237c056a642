"""Forward-only schema migrations; each one runs in its own transaction.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: participants
    [
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
    ],
    # 2: audit log of privileged actions
    [
        """
        CREATE TABLE audit_log (
            id        INTEGER PRIMARY KEY AUTOINCREMENT,
            at        TEXT NOT NULL,
            actor_id  INTEGER NOT NULL,
            action    TEXT NOT NULL,
            target    TEXT,
            detail    TEXT
        )
        """,
    ],
    # 3: roles, invitations and personal data
    [
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
    ],
]
