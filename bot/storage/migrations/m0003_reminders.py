"""Migration 3: reminders: opt-outs, one row per delivery (the dedupe key), linked group chats,
and the session starts last announced (to detect moved sessions)"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE reminder_optouts (
        user_id         INTEGER NOT NULL,
        offset_minutes  INTEGER NOT NULL,  -- -1: every reminder off
        PRIMARY KEY (user_id, offset_minutes)
    )
    """,
    """
    CREATE TABLE deliveries (
        kind            TEXT NOT NULL,     -- 'reminder' | 'moved'
        session_number  INTEGER NOT NULL,
        session_start   TEXT NOT NULL,     -- a moved session gets fresh keys
        offset_minutes  INTEGER NOT NULL,
        chat_id         INTEGER NOT NULL,
        status          TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'sending', 'sent', 'blocked',
                                          'failed', 'unknown', 'skipped')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        message_id      INTEGER,
        error           TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        PRIMARY KEY (kind, session_number, session_start, offset_minutes, chat_id)
    )
    """,
    "CREATE INDEX deliveries_status ON deliveries (status)",
    """
    CREATE TABLE group_chats (
        chat_id    INTEGER PRIMARY KEY,
        title      TEXT,
        country    TEXT NOT NULL,
        grp        TEXT NOT NULL CHECK (grp IN ('core', 'wider')),
        linked_by  INTEGER NOT NULL,
        linked_at  TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE session_starts (
        session_number  INTEGER PRIMARY KEY,
        start           TEXT NOT NULL
    )
    """,
]
