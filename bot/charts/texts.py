"""Chart texts for one viewer: the menu, the labels drawn on each chart (plain text), the
captions (Telegram HTML: the key numbers in words, for screen readers and slow connections)
and the tables of the partners' report. No Telegram here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape
from typing import Literal

from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent

from bot import lengths
from bot.attendance.rules import Tally
from bot.charts.rules import (
    GROUPS,
    AttendanceNumbers,
    Country,
    FeedbackNumbers,
    GoalNumbers,
    ProgramNumbers,
    SessionRatings,
    total,
)
from bot.goals.texts import status_label
from bot.models import Group
from bot.schedule import Schedule, Session
from bot.storage.goals import STATUSES
from bot.viewer import Viewer, country_name

CAPTION_LIMIT = lengths.CAPTION

Table = tuple[list[str], list[list[str]]]


def pct(v: Viewer, share: float | None) -> str:
    """72 % in the viewer's locale (whole percent); a dash when there is nothing to count."""
    return "—" if share is None else format_percent(share, locale=v.number_locale)


def short_date(v: Viewer, when: datetime) -> str:
    """'Mar 24', '24 mars': the locale's own order, in the viewer's zone."""
    return format_skeleton("MMMd", when.astimezone(v.tz), locale=v.locale)


def mean(v: Viewer, value: float) -> str:
    """A mean rating with one decimal, as /feedback writes it: 4.2, 4,2."""
    return format_decimal(value, format="0.0", locale=v.number_locale)


def numeric_date(v: Viewer, when: datetime) -> str:
    """'3/24', '24/03': a compact date for a chart's axis."""
    return format_skeleton("Md", when.astimezone(v.tz), locale=v.locale)


def place(v: Viewer, schedule: Schedule, code: Country) -> str:
    """A country's name from schedule.json, in the viewer's language (plain text)."""
    found = schedule.country(code) if code else None
    if found is None:
        return v.tr.gettext("Other / no country") if code is None else code
    return country_name(found, v.lang)


def group_name(v: Viewer, group: Group) -> str:
    _ = v.tr.gettext
    return _("Core group") if group == "core" else _("Wider group")


def fit(lines: list[str], limit: int = CAPTION_LIMIT) -> str:
    return lengths.fit(lines, limit)


# the menu ----------------------------------------------------------------------------------


def chart_titles(v: Viewer) -> dict[str, str]:
    """Each chart's name, for its button, its picture and the report."""
    _ = v.tr.gettext
    return {
        "attendance": _("Attendance by country"),
        "program": _("The program so far"),
        "goals": _("Goals of the core groups"),
        "feedback": _("Session feedback"),
    }


def menu_text(v: Viewer, schedule: Schedule, scope: frozenset[str] | None) -> str:
    _ = v.tr.gettext
    if scope is None:
        who = _("The whole program.")
    else:
        names = [country_name(c, v.lang) for c in schedule.countries if c.code in scope]
        who = _("Your countries: {countries}.").format(countries=escape(", ".join(names)))
    return "\n".join([
        "<b>" + _("Charts") + "</b>",
        who,
        _("Pick a chart: it comes as a picture, with its key numbers written under it."),
    ])


def drawing_failed(v: Viewer) -> str:
    return v.tr.gettext("Sorry, I could not draw this chart. Please try again in a moment.")



def nothing_to_draw(v: Viewer, key: str) -> str:
    _ = v.tr.gettext
    return {
        "goals": _("No core group has goals yet: there is nothing to draw."),
        "feedback": _("Nobody has rated a session yet: there is nothing to draw."),
    }.get(key) or _("There is no attendance to draw yet: no session has started, or nobody "
                    "was expected.")


# attendance --------------------------------------------------------------------------------


def tally_words(v: Viewer, t: Tally) -> str:
    """'5 of 7 checked in (71 %), 1 late'."""
    text = v.tr.ngettext("{checked} of {expected} checked in ({percent})",
                         "{checked} of {expected} checked in ({percent})",
                         t.expected).format(checked=t.checked_in, expected=t.expected,
                                            percent=pct(v, t.rate))
    if t.late:
        text += ", " + v.tr.ngettext("{n} late", "{n} late", t.late).format(n=t.late)
    return text


def session_label(v: Viewer, session: Session) -> str:
    return v.tr.gettext("Session {n} ({date})").format(n=session.number,
                                                       date=short_date(v, session.start))


