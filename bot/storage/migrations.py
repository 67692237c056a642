"""Forward-only schema migrations; each one runs in its own transaction.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: participants
    [
        """
        CREATE TABLE participants (
            user_id     INTEGER PRIMARY KEY,
            language    TEXT,
            country     TEXT,
            zone        TEXT,
            grp         TEXT CHECK (grp IN ('core', 'wider')),
            first_name  TEXT NOT NULL DEFAULT '',
            last_name   TEXT,
            username    TEXT,
            role        TEXT NOT NULL DEFAULT 'participant'
                        CHECK (role IN ('participant', 'facilitator', 'organizer')),
            onboarded   INTEGER NOT NULL DEFAULT 0,
            active      INTEGER NOT NULL DEFAULT 1,
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        )
        """,
        "CREATE INDEX participants_country ON participants (country, grp)",
    ],
    # 2: audit log of privileged actions
    [
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
    ],
    # 3: reminders: opt-outs, one row per delivery (the dedupe key), linked group chats,
    #    and the session starts last announced (to detect moved sessions)
    [
        """
        CREATE TABLE reminder_optouts (
            user_id         INTEGER NOT NULL,
            offset_minutes  INTEGER NOT NULL,  -- -1: every reminder off
            PRIMARY KEY (user_id, offset_minutes)
        )
        """,
        """
        CREATE TABLE deliveries (
            kind            TEXT NOT NULL,     -- 'reminder' | 'moved'
            session_number  INTEGER NOT NULL,
            session_start   TEXT NOT NULL,     -- a moved session gets fresh keys
            offset_minutes  INTEGER NOT NULL,
            chat_id         INTEGER NOT NULL,
            status          TEXT NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'sending', 'sent', 'blocked',
                                              'failed', 'unknown', 'skipped')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            message_id      INTEGER,
            error           TEXT,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            PRIMARY KEY (kind, session_number, session_start, offset_minutes, chat_id)
        )
        """,
        "CREATE INDEX deliveries_status ON deliveries (status)",
        """
        CREATE TABLE group_chats (
            chat_id    INTEGER PRIMARY KEY,
            title      TEXT,
            country    TEXT NOT NULL,
            grp        TEXT NOT NULL CHECK (grp IN ('core', 'wider')),
            linked_by  INTEGER NOT NULL,
            linked_at  TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE session_starts (
            session_number  INTEGER PRIMARY KEY,
            start           TEXT NOT NULL
        )
        """,
    ],
    # 4: attendance (issue 4). One row per (person, session): the current status. Corrections
    # keep their own history; wrong check-in codes are kept to throttle guessing.
    [
        """
        CREATE TABLE attendance (
            user_id         INTEGER NOT NULL,
            session_number  INTEGER NOT NULL,
            status          TEXT NOT NULL CHECK (status IN ('present', 'late', 'absent')),
            checked_in_at   TEXT,
            checkin_status  TEXT CHECK (checkin_status IN ('present', 'late')),
            method          TEXT,
            updated_at      TEXT NOT NULL,
            UNIQUE (user_id, session_number)
        )
        """,
        "CREATE INDEX attendance_session ON attendance (session_number, status)",
        """
        CREATE TABLE attendance_corrections (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id         INTEGER NOT NULL,
            session_number  INTEGER NOT NULL,
            old_status      TEXT,
            new_status      TEXT NOT NULL CHECK (new_status IN ('present', 'absent')),
            reason          TEXT NOT NULL,
            corrected_by    INTEGER NOT NULL,
            corrected_at    TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE attendance_requests (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id         INTEGER NOT NULL,
            session_number  INTEGER NOT NULL,
            message         TEXT NOT NULL,
            requested_at    TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE checkin_codes (
            session_number  INTEGER PRIMARY KEY,
            code            TEXT NOT NULL,
            set_by          INTEGER NOT NULL,
            set_at          TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE checkin_code_failures (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id         INTEGER NOT NULL,
            session_number  INTEGER NOT NULL,
            at              TEXT NOT NULL
        )
        """,
        "CREATE INDEX checkin_code_failures_user ON checkin_code_failures (user_id, at)",
    ],
    # 5: group goals and action plans
    [
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
    ],
    # 6: roles, invitations and personal data
    [
        "ALTER TABLE participants ADD COLUMN organization TEXT",
        "ALTER TABLE participants ADD COLUMN sector TEXT",
        # Chosen in /profile; NULL means the Telegram name (which is refreshed on every update).
        "ALTER TABLE participants ADD COLUMN display_name TEXT",
        "ALTER TABLE participants ADD COLUMN joined_via TEXT"
        " CHECK (joined_via IN ('invite', 'open'))",
        """
        CREATE TABLE facilitator_countries (
            user_id  INTEGER NOT NULL,
            country  TEXT NOT NULL,
            PRIMARY KEY (user_id, country)
        )
        """,
        """
        CREATE TABLE invitations (
            code        TEXT PRIMARY KEY,
            grp         TEXT NOT NULL CHECK (grp IN ('core', 'wider')),
            country     TEXT,
            max_uses    INTEGER NOT NULL CHECK (max_uses > 0),
            uses        INTEGER NOT NULL DEFAULT 0,
            expires_at  TEXT NOT NULL,
            created_by  INTEGER NOT NULL,
            created_at  TEXT NOT NULL,
            revoked_at  TEXT
        )
        """,
        """
        CREATE TABLE invitation_uses (
            code     TEXT NOT NULL REFERENCES invitations (code),
            user_id  INTEGER NOT NULL,
            used_at  TEXT NOT NULL,
            PRIMARY KEY (code, user_id)
        )
        """,
    ],
    # 7: broadcasts, one row per recipient written before sending, and the reply relay
    [
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
    ],
    # 8: typed input the bot waits for (a form's answers so far), kept across restarts
    [
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
    ],
    # 9: membership: when a person joined their group (sessions before do not count against
    #    them); open registrations belong to the wider group from the moment they register
    [
        "ALTER TABLE participants ADD COLUMN joined_at TEXT",
        "UPDATE participants SET joined_at = created_at WHERE grp IS NOT NULL",
        "UPDATE participants SET grp = 'wider', joined_at = created_at "
        "WHERE grp IS NULL AND joined_via = 'open' AND role = 'participant'",
    ],
    # 10: closing review (issue 11): every core member rates each goal (their latest answer per
    #    goal), a goal's result is the mean; a country's review closes once (every member
    #    answered, or a facilitator closed it). goal_reviews stays; its answers are carried over
    #    as the answer of the person who gave them.
    [
        """
        CREATE TABLE goal_ratings (
            goal_id   INTEGER NOT NULL REFERENCES goals (id),
            user_id   INTEGER NOT NULL,
            rating    TEXT NOT NULL CHECK (rating IN ('achieved', 'partly', 'not_achieved')),
            rated_at  TEXT NOT NULL,
            PRIMARY KEY (goal_id, user_id)
        )
        """,
        "INSERT INTO goal_ratings (goal_id, user_id, rating, rated_at) "
        "SELECT goal_id, rated_by, rating, rated_at FROM goal_reviews",
        """
        CREATE TABLE goal_review_closed (
            country    TEXT PRIMARY KEY,
            closed_at  TEXT NOT NULL,
            closed_by  INTEGER  -- NULL: closed by the answer that completed the group
        )
        """,
    ],
    # 11: coaching (issue 19): each core group books its coaching hours. A coaching is polled
    #    in rounds of candidate times (each member's latest answer per time), then booked
    #    (bookings counts the times it got a time: iCalendar SEQUENCE). Check-ins to it are
    #    kept apart from session attendance. Its notices and reminders are `deliveries` rows.
    [
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
    ],
    # 12: around each session (issue 15): what calendars last heard about a session (start,
    #    join link, SEQUENCE), session materials (Telegram file_ids and links), and feedback
    #    (one 1-5 answer per person and session, with the answerer's country at the time)
    [
        """
        CREATE TABLE session_versions (
            session_number  INTEGER PRIMARY KEY,
            start           TEXT NOT NULL,
            link            TEXT,
            sequence        INTEGER NOT NULL DEFAULT 0,
            updated_at      TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE session_materials (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            session_number  INTEGER NOT NULL,
            kind            TEXT NOT NULL CHECK (kind IN ('document', 'photo', 'video', 'audio',
                                                          'voice', 'animation', 'link')),
            file_id         TEXT,
            file_name       TEXT,
            url             TEXT,
            caption         TEXT NOT NULL DEFAULT '',
            added_by        INTEGER NOT NULL,
            added_at        TEXT NOT NULL
        )
        """,
        "CREATE INDEX session_materials_session ON session_materials (session_number)",
        """
        CREATE TABLE session_feedback (
            session_number  INTEGER NOT NULL,
            user_id         INTEGER NOT NULL,
            country         TEXT,
            grp             TEXT,
            language        TEXT,
            rating          INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
            comment         TEXT,
            answered_at     TEXT NOT NULL,
            PRIMARY KEY (session_number, user_id)
        )
        """,
    ],
    # 13: certificates of completion (issue 16): the name each person confirmed, the "please
    #    confirm your name" messages (claimed once per person), and the certificates issued,
    #    each with what it prints (kept as issued) and its delivery (recorded before sending)
    [
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
    ],
    # 14: networking (issue 17): opt-in profiles, double opt-in introductions, people hidden
    #    for good, the pre-session nudge (claimed per person), breakout plans; questions to the
    #    organizers (/ask), and relay links that belong to a broadcast or to a question
    #    (broadcast_id becomes nullable: the table is rebuilt, its rows kept)
    [
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
    ],
    # 15: privacy (issue 13): a step's responsible picked from the group is a reference only
    #     (named from their profile when shown), so /forget removes the name with the person
    [
        "UPDATE goal_steps SET responsible = NULL WHERE responsible_id IS NOT NULL",
    ],
]
