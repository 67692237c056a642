"""Migration 20: which program (schedule.json's program.slug) a database belongs to, recorded at
the first start, so that a new cohort's schedule.json is never run on an earlier cohort's
database (docs/organizers.md, "The next cohort")"""

STATEMENTS: list[str] = [
    """
    CREATE TABLE program_identity (
        item         TEXT PRIMARY KEY,  -- "slug"
        value        TEXT NOT NULL,
        recorded_at  TEXT NOT NULL
    )
    """,
]
