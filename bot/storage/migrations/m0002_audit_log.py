"""Migration 2: audit log of privileged actions"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE audit_log (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        at        TEXT NOT NULL,
        actor_id  INTEGER NOT NULL,
        action    TEXT NOT NULL,
        target    TEXT,
        detail    TEXT
    )
    """,
]
