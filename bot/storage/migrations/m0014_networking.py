"""Migration 14: networking (issue 17): opt-in profiles, double opt-in introductions, people hidden
for good, the pre-session nudge (claimed per person), breakout plans; questions to the
organizers (/ask), and relay links that belong to a broadcast or to a question
(broadcast_id becomes nullable: the table is rebuilt, its rows kept)"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE network_profiles (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- shown in buttons, never user_id
        user_id     INTEGER NOT NULL UNIQUE,
        visible     INTEGER NOT NULL DEFAULT 0,
        offers      TEXT NOT NULL DEFAULT '',  -- topic keys, space-separated
        seeks       TEXT NOT NULL DEFAULT '',
        languages   TEXT NOT NULL DEFAULT '',  -- spoken besides the bot language
        note        TEXT,
        updated_at  TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE network_requests (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        from_user    INTEGER NOT NULL,
        to_user      INTEGER NOT NULL,
        note         TEXT,
        status       TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'accepted', 'declined', 'withdrawn')),
        created_at   TEXT NOT NULL,
        answered_at  TEXT,
        UNIQUE (from_user, to_user)
    )
    """,
    "CREATE INDEX network_requests_to ON network_requests (to_user, status)",
    """
    CREATE TABLE network_hidden (
        user_id      INTEGER NOT NULL,
        hidden_user  INTEGER NOT NULL,
        at           TEXT NOT NULL,
        PRIMARY KEY (user_id, hidden_user)
    )
    """,
    """
    CREATE TABLE network_nudges (
        session  INTEGER NOT NULL,
        user_id  INTEGER NOT NULL,
        kind     TEXT NOT NULL,  -- 'suggestions' or 'invitation'
        at       TEXT NOT NULL,
        outcome  TEXT,
        PRIMARY KEY (session, user_id)
    )
    """,
    """
    CREATE TABLE breakout_plans (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        session       INTEGER NOT NULL,
        rooms         INTEGER NOT NULL,
        created_by    INTEGER NOT NULL,
        created_at    TEXT NOT NULL,
        confirmed_at  TEXT
    )
    """,
    """
    CREATE TABLE breakout_members (
        plan_id  INTEGER NOT NULL REFERENCES breakout_plans (id) ON DELETE CASCADE,
        user_id  INTEGER NOT NULL,
        room     INTEGER NOT NULL,
        status   TEXT NOT NULL DEFAULT 'pending',  -- then sending, sent, blocked, ...
        PRIMARY KEY (plan_id, user_id)
    )
    """,
    """
    CREATE TABLE questions (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id      INTEGER NOT NULL,
        message_id   INTEGER NOT NULL,  -- the question, in the asker's chat
        summary      TEXT NOT NULL DEFAULT '',  -- its first words, or the kind of media
        created_at   TEXT NOT NULL,
        answered_at  TEXT,
        answered_by  INTEGER
    )
    """,
    """
    CREATE TABLE relay_links_new (
        chat_id         INTEGER NOT NULL,
        message_id      INTEGER NOT NULL,
        participant_id  INTEGER NOT NULL,
        broadcast_id    INTEGER REFERENCES broadcasts (id) ON DELETE CASCADE,
        reply_to        INTEGER,
        created_at      TEXT NOT NULL,
        question_id     INTEGER REFERENCES questions (id) ON DELETE CASCADE,
        PRIMARY KEY (chat_id, message_id),
        CHECK (broadcast_id IS NOT NULL OR question_id IS NOT NULL)
    )
    """,
    "INSERT INTO relay_links_new "
    "(chat_id, message_id, participant_id, broadcast_id, reply_to, created_at) "
    "SELECT chat_id, message_id, participant_id, broadcast_id, reply_to, created_at "
    "FROM relay_links",
    "DROP TABLE relay_links",
    "ALTER TABLE relay_links_new RENAME TO relay_links",
]
