"""Migration 7: broadcasts, one row per recipient written before sending, and the reply relay"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE broadcasts (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        author_id          INTEGER NOT NULL,
        status             TEXT NOT NULL DEFAULT 'draft'
                           CHECK (status IN ('draft', 'scheduled', 'sending', 'done',
                                             'cancelled', 'missed')),
        audience           TEXT NOT NULL DEFAULT '{}',
        awaiting           TEXT,
        created_at         TEXT NOT NULL,
        scheduled_for      TEXT,
        started_at         TEXT,
        finished_at        TEXT,
        status_chat_id     INTEGER,
        status_message_id  INTEGER
    )
    """,
    "CREATE INDEX broadcasts_status ON broadcasts (status)",
    """
    CREATE TABLE broadcast_versions (
        broadcast_id  INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        language      TEXT,
        chat_id       INTEGER NOT NULL,
        message_id    INTEGER NOT NULL,
        PRIMARY KEY (broadcast_id, position)
    )
    """,
    """
    CREATE TABLE broadcast_recipients (
        broadcast_id  INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        user_id       INTEGER NOT NULL,
        language      TEXT,
        status        TEXT NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'sending', 'sent', 'blocked', 'failed',
                                        'unknown', 'skipped', 'cancelled')),
        attempts      INTEGER NOT NULL DEFAULT 0,
        message_id    INTEGER,
        error         TEXT,
        updated_at    TEXT NOT NULL,
        PRIMARY KEY (broadcast_id, user_id)
    )
    """,
    "CREATE INDEX broadcast_recipients_status ON broadcast_recipients (broadcast_id, status)",
    "CREATE INDEX broadcast_recipients_message ON broadcast_recipients (user_id, message_id)",
    """
    CREATE TABLE relay_links (
        chat_id         INTEGER NOT NULL,
        message_id      INTEGER NOT NULL,
        participant_id  INTEGER NOT NULL,
        broadcast_id    INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
        reply_to        INTEGER,
        created_at      TEXT NOT NULL,
        PRIMARY KEY (chat_id, message_id)
    )
    """,
]
