"""Migration 22: early warnings (issue 28): each staff member's choice for the digest after
sessions ('session': after each session, the default; 'weekly': Monday 09:00 in their zone;
'off'). No row: the default. The
participants' "after a missed session" opt-out is a reminder_optouts row (offset -2)."""

STATEMENTS: list[str] = [
    """
    CREATE TABLE digest_settings (
        user_id     INTEGER PRIMARY KEY,
        mode        TEXT NOT NULL CHECK (mode IN ('session', 'weekly', 'off')),
        updated_at  TEXT NOT NULL
    )
    """,
]
