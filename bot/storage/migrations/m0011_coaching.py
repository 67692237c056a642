"""Migration 11: coaching (issue 19): each core group books its coaching hours. A coaching is polled
in rounds of candidate times (each member's latest answer per time), then booked
(bookings counts the times it got a time: iCalendar SEQUENCE). Check-ins to it are
kept apart from session attendance. Its notices and reminders are `deliveries` rows."""

STATEMENTS: list[str] = [
    """
    CREATE TABLE coachings (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        country           TEXT NOT NULL,
        status            TEXT NOT NULL CHECK (status IN ('polling', 'booked', 'cancelled')),
        round             INTEGER NOT NULL DEFAULT 1,
        opened_at         TEXT NOT NULL,     -- when the current round's poll went out
        start             TEXT,              -- the booked time (UTC)
        duration_minutes  INTEGER NOT NULL,
        bookings          INTEGER NOT NULL DEFAULT 0,
        coach_id          INTEGER NOT NULL,  -- who opened it
        booked_by         INTEGER,
        tally_chat_id     INTEGER,           -- the tally screen kept live
        tally_message_id  INTEGER,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
    )
    """,
    "CREATE INDEX coachings_country ON coachings (country, status)",
    """
    CREATE TABLE coaching_slots (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        coaching_id  INTEGER NOT NULL REFERENCES coachings (id),
        round        INTEGER NOT NULL,
        position     INTEGER NOT NULL,
        start        TEXT NOT NULL,
        UNIQUE (coaching_id, round, position)
    )
    """,
    """
    CREATE TABLE coaching_answers (
        slot_id      INTEGER NOT NULL REFERENCES coaching_slots (id),
        user_id      INTEGER NOT NULL,
        answer       TEXT NOT NULL CHECK (answer IN ('yes', 'no')),
        answered_at  TEXT NOT NULL,
        PRIMARY KEY (slot_id, user_id)
    )
    """,
    """
    CREATE TABLE coaching_attendance (
        coaching_id    INTEGER NOT NULL REFERENCES coachings (id),
        user_id        INTEGER,
        status         TEXT NOT NULL CHECK (status IN ('present', 'late')),
        checked_in_at  TEXT NOT NULL,
        method         TEXT NOT NULL,
        UNIQUE (coaching_id, user_id)
    )
    """,
]
