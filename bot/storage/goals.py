"""SQL for group goals: goals, action steps, history (with progress notes), the closing
review (one answer per member and goal; a closed marker per country), nudges.

Every change to a goal writes a goal_history row in the same transaction, so the history is
complete by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, get_args

from bot.models import Participant
from bot.storage.base import Store, day, dt, dt_or_none, iso, ts
from bot.storage.db import Database, Row
from bot.storage.participants import name_sql, participant

Status = Literal["not_started", "in_progress", "done", "dropped"]
Rating = Literal["achieved", "partly", "not_achieved"]
STATUSES: tuple[Status, ...] = get_args(Status)
RATINGS: tuple[Rating, ...] = get_args(Rating)


@dataclass(frozen=True)
class Goal:
    id: int
    country: str
    title: str
    description: str | None
    target_date: date | None
    status: Status
    created_by: int
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class Step:
    id: int
    goal_id: int
    text: str
    responsible: str | None
    responsible_id: int | None
    due_date: date | None
    done: bool
    done_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    goal_id: int
    at: datetime
    actor_id: int
    actor_name: str
    action: str  # created, edited, status, step_added, step_done, step_undone, note, review
    detail: str | None


@dataclass(frozen=True)
class Review:
    """One member's answer for one goal (their latest)."""

    goal_id: int
    rating: Rating
    rated_by: int
    rated_by_name: str
    rated_at: datetime


@dataclass(frozen=True)
class Closure:
    """A country's closed review: no more answers are taken."""

    country: str
    closed_at: datetime
    closed_by: int | None  # None: closed by the answer that completed the group


_GOAL_FIELDS = ("title", "description", "target_date")
_NAME = name_sql("p")


def _goal(row: Row) -> Goal:
    created, updated = dt(row["created_at"]), dt(row["updated_at"])
    return Goal(
        id=row["id"], country=row["country"], title=row["title"],
        description=row["description"], target_date=day(row["target_date"]),
        status=row["status"], created_by=row["created_by"], created_at=created,
        updated_at=updated,
    )


# A responsible person picked from the group is stored as a reference (responsible_id) and
# named from their profile when read, so /forget takes the name away everywhere; only a name
# typed by hand (someone outside the bot) is kept as text.
_STEPS = (
    f"SELECT s.*, COALESCE(s.responsible, NULLIF({name_sql('p')}, '')) "
    "AS responsible_name FROM goal_steps s LEFT JOIN participants p "
    "ON p.user_id = s.responsible_id"
)


def _step(row: Row) -> Step:
    created = dt(row["created_at"])
    return Step(
        id=row["id"], goal_id=row["goal_id"], text=row["text"],
        responsible=row["responsible_name"], responsible_id=row["responsible_id"],
        due_date=day(row["due_date"]), done=bool(row["done"]), done_at=dt_or_none(row["done_at"]),
        created_at=created,
    )