def attendance_caption(v: Viewer, schedule: Schedule, n: AttendanceNumbers) -> str:
    _ = v.tr.gettext
    latest = n.sessions[-1]
    lines = [
        "<b>" + escape(chart_titles(v)["attendance"]) + "</b>",
        _("Share of the people expected at each session who checked in; late check-ins are "
          "shown apart."),
        "",
        escape(session_label(v, latest)) + ":",
    ]
    for code in n.countries:
        t = n.tally(latest.number, code)
        now = tally_words(v, t) if t.expected else _("nobody expected")
        lines.append(_("{country}: {latest}; all sessions so far: {overall}").format(
            country=escape(place(v, schedule, code)), latest=now,
            overall=pct(v, n.overall(code).rate)))
    rated = [(n.overall(c).rate, c) for c in n.countries if n.overall(c).rate is not None]
    if len(rated) > 1:
        low, code = min(rated, key=lambda rc: rc[0] or 0.0)
        lines += ["", _("Lowest so far: {country} ({percent}).").format(
            country=escape(place(v, schedule, code)), percent=pct(v, low))]
    return fit(lines)


def attendance_table(v: Viewer, schedule: Schedule, n: AttendanceNumbers) -> Table:
    _ = v.tr.gettext
    rows = [[str(s.number), short_date(v, s.start), place(v, schedule, code), *_cells(v, t)]
            for s in n.sessions for code in n.countries
            if (t := n.tally(s.number, code)).expected]
    return [_("Session"), _("Date"), _("Country"), *_tally_header(v)], rows


def _tally_header(v: Viewer) -> list[str]:
    _ = v.tr.gettext
    return [_("Expected"), _("Checked in"), _("Late"), _("Rate")]


def _cells(v: Viewer, t: Tally) -> list[str]:
    return [str(t.expected), str(t.checked_in), str(t.late), pct(v, t.rate)]


# the program so far ------------------------------------------------------------------------


def program_caption(v: Viewer, schedule: Schedule, n: ProgramNumbers) -> str:
    _ = v.tr.gettext
    lines = ["<b>" + escape(chart_titles(v)["program"]) + "</b>",
             _("Check-in rate per session, late check-ins included."), ""]
    for group in GROUPS:
        series = n.series(group)
        name = escape(group_name(v, group))
        if not series:
            lines.append(_("{group}: no session yet.").format(group=name))
            continue
        last_session, last = series[-1]
        overall = _overall(series)
        lines.append(v.tr.ngettext(
            "{group}: {latest} at session {n}; {overall} over {count} session.",
            "{group}: {latest} at session {n}; {overall} over {count} sessions.",
            len(series)).format(group=name, latest=pct(v, last.rate), n=last_session.number,
                                overall=pct(v, overall.rate), count=len(series)))
        if len(series) > 1:
            high = max(series, key=lambda st: st[1].rate or 0.0)
            low = min(series, key=lambda st: st[1].rate or 0.0)
            lines.append(_("Highest: session {high} ({high_percent}); lowest: session {low} "
                           "({low_percent}).").format(
                high=high[0].number, high_percent=pct(v, high[1].rate),
                low=low[0].number, low_percent=pct(v, low[1].rate)))
    return fit(lines)


def _overall(series: Iterable[tuple[Session, Tally]]) -> Tally:
    return total(t for _, t in series)


def program_table(v: Viewer, schedule: Schedule, n: ProgramNumbers) -> Table:
    _ = v.tr.gettext
    rows = [[str(s.number), short_date(v, s.start), group_name(v, g), *_cells(v, t)]
            for s in n.sessions for g in GROUPS
            if (t := n.tallies.get(s.number, {}).get(g, Tally())).expected]
    return [_("Session"), _("Date"), _("Group"), *_tally_header(v)], rows


# goals -------------------------------------------------------------------------------------


def goals_caption(v: Viewer, schedule: Schedule, n: GoalNumbers) -> str:
    _ = v.tr.gettext
    lines = ["<b>" + escape(chart_titles(v)["goals"]) + "</b>",
             _("Per country: goals by status and the share of action steps done."), ""]
    for code in n.countries:
        g = n.per_country[code]
        country = escape(place(v, schedule, code))
        if not g.goals:
            lines.append(_("{country}: no goals yet.").format(country=country))
            continue
        statuses = ", ".join(_("{status}: {n}").format(status=status_label(v, s), n=g.statuses[s])
                             for s in STATUSES if g.statuses[s])
        steps = (_("action steps done: {percent} ({done} of {total})").format(
                     percent=pct(v, g.steps_share), done=g.steps_done, total=g.steps_total)
                 if g.steps_total else _("no action steps yet"))
        line = v.tr.ngettext("{country}: {n} goal ({statuses}); {steps}",
                             "{country}: {n} goals ({statuses}); {steps}",
                             g.goals).format(country=country, n=g.goals, statuses=statuses,
                                             steps=steps)
        achieved = n.achieved(code)
        if achieved is not None:
            line = _("{goals}; closing review: {percent} achieved").format(
                goals=line, percent=pct(v, achieved))
        lines.append(line + ".")
    return fit(lines)


