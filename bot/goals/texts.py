"""Goal texts for one person's language and zone (no Telegram here).

Everything returned is Telegram HTML; goal texts are shown as written, escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time
from html import escape

from babel.lists import format_list

from bot import lengths
from bot.goals.rules import (
    Answers,
    ReviewBoard,
    ReviewResult,
    Turnout,
    bar,
    goal_score,
    group_progress,
    rateable,
    review_result,
    share,
    status_counts,
    step_progress,
)
from bot.lengths import visible
from bot.schedule import Schedule
from bot.storage.goals import (
    STATUSES,
    Closure,
    Goal,
    HistoryEntry,
    Rating,
    Review,
    Status,
    Step,
)
from bot.viewer import Viewer, country_name, flag

LIMIT = 4000  # Telegram allows 4096 characters; keep a margin for the "…" line
STATUS_ICONS: dict[str, str] = {"not_started": "⚪", "in_progress": "🔵", "done": "✅",
                                "dropped": "✖️"}
RATING_ICONS: dict[str, str] = {"achieved": "✅", "partly": "🌓", "not_achieved": "❌"}


def status_label(v: Viewer, status: Status | str) -> str:
    _ = v.tr.gettext
    labels = {"not_started": _("Not started"), "in_progress": _("In progress"),
              "done": _("Done"), "dropped": _("Dropped")}
    return labels.get(status, status)


def rating_label(v: Viewer, rating: Rating | str) -> str:
    _ = v.tr.gettext
    labels = {"achieved": _("Achieved"), "partly": _("Partly achieved"),
              "not_achieved": _("Not achieved")}
    return labels.get(rating, rating)


def day(v: Viewer, d: date) -> str:
    """A calendar day in the person's language (noon in their zone keeps the same day)."""
    return v.date(datetime.combine(d, time(12), tzinfo=v.tz), "medium")


def moment(v: Viewer, when: datetime) -> str:
    return v.at(when, "medium")


def percent(v: Viewer, value: float) -> str:
    """62.5% / 62,5 % with the locale's own spacing; at most one decimal."""
    return v.percent(value)


def progress(v: Viewer, done: int, total: int) -> str:
    if not total:
        return v.tr.gettext("no action steps yet")
    steps = v.tr.ngettext("{done} of {total} step done", "{done} of {total} steps done", total)
    pct = percent(v, share(done, total))
    return f"{bar(done, total)} {pct} · " + steps.format(done=done, total=total)


FORMER = 0  # the id /forget leaves where a forgotten person acted


def person(v: Viewer, name: str, user_id: int) -> str:
    if name.strip():
        return escape(name)
    if user_id == FORMER:
        return v.tr.gettext("former participant")
    return v.tr.gettext("user {id}").format(id=user_id)


