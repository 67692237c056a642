"""SQL for group goals: goals, action steps, history (with progress notes), review, nudges.

Every change to a goal writes a goal_history row in the same transaction, so the history is
complete by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, date, datetime
from typing import Any

import aiosqlite

from bot.goals import Goal, HistoryEntry, Rating, Review, Status, Step
from bot.models import Participant

Transaction = Callable[[], AbstractAsyncContextManager[aiosqlite.Connection]]

_GOAL_FIELDS = ("title", "description", "target_date")
_NAME = "TRIM(COALESCE(p.first_name, '') || ' ' || COALESCE(p.last_name, ''))"


def _ts(when: datetime) -> str:
    return when.astimezone(UTC).isoformat()


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text).astimezone(UTC) if text else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _goal(row: aiosqlite.Row) -> Goal:
    created, updated = _dt(row["created_at"]), _dt(row["updated_at"])
    assert created is not None and updated is not None
    return Goal(
        id=row["id"], country=row["country"], title=row["title"],
        description=row["description"], target_date=_day(row["target_date"]),
        status=row["status"], created_by=row["created_by"], created_at=created,
        updated_at=updated,
    )


def _step(row: aiosqlite.Row) -> Step:
    created = _dt(row["created_at"])
    assert created is not None
    return Step(
        id=row["id"], goal_id=row["goal_id"], text=row["text"],
        responsible=row["responsible"], responsible_id=row["responsible_id"],
        due_date=_day(row["due_date"]), done=bool(row["done"]), done_at=_dt(row["done_at"]),
        created_at=created,
    )


class GoalStore:
    def __init__(self, db: aiosqlite.Connection, transaction: Transaction,
                 participant: Callable[[aiosqlite.Row], Participant]) -> None:
        self._db = db
        self._tx = transaction
        self._participant = participant

    async def _rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[aiosqlite.Row]:
        async with self._db.execute(sql, params) as cur:
            return list(await cur.fetchall())

    @staticmethod
    async def _log(db: aiosqlite.Connection, goal_id: int, actor: int, action: str,
                   now: datetime, detail: str | None = None) -> None:
        await db.execute(
            "INSERT INTO goal_history (goal_id, at, actor_id, action, detail) "
            "VALUES (?, ?, ?, ?, ?)",
            (goal_id, _ts(now), actor, action, detail),
        )

    # goals

    async def add_goal(self, country: str, title: str, description: str | None,
                       target_date: date | None, actor: int, now: datetime) -> int:
        async with self._tx() as db:
            cur = await db.execute(
                "INSERT INTO goals (country, title, description, target_date, created_by, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (country, title, description, _iso(target_date), actor, _ts(now), _ts(now)),
            )
            goal_id = int(cur.lastrowid or 0)
            await self._log(db, goal_id, actor, "created", now, title)
        return goal_id

    async def get_goal(self, goal_id: int) -> Goal | None:
        rows = await self._rows("SELECT * FROM goals WHERE id = ?", (goal_id,))
        return _goal(rows[0]) if rows else None

    async def goals(self, country: str | None = None) -> list[Goal]:
        if country is None:
            rows = await self._rows("SELECT * FROM goals ORDER BY country, id")
        else:
            rows = await self._rows("SELECT * FROM goals WHERE country = ? ORDER BY id",
                                    (country,))
        return [_goal(r) for r in rows]

    async def edit_goal(self, goal_id: int, actor: int, now: datetime,
                        **fields: Any) -> list[str]:
        """Change title/description/target_date; returns the names of fields that changed."""
        unknown = set(fields) - set(_GOAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown goal fields: {sorted(unknown)}")
        async with self._tx() as db:
            async with db.execute("SELECT * FROM goals WHERE id = ?", (goal_id,)) as cur:
                row = await cur.fetchone()
            if row is None:
                return []
            changed = [name for name in _GOAL_FIELDS
                       if name in fields and _iso(fields[name]) != row[name]]
            if changed:
                sets = ", ".join(f"{name} = ?" for name in changed)
                await db.execute(
                    f"UPDATE goals SET {sets}, updated_at = ? WHERE id = ?",
                    (*(_iso(fields[n]) for n in changed), _ts(now), goal_id),
                )
                await self._log(db, goal_id, actor, "edited", now, ",".join(changed))
        return changed

    async def set_status(self, goal_id: int, status: Status, actor: int,
                         now: datetime) -> bool:
        async with self._tx() as db:
            async with db.execute("SELECT status FROM goals WHERE id = ?", (goal_id,)) as cur:
                row = await cur.fetchone()
            if row is None or row["status"] == status:
                return False
            await db.execute("UPDATE goals SET status = ?, updated_at = ? WHERE id = ?",
                             (status, _ts(now), goal_id))
            await self._log(db, goal_id, actor, "status", now, f"{row['status']}>{status}")
        return True

    # steps

    async def add_step(self, goal_id: int, text: str, responsible: str | None,
                       responsible_id: int | None, due_date: date | None, actor: int,
                       now: datetime) -> int:
        async with self._tx() as db:
            cur = await db.execute(
                "INSERT INTO goal_steps (goal_id, text, responsible, responsible_id, due_date, "
                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (goal_id, text, responsible, responsible_id, _iso(due_date), actor, _ts(now)),
            )
            await db.execute("UPDATE goals SET updated_at = ? WHERE id = ?", (_ts(now), goal_id))
            await self._log(db, goal_id, actor, "step_added", now, text)
        return int(cur.lastrowid or 0)

    async def steps(self, goal_ids: list[int] | None = None) -> dict[int, list[Step]]:
        """Steps by goal id, in the order they were added (None: every goal)."""
        if goal_ids is None:
            rows = await self._rows("SELECT * FROM goal_steps ORDER BY goal_id, id")
        elif not goal_ids:
            return {}
        else:
            marks = ",".join("?" * len(goal_ids))
            rows = await self._rows(
                f"SELECT * FROM goal_steps WHERE goal_id IN ({marks}) ORDER BY goal_id, id",
                tuple(goal_ids),
            )
        out: dict[int, list[Step]] = {}
        for row in rows:
            out.setdefault(row["goal_id"], []).append(_step(row))
        return out

    async def toggle_step(self, goal_id: int, step_id: int, actor: int,
                          now: datetime) -> Step | None:
        """Flip done/not done; None when the step is not one of this goal's."""
        async with self._tx() as db:
            async with db.execute(
                "SELECT * FROM goal_steps WHERE id = ? AND goal_id = ?", (step_id, goal_id)
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                return None
            done = not row["done"]
            await db.execute(
                "UPDATE goal_steps SET done = ?, done_at = ? WHERE id = ?",
                (int(done), _ts(now) if done else None, step_id),
            )
            await db.execute("UPDATE goals SET updated_at = ? WHERE id = ?", (_ts(now), goal_id))
            await self._log(db, goal_id, actor, "step_done" if done else "step_undone", now,
                            row["text"])
            async with db.execute("SELECT * FROM goal_steps WHERE id = ?", (step_id,)) as cur:
                fresh = await cur.fetchone()
        assert fresh is not None
        return _step(fresh)

    # notes and history

    async def add_note(self, goal_id: int, text: str, actor: int, now: datetime) -> None:
        async with self._tx() as db:
            await db.execute("UPDATE goals SET updated_at = ? WHERE id = ?", (_ts(now), goal_id))
            await self._log(db, goal_id, actor, "note", now, text)

    async def history(self, goal_id: int | None = None, *, action: str | None = None,
                      newest_first: bool = False, limit: int = -1) -> list[HistoryEntry]:
        where: list[str] = []
        params: list[Any] = []
        if goal_id is not None:
            where.append("h.goal_id = ?")
            params.append(goal_id)
        if action is not None:
            where.append("h.action = ?")
            params.append(action)
        rows = await self._rows(
            f"SELECT h.*, {_NAME} AS actor_name FROM goal_history h "
            "LEFT JOIN participants p ON p.user_id = h.actor_id "
            + ("WHERE " + " AND ".join(where) + " " if where else "")
            + f"ORDER BY h.id {'DESC' if newest_first else 'ASC'} LIMIT ?",
            (*params, limit),
        )
        return [
            HistoryEntry(id=r["id"], goal_id=r["goal_id"], at=_dt(r["at"]) or datetime.now(UTC),
                         actor_id=r["actor_id"], actor_name=r["actor_name"] or "",
                         action=r["action"], detail=r["detail"])
            for r in rows
        ]

    # closing review

    async def rate(self, goal_id: int, rating: Rating, actor: int, now: datetime) -> None:
        """One answer per goal; the latest wins (the history keeps every answer)."""
        async with self._tx() as db:
            await db.execute(
                "INSERT INTO goal_reviews (goal_id, rating, rated_by, rated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (goal_id) DO UPDATE SET "
                "rating = excluded.rating, rated_by = excluded.rated_by, "
                "rated_at = excluded.rated_at",
                (goal_id, rating, actor, _ts(now)),
            )
            await self._log(db, goal_id, actor, "review", now, rating)

    async def reviews(self) -> dict[int, Review]:
        rows = await self._rows(
            f"SELECT r.*, {_NAME} AS name FROM goal_reviews r "
            "LEFT JOIN participants p ON p.user_id = r.rated_by"
        )
        return {
            r["goal_id"]: Review(goal_id=r["goal_id"], rating=r["rating"],
                                 rated_by=r["rated_by"], rated_by_name=r["name"] or "",
                                 rated_at=_dt(r["rated_at"]) or datetime.now(UTC))
            for r in rows
        }

    async def review_opened_at(self) -> datetime | None:
        rows = await self._rows("SELECT opened_at FROM goal_review_opened WHERE id = 1")
        return _dt(rows[0]["opened_at"]) if rows else None

    async def open_review(self, actor: int, now: datetime) -> bool:
        """False when it was already opened by hand."""
        async with self._tx() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO goal_review_opened (id, opened_at, opened_by) "
                "VALUES (1, ?, ?)",
                (_ts(now), actor),
            )
        return cur.rowcount > 0

    # people

    async def core_members(self, country: str | None = None) -> list[Participant]:
        """Active core members, of one country or of all."""
        sql = "SELECT * FROM participants WHERE grp = 'core' AND active = 1 AND country IS NOT NULL"
        params: tuple[Any, ...] = ()
        if country is not None:
            sql += " AND country = ?"
            params = (country,)
        rows = await self._rows(sql + " ORDER BY first_name, user_id", params)
        return [self._participant(r) for r in rows]

    async def facilitators(self) -> list[Participant]:
        rows = await self._rows(
            "SELECT * FROM participants WHERE role IN ('facilitator', 'organizer') AND active = 1"
        )
        return [self._participant(r) for r in rows]

    async def names(self, user_ids: list[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        rows = await self._rows(
            f"SELECT user_id, {_NAME} AS name FROM participants p WHERE user_id IN ({marks})",
            tuple(user_ids),
        )
        return {r["user_id"]: r["name"] for r in rows}

    # nudges: one row per (kind, session, person), claimed before sending

    async def claim_nudge(self, kind: str, session: int, user_id: int, now: datetime) -> bool:
        # Inside the lock: a statement must not land in another coroutine's transaction.
        async with self._tx() as db:
            cur = await db.execute(
                "INSERT OR IGNORE INTO goal_nudges (kind, session, user_id, at) "
                "VALUES (?, ?, ?, ?)",
                (kind, session, user_id, _ts(now)),
            )
        return cur.rowcount > 0

    async def nudge_outcome(self, kind: str, session: int, user_id: int, outcome: str) -> None:
        async with self._tx() as db:
            await db.execute(
                "UPDATE goal_nudges SET outcome = ? "
                "WHERE kind = ? AND session = ? AND user_id = ?",
                (outcome, kind, session, user_id),
            )

    async def nudged(self, kind: str, session: int) -> dict[int, str | None]:
        rows = await self._rows(
            "SELECT user_id, outcome FROM goal_nudges WHERE kind = ? AND session = ?",
            (kind, session),
        )
        return {r["user_id"]: r["outcome"] for r in rows}

