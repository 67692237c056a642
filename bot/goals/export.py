"""Goals export: goals, steps, review answers (one row per member and goal), review results
(each goal the mean of its answers; per country and overall, each rated goal weighing the same)
and history.

XLSX: one sheet per table. CSV: the same tables one after the other in one file, each
introduced by a row holding only its name and followed by an empty row.
Texts are exported as written; in CSV a cell starting with = + - @ gets a leading apostrophe
so spreadsheet programs do not run it as a formula (XLSX cells are typed as text instead).
"""

from __future__ import annotations

from pathlib import Path

from bot import spreadsheet
from bot.goals.rules import (
    SCORES,
    goal_score,
    rateable,
    review_results,
    share,
    step_progress,
    turnout,
)
from bot.schedule import Schedule
from bot.storage import Repository
from bot.storage.personal_data import FORMER

Cell = str | int | float | None
Table = tuple[str, list[str], list[list[Cell]]]


async def goal_tables(repo: Repository, schedule: Schedule) -> list[Table]:
    store = repo.goals
    goals = await store.goals()
    steps = await store.steps()
    answers = await store.ratings()
    closed = await store.closed_reviews()
    members: dict[str, set[int]] = {}
    for m in await store.core_members():
        assert m.country is not None
        members.setdefault(m.country, set()).add(m.user_id)
    history = await store.history()
    names = await store.names(sorted({g.created_by for g in goals}))
    by_id = {g.id: g for g in goals}

    goal_rows: list[list[Cell]] = []
    for g in goals:
        done, total = step_progress(steps.get(g.id, []))
        given = answers.get(g.id, []) if g.status != "dropped" else []
        score = goal_score(given)
        goal_rows.append([
            g.id, g.country, g.title, g.description or "",
            g.target_date.isoformat() if g.target_date else "", g.status, done, total,
            round(100 * share(done, total), 1),
            round(100 * float(score), 1) if score is not None else "", len(given),
            names.get(g.created_by, ""), g.created_by, g.created_at.isoformat(),
            g.updated_at.isoformat(),
        ])
    step_rows: list[list[Cell]] = []
    for g in goals:
        for n, s in enumerate(steps.get(g.id, []), start=1):
            step_rows.append([
                s.id, g.id, g.country, n, s.text,
                s.responsible or ("former participant" if s.responsible_id == FORMER else ""),
                s.responsible_id if s.responsible_id is not None else "",
                s.due_date.isoformat() if s.due_date else "", "yes" if s.done else "no",
                s.done_at.isoformat() if s.done_at else "",
            ])
    review_rows: list[list[Cell]] = [
        [g.id, g.country, g.title, r.rating, SCORES[r.rating], r.rated_by_name, r.rated_by,
         r.rated_at.isoformat()]
        for g in rateable(goals) for r in answers.get(g.id, [])
    ]
    codes = [c.code for c in schedule.countries]
    per_country, overall = review_results(codes, goals, answers)
    turnouts = {c: turnout([g for g in goals if g.country == c], answers, members.get(c, set()))
                for c in codes}
    result_rows: list[list[Cell]] = []
    for code, res in [*per_country.items(), ("ALL", overall)]:
        if code == "ALL":
            people = sum(t.members for t in turnouts.values())
            answered = sum(t.answered for t in turnouts.values())
            is_closed = all(c in closed for c in codes)
        else:
            people, answered = turnouts[code].members, turnouts[code].answered
            is_closed = code in closed
        result_rows.append([
            code, res.goals, res.rated, res.achieved, res.partly, res.not_achieved,
            round(100 * res.score, 1) if res.score is not None else "",
            people, answered, "yes" if is_closed else "no",
        ])
    history_rows: list[list[Cell]] = [
        [h.at.isoformat(), by_id[h.goal_id].country if h.goal_id in by_id else "", h.goal_id,
         h.actor_name, h.actor_id, h.action, h.detail or ""]
        for h in history
    ]
    return [
        ("goals", ["goal_id", "country", "title", "description", "target_date", "status",
                   "steps_done", "steps_total", "progress_percent", "review_percent",
                   "review_answers", "created_by", "created_by_id", "created_at", "updated_at"],
         goal_rows),
        ("steps", ["step_id", "goal_id", "country", "number", "text", "responsible",
                   "responsible_id", "due_date", "done", "done_at"], step_rows),
        ("reviews", ["goal_id", "country", "title", "rating", "score", "rated_by",
                     "rated_by_id", "rated_at"], review_rows),
        ("results", ["country", "goals", "rated", "achieved", "partly", "not_achieved",
                     "percent_achieved", "members", "members_answered", "closed"],
         result_rows),
        ("history", ["at", "country", "goal_id", "by", "by_id", "action", "detail"],
         history_rows),
    ]





async def write_goals(repo: Repository, schedule: Schedule, fmt: str, path: Path) -> None:
    spreadsheet.write(fmt, path, [spreadsheet.Table(*t) for t in await goal_tables(repo, schedule)])
