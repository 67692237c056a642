"""Migration 10: closing review (issue 11): every core member rates each goal (their latest
answer per goal), a goal's result is the mean; a country's review closes once (every member
answered, or a facilitator closed it). goal_reviews stays; its answers are carried over
as the answer of the person who gave them."""

STATEMENTS: list[str] = [
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
]
