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
]