def goals_table(v: Viewer, schedule: Schedule, n: GoalNumbers) -> Table:
    _ = v.tr.gettext
    header = [_("Country"), _("Goals"), *[status_label(v, s) for s in STATUSES],
              _("Action steps done"), _("Closing review")]
    rows = []
    for code in n.countries:
        g = n.per_country[code]
        steps = f"{g.steps_done}/{g.steps_total} ({pct(v, g.steps_share)})"
        rows.append([place(v, schedule, code), str(g.goals),
                     *[str(g.statuses[s]) for s in STATUSES], steps, pct(v, n.achieved(code))])
    return header, rows


# session feedback --------------------------------------------------------------------------


def feedback_caption(v: Viewer, schedule: Schedule, n: FeedbackNumbers) -> str:
    _ = v.tr.gettext
    lines = ["<b>" + escape(chart_titles(v)["feedback"]) + "</b>",
             _("Ratings from 1 (poor) to 5 (excellent) by the people who checked in.") + " "
             + _("The comments are in /feedback."), ""]
    lines.append(v.tr.ngettext(
        "Overall: {mean} of 5 from {n} answer; {percent} rated 4 or 5.",
        "Overall: {mean} of 5 from {n} answers; {percent} rated 4 or 5.",
        n.answers).format(mean=mean(v, n.mean or 0.0), n=v.number(n.answers),
                          percent=pct(v, n.top_share)))
    if len(n.sessions) > 1:
        best, low = n.best(), n.lowest()
        lines.append(_rated(v, "latest", n.sessions[-1]))
        if mean(v, best.mean) == mean(v, low.mean):  # as the reader sees them
            lines.append(_("Every session has the same mean."))
        else:
            lines += [_rated(v, "highest", best), _rated(v, "lowest", low)]
    return fit(lines)


def _rated(v: Viewer, which: Literal["latest", "highest", "lowest"], s: SessionRatings
           ) -> str:
    ngettext, n = v.tr.ngettext, s.answers
    match which:
        case "latest":
            template = ngettext("Latest: {session}, {mean} of 5 from {n} answer.",
                                "Latest: {session}, {mean} of 5 from {n} answers.", n)
        case "highest":
            template = ngettext("Highest rated: {session}, {mean} of 5 from {n} answer.",
                                "Highest rated: {session}, {mean} of 5 from {n} answers.", n)
        case "lowest":
            template = ngettext("Lowest rated: {session}, {mean} of 5 from {n} answer.",
                                "Lowest rated: {session}, {mean} of 5 from {n} answers.", n)
    return template.format(session=escape(session_label(v, s.session)), mean=mean(v, s.mean),
                           n=v.number(n))


def feedback_table(v: Viewer, schedule: Schedule, n: FeedbackNumbers) -> Table:
    _ = v.tr.gettext
    rows = [[str(s.session.number), short_date(v, s.session.start), v.number(s.answers),
             mean(v, s.mean), pct(v, s.top_share)] for s in n.sessions]
    return [_("Session"), _("Date"), _("Answers"), _("Mean"), _("Rated 4 or 5")], rows


def feedback_beside(v: Viewer, s: SessionRatings) -> str:
    """Drawn beside a session's bar: '4.2 · 12 answers'."""
    return v.tr.ngettext("{mean} · {n} answer", "{mean} · {n} answers", s.answers).format(
        mean=mean(v, s.mean), n=v.number(s.answers))


# labels drawn on the charts (plain text) -----------------------------------------------------


def attendance_labels(v: Viewer) -> dict[str, str]:
    _ = v.tr.gettext
    return {"title": chart_titles(v)["attendance"],
            "subtitle": _("Checked in, of the people expected at each session. Beside each "
                          "country: all its sessions together."),
            "on_time": _("On time"), "late": _("Late"), "session": _("Session")}


def program_labels(v: Viewer) -> dict[str, str]:
    _ = v.tr.gettext
    return {"title": chart_titles(v)["program"],
            "subtitle": _("Check-in rate per session, late check-ins included."),
            "axis": _("Session and date"),
            "core": group_name(v, "core"), "wider": group_name(v, "wider")}


def goals_labels(v: Viewer) -> dict[str, str]:
    _ = v.tr.gettext
    return {"title": chart_titles(v)["goals"], "steps": _("Action steps done"),
            "subtitle": _("Per country. Steps of dropped goals are not counted."),
            "statuses": _("Goals by status"), "review": _("Closing review: achieved"),
            "not_closed": _("not closed yet"), "no_steps": _("no steps yet"),
            **{s: status_label(v, s) for s in STATUSES}}


def feedback_labels(v: Viewer) -> dict[str, str]:
    _ = v.tr.gettext
    return {"title": chart_titles(v)["feedback"],
            "subtitle": _("Share of the answers per rating, from 1 (poor) to 5 (excellent). "
                          "Beside each bar: the mean and the number of answers."),
            "axis": _("Session and date"),
            "totals": _("All sessions together: answers per rating")}
