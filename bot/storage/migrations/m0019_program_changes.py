"""Migration 19: program changes made from the chat (issue 25): join links and session moves kept
in the database as a layer over schedule.json, one row per thing changed (the latest change to
it is the one in force; undoing it deletes the row, the audit log keeps the history). subject:
a session number, a country code, or empty for the program"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE program_changes (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        kind        TEXT NOT NULL CHECK (kind IN ('program_link', 'session_link',
                                                  'coaching_link', 'move')),
        subject     TEXT NOT NULL DEFAULT '',
        link        TEXT,
        info        TEXT,
        start       TEXT,
        made_by     INTEGER NOT NULL,
        made_at     TEXT NOT NULL,
        UNIQUE (kind, subject)
    )
    """,
]
