"""Migration 4: attendance (issue 4). One row per (person, session): the current status. Corrections
keep their own history; wrong check-in codes are kept to throttle guessing."""

STATEMENTS: list[str] = [
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
]
