"""Feedback texts: the question, the answers to a rating or comment, and /feedback N for staff.
Telegram HTML; comments are escaped. No Telegram here."""

from __future__ import annotations

from html import escape

from babel.numbers import format_decimal

from bot.attendance.texts import pack
from bot.feedback.rules import COMMENT_MAX, RATINGS, Answerable, Comment, Summary
from bot.schedule import Schedule, Session
from bot.viewer import Viewer, country_name, flag, session_heading

MAX_COMMENTS = 30  # newest shown in /feedback N; the export has them all
BAR = 10


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


def closing_question(v: Viewer, schedule: Schedule) -> str:
    texts = schedule.after_session.closing_question
    return texts.get(v.lang) or texts.get("en") or v.tr.gettext(
        "Looking back on the whole program: how useful was it for you?")


def question(v: Viewer, schedule: Schedule, session: Session) -> str:
    """The 1-5 question; the closing session's is about the whole program."""
    _ = v.tr.gettext
    if session.number == schedule.closing.number:
        ask = escape(closing_question(v, schedule))
    else:
        ask = _("How was this session for you?")
    return "\n".join([
        f"<b>⭐ {session_heading(v, session)}</b>",
        ask,
        _("Tap 1 (poor) to 5 (excellent)."),
        who_sees(v, schedule.after_session.min_answers_shown),
    ])


def who_sees(v: Viewer, minimum: int) -> str:
    """The feedback question says who will see the answers."""
    return v.tr.ngettext(
        "Who sees your answer: the facilitators and organizers, without your name; your "
        "country's figures and comments only once it has at least {min} answer.",
        "Who sees your answer: the facilitators and organizers, without your name; your "
        "country's figures and comments only once it has at least {min} answers.",
        minimum).format(min=minimum)


def rated(v: Viewer, session: Session, rating: int, had_comment: bool) -> str:
    _ = v.tr.gettext
    ask = (_("Your earlier comment stays unless you send a new one. Or press Skip.")
           if had_comment else
           _("Anything to add? Send a short comment (up to {max} characters), or press Skip.")
           .format(max=v.number(COMMENT_MAX)))
    return "\n".join([
        _("Thank you! Session {n}: {stars} ({rating} of 5).").format(
            n=session.number, stars=stars(rating), rating=rating),
        ask,
    ])


def thanks(v: Viewer, session: Session, rating: int | None) -> str:
    line = v.tr.gettext("Thank you for your feedback on session {n}.").format(n=session.number)
    return f"{line} {stars(rating)}" if rating else line


def comment_saved(v: Viewer) -> str:
    return v.tr.gettext("Thank you, your comment was saved. You can change your answer later "
                        "from /session.")


def comment_too_long(v: Viewer, length: int) -> str:
    return v.tr.gettext("Please keep it to {max} characters (this one has {length}), or "
                        "press Skip.").format(max=v.number(COMMENT_MAX),
                                              length=format_decimal(length, locale=v.number_locale))


def comment_not_text(v: Viewer) -> str:
    return v.tr.gettext("Please write your comment as text, or press Skip.")


def refusal(v: Viewer, why: Answerable) -> str:
    _ = v.tr.gettext
    match why:
        case "not_ended":
            return _("You can rate the session once it has ended.")
        case "not_checked_in":
            return _("Only people who checked in to this session can rate it.")
        case "off":
            return _("There is no feedback question for this session.")
        case "unknown" | "ok":
            return _("This button is out of date. Send /schedule to start again.")
    raise AssertionError(why)


def _decimal(v: Viewer, value: float) -> str:
    return format_decimal(value, format="0.0", locale=v.number_locale)


def _bar(count: int, total: int) -> str:
    filled = int(BAR * count / total + 0.5) if total else 0  # half up: 2.5 -> 3
    return "▰" * filled + "▱" * (BAR - filled)


def summary(v: Viewer, schedule: Schedule, session: Session, s: Summary) -> list[str]:
    """/feedback N: count, mean, distribution, per-country means, comments newest first."""
    _ = v.tr.gettext
    head = ["<b>⭐ " + _("Feedback · {heading}").format(heading=session_heading(v, session))
            + "</b>"]
    if session.number == schedule.closing.number:
        head.append("<i>" + escape(closing_question(v, schedule)) + "</i>")
    if not s.count:
        head.append(_("No answers yet."))
        return ["\n".join(head)]
    if s.mean is None:  # too few to show without naming someone
        head.append(v.tr.ngettext(
            "{n} answer so far. Figures and comments show from {min} answers on, so that no "
            "answer can be traced to a person.",
            "{n} answers so far. Figures and comments show from {min} answers on, so that no "
            "answer can be traced to a person.", s.count).format(n=s.count, min=s.minimum))
        return ["\n".join(head)]
    head.append(v.tr.ngettext("{n} answer · mean {mean} of 5", "{n} answers · mean {mean} of 5",
                              s.count).format(n=format_decimal(s.count, locale=v.number_locale),
                                              mean=_decimal(v, s.mean)))
    head += [f"{r} ★ {_bar(s.distribution[r], s.count)} {s.distribution[r]}"
             for r in reversed(RATINGS)]
    blocks = ["\n".join(head)]
    if s.by_country:
        lines = ["<b>" + _("By country") + "</b>"]
        for figures in s.by_country:
            country = schedule.country(figures.country) if figures.country else None
            name = (f"{flag(country.code)} {escape(country_name(country, v.lang))}" if country
                    else _("Other countries"))
            lines.append(v.tr.ngettext("{country}: {mean} ({n} answer)",
                                       "{country}: {mean} ({n} answers)", figures.count)
                         .format(country=name, mean=_decimal(v, figures.mean), n=figures.count))
        blocks.append("\n".join(lines))
    if s.minimum > 1:
        blocks.append("<i>" + anonymity_note(v, s.minimum) + "</i>")
    if s.comments:
        lines = ["<b>" + _("Comments, newest first") + "</b>"]
        for c in s.comments[:MAX_COMMENTS]:
            lines.append(f"{comment_tag(c)}{stars(c.rating)} {v.date(c.answered_at, 'medium')}"
                         + "\n" + _("“{text}”").format(text=escape(c.text)))
        hidden = len(s.comments) - MAX_COMMENTS
        if hidden > 0:
            lines.append(v.tr.ngettext(
                "… and {n} older comment: organizers get them all with /export feedback.",
                "… and {n} older comments: organizers get them all with /export feedback.",
                hidden).format(n=hidden))
        blocks.append("\n".join(lines))
    return pack(blocks)


def comment_tag(c: Comment) -> str:
    """"[fr] 🇨🇮 " for a country shown apart; nothing for "other countries" (no city, ever)."""
    if c.country is None:
        return ""
    return f"[{c.language or '?'}] {flag(c.country)} "


def anonymity_note(v: Viewer, minimum: int) -> str:
    return v.tr.ngettext(
        "A country with fewer than {min} answer is counted under other countries, and its "
        "comments carry no country, so that no answer can be traced to a person.",
        "A country with fewer than {min} answers is counted under other countries, and its "
        "comments carry no country, so that no answer can be traced to a person.",
        minimum).format(min=minimum)
