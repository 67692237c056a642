"""Certificates SQL: confirmed names, "confirm your name" messages, issued certificates.

A certificate row is written (delivery 'pending') before its document is sent; it is claimed
(pending -> sending, committed) when the outbound limiter lets the sendDocument go, and gets
its outcome right after, as broadcasts do (bot/broadcasts/jobs.py). What it prints is kept
as issued, so the same certificate can be sent or verified again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.storage.base import Store, dt, dt_or_none, ts
from bot.storage.db import Row
from bot.storage.personal_data import FORMER


@dataclass(frozen=True)
class Certificate:
    code: str
    user_id: int | None  # None once the person used /forget
    name: str | None  # None once anonymized
    group: str
    country: str | None
    attended: int
    total: int
    minutes: int
    languages: tuple[str, ...]  # the person's language, then "en" when added
    document: dict[str, Any]  # program names, first/last session dates, signatories, logo, link
    issued_at: datetime
    status: str  # 'valid' or 'revoked'
    revoked_at: datetime | None
    revoke_reason: str | None
    delivery: str  # pending, sending, sent, blocked, failed, unknown
    file_id: str | None
    issued_by: int | None = None  # the organizer who issued it (told how the sending went)

    @property
    def valid(self) -> bool:
        return self.status == "valid"


@dataclass(frozen=True)
class NewCertificate:
    code: str
    user_id: int
    name: str
    group: str
    country: str | None
    attended: int
    total: int
    minutes: int
    languages: tuple[str, ...]
    document: dict[str, Any]


def _certificate(row: Row) -> Certificate:
    return Certificate(
        code=row["code"], user_id=row["user_id"], name=row["name"], group=row["grp"],
        country=row["country"], attended=row["attended"], total=row["total"],
        minutes=row["minutes"], languages=tuple(row["languages"].split()),
        document=json.loads(row["document"]), issued_at=dt(row["issued_at"]),
        status=row["status"], revoked_at=dt_or_none(row["revoked_at"]),
        revoke_reason=row["revoke_reason"], delivery=row["delivery"], file_id=row["file_id"],
        issued_by=row["issued_by"],
    )


class CertificateStore(Store):
    # names confirmed for printing

    async def confirm_name(self, user_id: int, name: str, now: datetime) -> None:
        await self.db.write(
            """
            INSERT INTO certificate_names (user_id, name, confirmed_at) VALUES (?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET
                name = excluded.name, confirmed_at = excluded.confirmed_at
            """,
            (user_id, name, ts(now)),
        )

    async def confirmed_names(self) -> dict[int, str]:
        rows = await self.db.fetch("SELECT user_id, name FROM certificate_names")
        return {r["user_id"]: r["name"] for r in rows}

    async def confirmed_name(self, user_id: int) -> str | None:
        value = await self.db.fetchval(
            "SELECT name FROM certificate_names WHERE user_id = ?", (user_id,))
        return str(value) if value is not None else None

    # "please confirm your name", once per person

    async def prompted(self) -> set[int]:
        rows = await self.db.fetch("SELECT user_id FROM certificate_prompts")
        return {r["user_id"] for r in rows}

    async def claim_prompt(self, user_id: int, now: datetime) -> bool:
        return await self.db.write(
            "INSERT INTO certificate_prompts (user_id, status, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO NOTHING",
            (user_id, "sending", ts(now)),
        ) == 1

    async def prompt_outcome(self, user_id: int, status: str, now: datetime) -> None:
        await self.db.write(
            "UPDATE certificate_prompts SET status = ?, updated_at = ? WHERE user_id = ?",
            (status, ts(now), user_id),
        )

    # certificates

    async def create(self, items: list[NewCertificate], by: int, now: datetime) -> int:
        """Record certificates (delivery pending), all or nothing; a person who already has
        one keeps it. Returns how many were new."""
        created = 0
        async with self.db.transaction() as db:
            for c in items:
                created += await db.write(
                    """
                    INSERT INTO certificates (code, user_id, name, grp, country, attended,
                        total, minutes, languages, document, issued_at, issued_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (user_id) DO NOTHING
                    """,
                    (c.code, c.user_id, c.name, c.group, c.country, c.attended, c.total,
                     c.minutes, " ".join(c.languages),
                     json.dumps(c.document, ensure_ascii=False, sort_keys=True), ts(now), by),
                )
        return created

    async def get(self, code: str) -> Certificate | None:
        row = await self.db.fetchone("SELECT * FROM certificates WHERE code = ?", (code,))
        return _certificate(row) if row else None

    async def of_user(self, user_id: int) -> Certificate | None:
        row = await self.db.fetchone("SELECT * FROM certificates WHERE user_id = ?", (user_id,))
        return _certificate(row) if row else None

    async def all(self) -> list[Certificate]:
        rows = await self.db.fetch("SELECT * FROM certificates ORDER BY issued_at, code")
        return [_certificate(r) for r in rows]

    async def pending(self) -> list[Certificate]:
        rows = await self.db.fetch(
            "SELECT * FROM certificates WHERE delivery = 'pending' ORDER BY issued_at, code")
        return [_certificate(r) for r in rows]

    async def batch(self, issued_by: int | None, issued_at: datetime) -> dict[str, int]:
        """How one issuing (by one organizer, at one time) was delivered: status -> count."""
        rows = await self.db.fetch(
            "SELECT delivery, COUNT(*) FROM certificates WHERE issued_by IS NOT DISTINCT FROM ? "
            "AND issued_at = ? GROUP BY delivery", (issued_by, ts(issued_at)))
        return {row[0]: row[1] for row in rows}

    async def claim(self, code: str) -> bool:
        """pending -> sending, right before the document goes out; False if taken."""
        return await self.db.write(
            "UPDATE certificates SET delivery = 'sending' WHERE code = ? AND delivery = 'pending'",
            (code,),
        ) == 1

    async def delivered(self, code: str, status: str, now: datetime, *,
                        file_id: str | None = None, error: str | None = None) -> None:
        await self.db.write(
            """
            UPDATE certificates SET delivery = ?, delivered_at = ?, delivery_error = ?,
                file_id = COALESCE(?, file_id)
            WHERE code = ?
            """,
            (status, ts(now), error, file_id, code),
        )

    async def prompts_in_flight_to_unknown(self, now: datetime) -> int:
        """At start: "please confirm your name" messages cut off mid-send."""
        return await self.db.write(
            "UPDATE certificate_prompts SET status = 'unknown', updated_at = ? "
            "WHERE status = 'sending'", (ts(now),))

    async def in_flight_to_unknown(self, now: datetime) -> int:
        """At start: sends cut off by a crash may have arrived; never sent again."""
        return await self.db.write(
            "UPDATE certificates SET delivery = 'unknown', delivered_at = ?, "
            "delivery_error = 'interrupted' WHERE delivery = 'sending'",
            (ts(now),),
        )

    async def revoke(self, code: str, reason: str, by: int, now: datetime) -> bool:
        return await self.db.write(
            "UPDATE certificates SET status = 'revoked', revoked_at = ?, revoked_by = ?, "
            "revoke_reason = ? WHERE code = ? AND status = 'valid'",
            (ts(now), by, reason, code),
        ) == 1

    async def forget_revoke(self, user_id: int, now: datetime) -> None:
        """/forget without keeping the certificate: revoked, and the name and the sent file
        removed (the registry then detaches it from the person)."""
        await self.db.write(
            """
            UPDATE certificates SET
                status = 'revoked',
                revoked_at = COALESCE(revoked_at, ?),
                revoked_by = COALESCE(revoked_by, ?),
                revoke_reason = COALESCE(revoke_reason, 'forgotten'),
                name = NULL, file_id = NULL
            WHERE user_id = ?
            """,
            (ts(now), FORMER, user_id),
        )
