"""Migration 12: around each session (issue 15): what calendars last heard about a session (start,
join link, SEQUENCE), session materials (Telegram file_ids and links), and feedback
(one 1-5 answer per person and session, with the answerer's country at the time)"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE session_versions (
        session_number  INTEGER PRIMARY KEY,
        start           TEXT NOT NULL,
        link            TEXT,
        sequence        INTEGER NOT NULL DEFAULT 0,
        updated_at      TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE session_materials (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        session_number  INTEGER NOT NULL,
        kind            TEXT NOT NULL CHECK (kind IN ('document', 'photo', 'video', 'audio',
                                                      'voice', 'animation', 'link')),
        file_id         TEXT,
        file_name       TEXT,
        url             TEXT,
        caption         TEXT NOT NULL DEFAULT '',
        added_by        INTEGER NOT NULL,
        added_at        TEXT NOT NULL
    )
    """,
    "CREATE INDEX session_materials_session ON session_materials (session_number)",
    """
    CREATE TABLE session_feedback (
        session_number  INTEGER NOT NULL,
        user_id         INTEGER NOT NULL,
        country         TEXT,
        grp             TEXT,
        language        TEXT,
        rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        comment         TEXT,
        answered_at     TEXT NOT NULL,
        PRIMARY KEY (session_number, user_id)
    )
    """,
]
