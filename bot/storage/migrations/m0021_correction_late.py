"""Migration 21: a /correct may set "late" too (issue 26: the status words of the four languages,
"en retard", "atrasado", "late"). SQLite cannot change a CHECK, so the table is rebuilt; the ids
are given anew in the same order (no explicit ids, so PostgreSQL's identity stays in step)."""

STATEMENTS: list[str] = [
    """
    CREATE TABLE attendance_corrections_new (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id         INTEGER NOT NULL,
        session_number  INTEGER NOT NULL,
        old_status      TEXT,
        new_status      TEXT NOT NULL CHECK (new_status IN ('present', 'late', 'absent')),
        reason          TEXT NOT NULL,
        corrected_by    INTEGER NOT NULL,
        corrected_at    TEXT NOT NULL
    )
    """,
    """
    INSERT INTO attendance_corrections_new (user_id, session_number, old_status, new_status,
                                            reason, corrected_by, corrected_at)
    SELECT user_id, session_number, old_status, new_status, reason, corrected_by, corrected_at
    FROM attendance_corrections ORDER BY id
    """,
    "DROP TABLE attendance_corrections",
    "ALTER TABLE attendance_corrections_new RENAME TO attendance_corrections",
]
