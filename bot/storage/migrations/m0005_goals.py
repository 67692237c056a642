"""Migration 5: group goals and action plans"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE goals (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        country      TEXT NOT NULL,
        title        TEXT NOT NULL,
        description  TEXT,
        target_date  TEXT,
        status       TEXT NOT NULL DEFAULT 'not_started'
                     CHECK (status IN ('not_started', 'in_progress', 'done', 'dropped')),
        created_by   INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL
    )
    """,
    "CREATE INDEX goals_country ON goals (country)",
    """
    CREATE TABLE goal_steps (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        goal_id         INTEGER NOT NULL REFERENCES goals (id),
        text            TEXT NOT NULL,
        responsible     TEXT,
        responsible_id  INTEGER,
        due_date        TEXT,
        done            INTEGER NOT NULL DEFAULT 0,
        done_at         TEXT,
        created_by      INTEGER NOT NULL,
        created_at      TEXT NOT NULL
    )
    """,
    "CREATE INDEX goal_steps_goal ON goal_steps (goal_id)",
    """
    CREATE TABLE goal_history (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        goal_id   INTEGER NOT NULL REFERENCES goals (id),
        at        TEXT NOT NULL,
        actor_id  INTEGER NOT NULL,
        action    TEXT NOT NULL,
        detail    TEXT
    )
    """,
    "CREATE INDEX goal_history_goal ON goal_history (goal_id, id)",
    """
    CREATE TABLE goal_reviews (
        goal_id   INTEGER PRIMARY KEY REFERENCES goals (id),
        rating    TEXT NOT NULL CHECK (rating IN ('achieved', 'partly', 'not_achieved')),
        rated_by  INTEGER NOT NULL,
        rated_at  TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE goal_review_opened (
        id         INTEGER PRIMARY KEY CHECK (id = 1),
        opened_at  TEXT NOT NULL,
        opened_by  INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE goal_nudges (
        kind      TEXT NOT NULL,
        session   INTEGER NOT NULL,
        user_id   INTEGER NOT NULL,
        at        TEXT NOT NULL,
        outcome   TEXT,
        PRIMARY KEY (kind, session, user_id)
    )
    """,
]
