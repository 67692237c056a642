"""Migration 13: certificates of completion (issue 16): the name each person confirmed, the "please
confirm your name" messages (claimed once per person), and the certificates issued,
each with what it prints (kept as issued) and its delivery (recorded before sending)"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE certificate_names (
        user_id       INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        confirmed_at  TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE certificate_prompts (
        user_id     INTEGER PRIMARY KEY,
        status      TEXT NOT NULL
                    CHECK (status IN ('sending', 'sent', 'blocked', 'failed', 'unknown')),
        updated_at  TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE certificates (
        code            TEXT PRIMARY KEY,
        user_id         INTEGER UNIQUE,  -- NULL once the person used /forget
        name            TEXT,            -- NULL once anonymized
        grp             TEXT NOT NULL CHECK (grp IN ('core', 'wider')),
        country         TEXT,
        attended        INTEGER NOT NULL,
        total           INTEGER NOT NULL,
        minutes         INTEGER NOT NULL,
        languages       TEXT NOT NULL,   -- the person's language, then English if added
        document        TEXT NOT NULL,   -- JSON: program names, dates, signatories, logo, link
        issued_at       TEXT NOT NULL,
        issued_by       INTEGER,
        status          TEXT NOT NULL DEFAULT 'valid' CHECK (status IN ('valid', 'revoked')),
        revoked_at      TEXT,
        revoked_by      INTEGER,
        revoke_reason   TEXT,
        delivery        TEXT NOT NULL DEFAULT 'pending'
                        CHECK (delivery IN ('pending', 'sending', 'sent', 'blocked',
                                            'failed', 'unknown')),
        delivery_error  TEXT,
        file_id         TEXT,
        delivered_at    TEXT
    )
    """,
    "CREATE INDEX certificates_delivery ON certificates (delivery)",
]
