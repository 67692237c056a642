"""Where personal data lives, so /mydata and /forget cover every table from one list.

A feature that stores something about a person adds one line per (table, column) to
PERSONAL_DATA; tests/test_personal_data.py fails when a table has a person column that is not
listed here (or in NOT_PERSONAL there).

- "delete": the rows go (profile, preferences, anything only meaningful with the person).
- "anonymize": the rows stay with the column set to `replacement` (e.g. attendance kept as
  anonymous counts with user_id NULL, goal authorship as "former participant" with NULL, the
  audit trail with actor 0).
- Free text about the person (a facilitator's reason for correcting their attendance, the
  detail of an audit entry about them) is matched through the row's person column (`match`)
  and anonymized before that column is.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.storage.base import ts
from bot.storage.db import Database

FORMER = 0  # the user id written where a forgotten person acted (audit actor, invitation maker)
# Attendance keeps anonymous counts: the person's rows get one random negative id, the same in
# every table of one /forget, which links them to nobody.
PSEUDONYM = "pseudonym"


@dataclass(frozen=True)
class PersonalData:
    table: str
    column: str
    forget: Literal["delete", "anonymize"]
    replacement: int | str | None = None
    # Free text: the rows whose `match` column is the person (that column is listed too).
    match: str | None = None


PERSONAL_DATA: list[PersonalData] = [
    PersonalData("participants", "user_id", "delete"),
    PersonalData("facilitator_countries", "user_id", "delete"),
    PersonalData("invitation_uses", "user_id", "delete"),  # invitations.uses keeps the count
    PersonalData("invitations", "created_by", "anonymize", FORMER),
    PersonalData("audit_log", "actor_id", "anonymize", FORMER),
    PersonalData("audit_log", "target", "anonymize", "forgotten"),
    PersonalData("audit_log", "detail", "anonymize", None, match="target"),  # typed reasons
    PersonalData("reminder_optouts", "user_id", "delete"),
    PersonalData("digest_settings", "user_id", "delete"),
    PersonalData("deliveries", "chat_id", "delete"),
    PersonalData("group_chats", "linked_by", "anonymize", FORMER),
    PersonalData("attendance", "user_id", "anonymize", PSEUDONYM),
    PersonalData("attendance_corrections", "user_id", "anonymize", PSEUDONYM),
    PersonalData("attendance_corrections", "corrected_by", "anonymize", FORMER),
    PersonalData("attendance_corrections", "reason", "anonymize", "forgotten", match="user_id"),
    PersonalData("attendance_requests", "user_id", "delete"),
    PersonalData("checkin_codes", "set_by", "anonymize", FORMER),
    PersonalData("checkin_code_failures", "user_id", "delete"),
    PersonalData("goals", "created_by", "anonymize", FORMER),
    PersonalData("goal_steps", "created_by", "anonymize", FORMER),
    # Shown as "former participant"; a name stored with the reference (before migration 15)
    # goes with it.
    PersonalData("goal_steps", "responsible", "anonymize", None, match="responsible_id"),
    PersonalData("goal_steps", "responsible_id", "anonymize", FORMER),
    PersonalData("goal_history", "actor_id", "anonymize", FORMER),
    PersonalData("goal_reviews", "rated_by", "anonymize", FORMER),
    PersonalData("goal_review_opened", "opened_by", "anonymize", FORMER),
    # The answer stays and still counts in its goal's mean. Not FORMER: (goal_id, user_id) is
    # the key, so two forgotten members' answers to one goal would collide on 0.
    PersonalData("goal_ratings", "user_id", "anonymize", PSEUDONYM),
    PersonalData("goal_review_closed", "closed_by", "anonymize", FORMER),
    PersonalData("goal_nudges", "user_id", "delete"),
    PersonalData("broadcasts", "author_id", "anonymize", FORMER),
    PersonalData("broadcasts", "status_chat_id", "anonymize", None),
    PersonalData("broadcast_versions", "chat_id", "anonymize", FORMER),
    PersonalData("broadcast_recipients", "user_id", "delete"),
    PersonalData("relay_links", "chat_id", "delete"),
    PersonalData("relay_links", "participant_id", "delete"),
    PersonalData("pending_input", "user_id", "delete"),
    PersonalData("pending_input", "chat_id", "delete"),
    PersonalData("coachings", "coach_id", "anonymize", FORMER),
    PersonalData("coachings", "booked_by", "anonymize", FORMER),
    PersonalData("coachings", "tally_chat_id", "anonymize", None),
    PersonalData("coaching_answers", "user_id", "delete"),
    PersonalData("coaching_attendance", "user_id", "anonymize", None),  # counts stay
    PersonalData("session_materials", "added_by", "anonymize", FORMER),
    PersonalData("program_changes", "made_by", "anonymize", FORMER),
    # The answer stays and still counts (anonymous); (session, user_id) is the key.
    PersonalData("session_feedback", "user_id", "anonymize", PSEUDONYM),
    PersonalData("certificate_names", "user_id", "delete"),
    PersonalData("certificate_prompts", "user_id", "delete"),
    # The certificate stays verifiable (by code) if the person agreed at /forget, otherwise
    # it is revoked and its name removed first (bot/storage/certificates.py forget_revoke).
    # A staff member's reason for revoking can name the holder (issue 13).
    PersonalData("certificates", "revoke_reason", "anonymize", "forgotten", match="user_id"),
    PersonalData("certificates", "user_id", "anonymize", None),
    PersonalData("certificates", "issued_by", "anonymize", FORMER),
    PersonalData("certificates", "revoked_by", "anonymize", FORMER),
    # Networking: the profile, requests both ways (with their notes), hidden people, nudges.
    PersonalData("network_profiles", "user_id", "delete"),
    PersonalData("network_requests", "from_user", "delete"),
    PersonalData("network_requests", "to_user", "delete"),
    PersonalData("network_hidden", "user_id", "delete"),
    PersonalData("network_hidden", "hidden_user", "delete"),
    PersonalData("network_nudges", "user_id", "delete"),
    PersonalData("breakout_plans", "created_by", "anonymize", FORMER),
    PersonalData("breakout_members", "user_id", "delete"),
    # Questions to the organizers (their relay links go with them: ON DELETE CASCADE).
    PersonalData("questions", "user_id", "delete"),
    PersonalData("questions", "answered_by", "anonymize", FORMER),
    # The roster row of someone who joined goes with them (name, e-mail, organization).
    PersonalData("roster", "user_id", "delete"),
    PersonalData("roster", "created_by", "anonymize", FORMER),
]


def _by_table() -> dict[str, list[str]]:
    """The columns that point at a person, per table (free text is found through them)."""
    tables: dict[str, list[str]] = {}
    for entry in PERSONAL_DATA:
        if entry.match is None:
            tables.setdefault(entry.table, []).append(entry.column)
    return tables


def _json_value(value: Any) -> Any:
    return value.hex() if isinstance(value, bytes) else value


# In a person's export, a person column that holds someone else (the other side of an
# introduction request, the staff member who corrected their attendance, a person they acted
# on) says only this: their export holds their own data, never another person's Telegram id.
ANOTHER_PERSON = "another person"
NOT_SHOWN = "not shown"  # a text column (the audit target) about someone or something else


def _own_only(row: dict[str, Any], columns: list[str], user_id: int) -> dict[str, Any]:
    out = {k: _json_value(v) for k, v in row.items()}
    for column in columns:
        value = out.get(column)
        if value is None or str(value) == str(user_id):
            continue
        out[column] = NOT_SHOWN if isinstance(value, str) else ANOTHER_PERSON
    return out


async def export_personal_data(db: Database, user_id: int, now: datetime) -> dict[str, Any]:
    """Every row that mentions the person, table by table; other people in those rows are
    not identified (ANOTHER_PERSON)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, columns in _by_table().items():
        where = " OR ".join(f"{column} = ?" for column in columns)
        rows = await db.fetch(f"SELECT * FROM {table} WHERE {where}", (user_id,) * len(columns))
        tables[table] = [_own_only(dict(row), columns, user_id) for row in rows]
    return {"user_id": user_id, "exported_at": ts(now), "tables": tables}


async def forget(db: Database, user_id: int) -> None:
    """Delete or anonymize every row about the person, all or nothing."""
    pseudonym = -secrets.randbelow(2**53) - 1
    # Free text first: it is found through the person columns anonymized below.
    ordered = sorted(PERSONAL_DATA, key=lambda e: e.match is None)
    async with db.transaction():
        for entry in ordered:
            if entry.forget == "delete":
                await db.write(
                    f"DELETE FROM {entry.table} WHERE {entry.column} = ?", (user_id,)
                )
            else:
                # Free text is replaced where there is some (an empty reason stays empty).
                where = (f"{entry.match} = ? AND {entry.column} IS NOT NULL" if entry.match
                         else f"{entry.column} = ?")
                await db.write(
                    f"UPDATE {entry.table} SET {entry.column} = ? WHERE {where}",
                    (pseudonym if entry.replacement == PSEUDONYM else entry.replacement, user_id),
                )