def shorten(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def fit(lines: list[str], limit: int = LIMIT) -> str:
    return lengths.fit(lines, limit)


def country_title(v: Viewer, schedule: Schedule, code: str) -> str:
    country = schedule.country(code)
    name = country_name(country, v.lang) if country else code
    return f"{flag(code)} {escape(name)}"


def goal_list_text(v: Viewer, schedule: Schedule, country: str, goals: list[Goal],
                   steps: dict[int, list[Step]], note: str | None) -> str:
    _ = v.tr.gettext
    lines = ["<b>" + _("Goals of the {country} core group").format(
        country=country_title(v, schedule, country)) + "</b>"]
    if not goals:
        lines += ["", _("No goals yet.")]
    else:
        done, total = group_progress(goals, steps)
        lines.append(_("Group progress: {progress}").format(progress=progress(v, done, total)))
        for i, goal in enumerate(goals, start=1):
            d, t = step_progress(steps.get(goal.id, []))
            lines += ["", f"{i}. {STATUS_ICONS[goal.status]} <b>{escape(goal.title)}</b>"]
            detail = [status_label(v, goal.status)]
            if goal.target_date:
                detail.append("🎯 " + day(v, goal.target_date))
            lines.append("   " + " · ".join(detail))
            lines.append("   " + progress(v, d, t))
    if note:
        lines += ["", f"<i>{note}</i>"]
    return fit(lines)


def goal_text(v: Viewer, schedule: Schedule, goal: Goal, steps: list[Step],
              notes: list[HistoryEntry]) -> str:
    lines = _goal_lines(v, schedule, goal, steps, notes, None)
    if visible("\n".join(lines)) > LIMIT:  # very long texts: shorten each, keep every step
        lines = _goal_lines(v, schedule, goal, steps, notes, 40)
    return fit(lines)


def _goal_lines(v: Viewer, schedule: Schedule, goal: Goal, steps: list[Step],
                notes: list[HistoryEntry], size: int | None) -> list[str]:
    _ = v.tr.gettext

    def cut(text: str, factor: float = 1) -> str:
        return escape(shorten(text, int(size * factor)) if size else text)

    d, t = step_progress(steps)
    lines = [
        f"{country_title(v, schedule, goal.country)}",
        f"<b>{escape(goal.title)}</b>",
        _("Status: {status}").format(
            status=f"{STATUS_ICONS[goal.status]} {status_label(v, goal.status)}"),
    ]
    if goal.target_date:
        lines.append(_("Target date: {date}").format(date=day(v, goal.target_date)))
    lines.append(_("Progress: {progress}").format(progress=progress(v, d, t)))
    if goal.description:
        lines += ["", cut(goal.description, 8)]
    lines += ["", "<b>" + _("Action steps") + "</b>"]
    if not steps:
        lines.append(_("No action steps yet."))
    for i, step in enumerate(steps, start=1):
        extra = []
        if step.responsible:
            extra.append("👤 " + cut(step.responsible, 0.5))
        elif step.responsible_id == FORMER:  # picked from the group, then /forget
            extra.append("👤 " + _("former participant"))
        if step.due_date:
            extra.append(_("due {date}").format(date=day(v, step.due_date)))
        mark = "✅" if step.done else "⬜"
        lines.append(f"{mark} {i}. {cut(step.text)}"
                     + (" — " + " · ".join(extra) if extra else ""))
    if notes:
        lines += ["", "<b>" + _("Latest progress notes") + "</b>"]
        for note in notes:
            who = person(v, note.actor_name, note.actor_id)
            lines.append(f"🗒 {v.date(note.at, 'medium')} · "
                         + v.labelled(who, cut(note.detail or "", 4)))
    return lines


def history_line(v: Viewer, entry: HistoryEntry) -> str:
    _ = v.tr.gettext
    who = person(v, entry.actor_name, entry.actor_id)
    text = escape(shorten(entry.detail or "", 200))
    if entry.action == "created":
        what = _("{who} created the goal").format(who=who)
    elif entry.action == "edited":
        names = {"title": _("title"), "description": _("description"),
                 "target_date": _("target date")}
        fields = [names.get(f, f) for f in (entry.detail or "").split(",") if f]
        what = _("{who} edited: {fields}").format(
            who=who, fields=format_list(fields, locale=v.locale) if fields else "—")
    elif entry.action == "status":
        old, _sep, new = (entry.detail or "").partition(">")
        what = _("{who} changed the status: {old} → {new}").format(
            who=who, old=status_label(v, old), new=status_label(v, new))
    elif entry.action == "step_added":
        what = _("{who} added a step: {text}").format(who=who, text=text)
    elif entry.action == "step_done":
        what = _("{who} ticked a step as done: {text}").format(who=who, text=text)
    elif entry.action == "step_undone":
        what = _("{who} marked a step as not done: {text}").format(who=who, text=text)
    elif entry.action == "note":
        what = _("{who} added a note: {text}").format(who=who, text=text)
    elif entry.action == "review":  # private: neither who nor the answer
        what = _("A core member answered the closing review")
    else:
        what = v.labelled(who, f"{escape(entry.action)} {text}")
    return f"• {moment(v, entry.at)} · {what}"


def history_text(v: Viewer, goal: Goal, entries: list[HistoryEntry]) -> str:
    """Newest first, as many as fit."""
    _ = v.tr.gettext
    lines = ["<b>" + _("History of: {title}").format(title=escape(goal.title)) + "</b>", ""]
    lines += [history_line(v, e) for e in entries]
    return fit(lines)


def summary_text(v: Viewer, schedule: Schedule, goals: list[Goal],
                 steps: dict[int, list[Step]]) -> str:
    """All countries: goals by status and % of action steps done."""
    _ = v.tr.gettext
    lines = ["<b>" + _("Goals of all core groups") + "</b>"]
    for country in schedule.countries:
        mine = [g for g in goals if g.country == country.code]
        lines += ["", f"<b>{country_title(v, schedule, country.code)}</b>"]
        if not mine:
            lines.append(_("No goals yet."))
            continue
        by_status = status_counts(mine)
        counts = " · ".join(f"{STATUS_ICONS[s]} {by_status[s]}" for s in STATUSES)
        n = len(mine)
        lines.append(v.tr.ngettext("{n} goal", "{n} goals", n).format(n=n) + ": " + counts)
        done, total = group_progress(mine, steps)
        lines.append(progress(v, done, total))
    lines += ["", " · ".join(f"{icon} {status_label(v, s)}" for s, icon in STATUS_ICONS.items())]
    return fit(lines)


def rating_counts(v: Viewer, result: ReviewResult) -> str:
    return " · ".join(f"{RATING_ICONS[r]} {n}" for r, n in (
        ("achieved", result.achieved), ("partly", result.partly),
        ("not_achieved", result.not_achieved)))


def result_line(v: Viewer, result: ReviewResult) -> str:
    """A group's (or all groups') result: the mean over rated goals, and the answers given."""
    _ = v.tr.gettext
    if result.score is None:
        return _("not rated yet")
    rated = v.tr.ngettext("{rated} of {goals} goal rated", "{rated} of {goals} goals rated",
                          result.goals).format(rated=result.rated, goals=result.goals)
    return _("{percent} achieved ({rated}; answers: {counts})").format(
        percent=percent(v, result.score), rated=rated, counts=rating_counts(v, result))


def goal_result_line(v: Viewer, answers: Sequence[Review]) -> str:
    """One goal: the mean of its members' answers."""
    _ = v.tr.gettext
    score = goal_score(answers)
    if score is None:
        return _("no answers yet")
    counts = " · ".join(f"{icon} {sum(1 for a in answers if a.rating == r)}"
                        for r, icon in RATING_ICONS.items())
    return _("{percent} achieved ({counts})").format(percent=percent(v, float(score)),
                                                     counts=counts)


def turnout_line(v: Viewer, t: Turnout) -> str:
    return v.tr.ngettext("Answers so far: {answered} of {members} member",
                         "Answers so far: {answered} of {members} members",
                         t.members).format(answered=t.answered, members=t.members)


def rating_legend(v: Viewer) -> str:
    return " · ".join(f"{icon} {rating_label(v, r)}" for r, icon in RATING_ICONS.items())


def results_text(v: Viewer, schedule: Schedule, board: ReviewBoard) -> str:
    """Each group's result once its review is closed (until then, how many answered), and
    overall over the closed reviews."""
    _ = v.tr.gettext
    lines = ["<b>" + _("Closing review: how much of their own goals each group achieved")
             + "</b>", rating_legend(v) + ". " + _("Partly achieved counts half."),
             _("A goal's result is the average of its core members' answers. A group's result "
               "shows once its review is closed."), "<i>" + privacy_note(v) + "</i>", ""]
    for code, result in board.per_country.items():
        if code in board.closed:
            shown = (result_line(v, result) if result.score is not None
                     else _("closed without answers"))
        else:
            t = board.turnouts.get(code, Turnout(0, 0))
            shown = v.tr.ngettext(
                "not closed yet ({answered} of {members} member answered)",
                "not closed yet ({answered} of {members} members answered)",
                t.members).format(answered=t.answered, members=t.members)
        lines.append(_("{country}: {result}").format(
            country=country_title(v, schedule, code), result=shown))
    lines += ["", "<b>" + _("Overall: {result}").format(result=result_line(v, board.overall))
              + "</b>"]
    return fit(lines)


def privacy_note(v: Viewer) -> str:
    """Who sees the closing review's answers, said wherever the review shows."""
    return v.tr.gettext("Answers are private: nobody but the member sees their own answers. "
                        "When a group's review closes, its figures are published; individual "
                        "answers are only in the organizers' export.")


def review_text(v: Viewer, schedule: Schedule, country: str, goals: list[Goal],
                answers: Answers, viewer_id: int, progress: Turnout,
                closure: Closure | None, *, member: bool, staff: bool) -> str:
    """A group's review. Members see their own answers; everyone else (staff too) how many
    members answered. The group's figures show once the review is closed."""
    _ = v.tr.gettext
    title = "<b>" + _("Closing review: {country}").format(
        country=country_title(v, schedule, country)) + "</b>"
    if closure is not None:
        intro = _("This review is closed: no more answers are taken.")
    elif member:
        intro = _("Every core member rates each goal; each goal's result is the average of "
                  "the members' answers. You can change your answers until the review "
                  "closes: when every member has answered every goal (the last answer is "
                  "confirmed first), or when a facilitator closes it.")
    elif staff:
        intro = _("The core members rate each goal. Until the review closes you see how many "
                  "have answered, not their answers. Close it when the group is done.")
    else:
        intro = _("The core members rate each goal. The group's figures are published when "
                  "its review closes.")
    lines = [title, intro, rating_legend(v), ""]
    figures = closure is not None
    rated = rateable(goals)
    if not rated:
        lines.append(_("No goals to rate."))
    for i, goal in enumerate(rated, start=1):
        lines.append(f"{i}. <b>{escape(goal.title)}</b>")
        given = list(answers.get(goal.id, ()))
        if member:
            mine = next((a for a in given if a.rated_by == viewer_id), None)
            lines.append("   " + (
                _("Your answer: {icon} {rating}").format(
                    icon=RATING_ICONS[mine.rating], rating=rating_label(v, mine.rating))
                if mine is not None
                else _("Your answer: none") if closure is not None
                else _("Your answer: none yet")))
        if figures:
            lines.append("   " + goal_result_line(v, given))
    lines.append("")
    if closure is None:
        lines.append(turnout_line(v, progress))
    if figures:
        lines.append(_("Result: {result}").format(result=result_line(v, review_result(goals,
                                                                                    answers))))
    lines += ["", "<i>" + privacy_note(v) + "</i>"]
    return fit(lines)


def last_answer_text(v: Viewer, schedule: Schedule, goal: Goal, rating: Rating) -> str:
    """To the member whose answer would complete the group: confirm first."""
    _ = v.tr.gettext
    return fit([
        "<b>" + _("Your answer completes the review") + "</b>",
        f"{escape(goal.title)}: {RATING_ICONS[rating]} {rating_label(v, rating)}",
        "",
        _("This closes the review of {country} and publishes the result: no more answers "
          "are taken after that, yours included.").format(
            country=country_title(v, schedule, goal.country)),
    ])


def close_confirm_text(v: Viewer, schedule: Schedule, country: str, progress: Turnout) -> str:
    _ = v.tr.gettext
    return fit([
        "<b>" + _("Close the review for {country}?").format(
            country=country_title(v, schedule, country)) + "</b>",
        turnout_line(v, progress),
        "",
        _("After closing, no more answers are taken, and the group's result goes to its core "
          "members and to the facilitators."),
    ])


def draft_text(v: Viewer, schedule: Schedule, country: str, draft: dict[str, object]) -> str:
    """Preview of a goal before it is saved."""
    _ = v.tr.gettext
    target = draft.get("target_date")
    lines = [
        "<b>" + _("Preview") + "</b> · " + country_title(v, schedule, country),
        _("Title: {title}").format(title=escape(str(draft.get("title") or ""))),
        _("Description: {text}").format(text=escape(str(draft.get("description") or "—"))),
        _("Target date: {date}").format(
            date=day(v, target) if isinstance(target, date) else "—"),
        "",
        _("Save this goal?"),
    ]
    return fit(lines)


def step_draft_text(v: Viewer, goal: Goal, draft: dict[str, object]) -> str:
    _ = v.tr.gettext
    due = draft.get("due_date")
    lines = [
        "<b>" + _("Preview") + "</b> · " + escape(shorten(goal.title, 80)),
        _("Step: {text}").format(text=escape(str(draft.get("text") or ""))),
        _("Responsible: {name}").format(name=escape(str(draft.get("responsible") or "—"))),
        _("Due date: {date}").format(date=day(v, due) if isinstance(due, date) else "—"),
        "",
        _("Save this step?"),
    ]
    return fit(lines)


def note_draft_text(v: Viewer, goal: Goal, text: str) -> str:
    _ = v.tr.gettext
    return fit([
        "<b>" + _("Preview") + "</b> · " + escape(shorten(goal.title, 80)),
        _("Progress note: {text}").format(text=escape(text)),
        "",
        _("Save this note?"),
    ])
