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
    # 3: attendance (issue 4). One row per (person, session): the current status. Corrections
    # keep their own history; wrong check-in codes are kept to throttle guessing.
    [
        """
        CREATE TABLE attendance (
            user_id         INTEGER NOT NULL,
            session_number  INTEGER NOT NULL,
            status          TEXT NOT NULL CHECK (status IN ('present', 'late', 'absent')),
            checked_in_at   TEXT,
            checkin_status  TEXT CHECK (checkin_status IN ('present', 'late')),
            method          TEXT,
            updated_at      TEXT NOT NULL,
            UNIQUE (user_id, session_number)
        )
        """,
        "CREATE INDEX attendance_session ON attendance (session_number, status)",
        """
        CREATE TABLE attendance_corrections (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id         INTEGER NOT NULL,
            session_number  INTEGER NOT NULL,
            old_status      TEXT,
            new_status      TEXT NOT NULL CHECK (new_status IN ('present', 'absent')),
            reason          TEXT NOT NULL,
            corrected_by    INTEGER NOT NULL,
            corrected_at    TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE attendance_requests (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id         INTEGER NOT NULL,
            session_number  INTEGER NOT NULL,
            message         TEXT NOT NULL,
            requested_at    TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE checkin_codes (
            session_number  INTEGER PRIMARY KEY,
            code            TEXT NOT NULL,
            set_by          INTEGER NOT NULL,
            set_at          TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE checkin_code_failures (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id         INTEGER NOT NULL,
            session_number  INTEGER NOT NULL,
            at              TEXT NOT NULL
        )
        """,
        "CREATE INDEX checkin_code_failures_user ON checkin_code_failures (user_id, at)",
    ],
]