class GoalStore(Store):
    @staticmethod
    async def _log(db: Database, goal_id: int, actor: int, action: str,
                   now: datetime, detail: str | None = None) -> None:
        await db.write(
            "INSERT INTO goal_history (goal_id, at, actor_id, action, detail) "
            "VALUES (?, ?, ?, ?, ?)",
            (goal_id, ts(now), actor, action, detail),
        )

    # goals

    async def add_goal(self, country: str, title: str, description: str | None,
                       target_date: date | None, actor: int, now: datetime) -> int:
        async with self.db.transaction() as db:
            goal_id = await db.insert(
                "INSERT INTO goals (country, title, description, target_date, created_by, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (country, title, description, iso(target_date), actor, ts(now), ts(now)),
            )
            await self._log(db, goal_id, actor, "created", now, title)
        return goal_id

    async def get_goal(self, goal_id: int) -> Goal | None:
        rows = await self.db.fetch("SELECT * FROM goals WHERE id = ?", (goal_id,))
        return _goal(rows[0]) if rows else None

    async def goals(self, country: str | None = None) -> list[Goal]:
        if country is None:
            rows = await self.db.fetch("SELECT * FROM goals ORDER BY country, id")
        else:
            rows = await self.db.fetch("SELECT * FROM goals WHERE country = ? ORDER BY id",
                                    (country,))
        return [_goal(r) for r in rows]

    async def edit_goal(self, goal_id: int, actor: int, now: datetime,
                        **fields: Any) -> list[str]:
        """Change title/description/target_date; returns the names of fields that changed."""
        unknown = set(fields) - set(_GOAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown goal fields: {sorted(unknown)}")
        async with self.db.transaction() as db:
            row = await db.fetchone("SELECT * FROM goals WHERE id = ?", (goal_id,))
            if row is None:
                return []
            changed = [name for name in _GOAL_FIELDS
                       if name in fields and iso(fields[name]) != row[name]]
            if changed:
                sets = ", ".join(f"{name} = ?" for name in changed)
                await db.write(
                    f"UPDATE goals SET {sets}, updated_at = ? WHERE id = ?",
                    (*(iso(fields[n]) for n in changed), ts(now), goal_id),
                )
                await self._log(db, goal_id, actor, "edited", now, ",".join(changed))
        return changed

    async def set_status(self, goal_id: int, status: Status, actor: int,
                         now: datetime) -> bool:
        async with self.db.transaction() as db:
            row = await db.fetchone("SELECT status FROM goals WHERE id = ?", (goal_id,))
            if row is None or row["status"] == status:
                return False
            await db.write("UPDATE goals SET status = ?, updated_at = ? WHERE id = ?",
                             (status, ts(now), goal_id))
            await self._log(db, goal_id, actor, "status", now, f"{row['status']}>{status}")
        return True

    # steps

    async def add_step(self, goal_id: int, text: str, responsible: str | None,
                       responsible_id: int | None, due_date: date | None, actor: int,
                       now: datetime) -> int:
        """responsible: a typed name; responsible_id: a member picked (then no name is kept:
        it is read from their profile)."""
        if responsible_id is not None:
            responsible = None
        async with self.db.transaction() as db:
            step_id = await db.insert(
                "INSERT INTO goal_steps (goal_id, text, responsible, responsible_id, due_date, "
                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (goal_id, text, responsible, responsible_id, iso(due_date), actor, ts(now)),
            )
            await db.write("UPDATE goals SET updated_at = ? WHERE id = ?", (ts(now), goal_id))
            await self._log(db, goal_id, actor, "step_added", now, text)
        return step_id

    async def steps(self, goal_ids: list[int] | None = None) -> dict[int, list[Step]]:
        """Steps by goal id, in the order they were added (None: every goal)."""
        if goal_ids is None:
            rows = await self.db.fetch(f"{_STEPS} ORDER BY s.goal_id, s.id")
        elif not goal_ids:
            return {}
        else:
            marks = ",".join("?" * len(goal_ids))
            rows = await self.db.fetch(
                f"{_STEPS} WHERE s.goal_id IN ({marks}) ORDER BY s.goal_id, s.id",
                tuple(goal_ids),
            )
        out: dict[int, list[Step]] = {}
        for row in rows:
            out.setdefault(row["goal_id"], []).append(_step(row))
        return out

    async def toggle_step(self, goal_id: int, step_id: int, actor: int,
                          now: datetime) -> Step | None:
        """Flip done/not done; None when the step is not one of this goal's."""
        async with self.db.transaction() as db:
            row = await db.fetchone(
                "SELECT * FROM goal_steps WHERE id = ? AND goal_id = ?", (step_id, goal_id)
            )
            if row is None:
                return None
            done = not row["done"]
            await db.write(
                "UPDATE goal_steps SET done = ?, done_at = ? WHERE id = ?",
                (int(done), ts(now) if done else None, step_id),
            )
            await db.write("UPDATE goals SET updated_at = ? WHERE id = ?", (ts(now), goal_id))
            await self._log(db, goal_id, actor, "step_done" if done else "step_undone", now,
                            row["text"])
            fresh = await db.fetchone(f"{_STEPS} WHERE s.id = ?", (step_id,))
        assert fresh is not None
        return _step(fresh)

    # notes and history

    async def add_note(self, goal_id: int, text: str, actor: int, now: datetime) -> None:
        async with self.db.transaction() as db:
            await db.write("UPDATE goals SET updated_at = ? WHERE id = ?", (ts(now), goal_id))
            await self._log(db, goal_id, actor, "note", now, text)

    async def history(self, goal_id: int | None = None, *, action: str | None = None,
                      newest_first: bool = False, limit: int | None = None
                      ) -> list[HistoryEntry]:
        where: list[str] = []
        params: list[Any] = []
        if goal_id is not None:
            where.append("h.goal_id = ?")
            params.append(goal_id)
        if action is not None:
            where.append("h.action = ?")
            params.append(action)
        rows = await self.db.fetch(
            f"SELECT h.*, {_NAME} AS actor_name FROM goal_history h "
            "LEFT JOIN participants p ON p.user_id = h.actor_id "
            + ("WHERE " + " AND ".join(where) + " " if where else "")
            + f"ORDER BY h.id {'DESC' if newest_first else 'ASC'}"
            + (" LIMIT ?" if limit is not None else ""),
            (*params, *([limit] if limit is not None else [])),
        )
        return [
            HistoryEntry(id=r["id"], goal_id=r["goal_id"], at=dt(r["at"]),

                         actor_id=r["actor_id"], actor_name=r["actor_name"] or "",
                         action=r["action"], detail=r["detail"])
            for r in rows
        ]

    # closing review

    async def rate(self, goal_id: int, rating: Rating, actor: int, now: datetime) -> bool:
        """The person's answer for the goal: one per person and goal, their latest wins (the
        history keeps every answer). False, and nothing written, once the review of the goal's
        country is closed (checked in the same transaction)."""
        async with self.db.transaction() as db:
            closed = await db.fetchone(
                "SELECT 1 FROM goals g JOIN goal_review_closed c ON c.country = g.country "
                "WHERE g.id = ?", (goal_id,),
            )
            if closed is not None:
                return False
            await db.write(
                "INSERT INTO goal_ratings (goal_id, user_id, rating, rated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (goal_id, user_id) DO UPDATE SET "
                "rating = excluded.rating, rated_at = excluded.rated_at",
                (goal_id, actor, rating, ts(now)),
            )
            await self._log(db, goal_id, actor, "review", now, rating)
        return True

    async def ratings(self, country: str | None = None) -> dict[int, list[Review]]:
        """Every answer, by goal id (of one country, or of all), oldest answer first."""
        sql = (f"SELECT r.*, {_NAME} AS name FROM goal_ratings r "
               "JOIN goals g ON g.id = r.goal_id "
               "LEFT JOIN participants p ON p.user_id = r.user_id")
        params: tuple[Any, ...] = ()
        if country is not None:
            sql += " WHERE g.country = ?"
            params = (country,)
        rows = await self.db.fetch(sql + " ORDER BY r.goal_id, r.rated_at, r.user_id", params)
        out: dict[int, list[Review]] = {}
        for r in rows:
            out.setdefault(r["goal_id"], []).append(
                Review(goal_id=r["goal_id"], rating=r["rating"], rated_by=r["user_id"],
                       rated_by_name=r["name"] or "", rated_at=dt(r["rated_at"])))
        return out

    async def close_review(self, country: str, actor: int | None, now: datetime) -> bool:
        """Close a country's review (actor None: every member had answered). False when it
        was closed already: it closes once."""
        return await self.db.write(
            "INSERT INTO goal_review_closed (country, closed_at, closed_by) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (country, ts(now), actor),
        ) > 0

    async def closed_reviews(self) -> dict[str, Closure]:
        rows = await self.db.fetch("SELECT * FROM goal_review_closed ORDER BY closed_at")
        return {r["country"]: Closure(country=r["country"], closed_at=dt(r["closed_at"]),
                                      closed_by=r["closed_by"])
                for r in rows}

    async def review_opened_at(self) -> datetime | None:
        rows = await self.db.fetch("SELECT opened_at FROM goal_review_opened WHERE id = 1")
        return dt_or_none(rows[0]["opened_at"]) if rows else None

    async def open_review(self, actor: int, now: datetime) -> bool:
        """False when it was already opened by hand."""
        return await self.db.write(
            "INSERT INTO goal_review_opened (id, opened_at, opened_by) VALUES (1, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (ts(now), actor),
        ) > 0

    # people

    async def core_members(self, country: str | None = None) -> list[Participant]:
        """Active core members, of one country or of all."""
        sql = "SELECT * FROM participants WHERE grp = 'core' AND active = 1 AND country IS NOT NULL"
        params: tuple[Any, ...] = ()
        if country is not None:
            sql += " AND country = ?"
            params = (country,)
        rows = await self.db.fetch(sql + " ORDER BY first_name, user_id", params)
        return [participant(r) for r in rows]

    async def names(self, user_ids: list[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        marks = ",".join("?" * len(user_ids))
        rows = await self.db.fetch(
            f"SELECT user_id, {_NAME} AS name FROM participants p WHERE user_id IN ({marks})",
            tuple(user_ids),
        )
        return {r["user_id"]: r["name"] for r in rows}

    # nudges: one row per (kind, session, person), claimed before sending

    async def claim_nudge(self, kind: str, session: int, user_id: int, now: datetime) -> bool:
        return await self.db.write(
            "INSERT INTO goal_nudges (kind, session, user_id, at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (kind, session, user_id, ts(now)),
        ) > 0

    async def nudge_outcome(self, kind: str, session: int, user_id: int, outcome: str) -> None:
        await self.db.write(
            "UPDATE goal_nudges SET outcome = ? WHERE kind = ? AND session = ? AND user_id = ?",
            (outcome, kind, session, user_id),
        )

    async def nudges_in_flight_to_unknown(self, now: datetime) -> int:
        """At start: nudges claimed (a row, no outcome) by a process that stopped mid-send."""
        return await self.db.write(
            "UPDATE goal_nudges SET outcome = 'unknown' WHERE outcome IS NULL")

    async def nudged(self, kind: str, session: int) -> dict[int, str | None]:
        rows = await self.db.fetch(
            "SELECT user_id, outcome FROM goal_nudges WHERE kind = ? AND session = ?",
            (kind, session),
        )
        return {r["user_id"]: r["outcome"] for r in rows}

