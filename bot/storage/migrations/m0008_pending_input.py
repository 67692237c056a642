"""Migration 8: typed input the bot waits for (a form's answers so far), kept across restarts"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE pending_input (
        user_id     INTEGER NOT NULL,
        chat_id     INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        data        TEXT NOT NULL DEFAULT '{}',
        updated_at  TEXT NOT NULL,
        PRIMARY KEY (user_id, chat_id)
    )
    """,
]
