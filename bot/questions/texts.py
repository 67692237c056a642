"""Texts of /ask and /questions (Telegram HTML; what people wrote is escaped)."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.broadcasts.texts import number, sender_facts
from bot.models import Participant
from bot.schedule import Schedule
from bot.storage.questions import Question
from bot.viewer import Viewer, country_name, flag

MAX_LISTED = 10  # questions shown by /questions, oldest first
SUMMARY = 80  # characters of a question kept for /questions


def ask_prompt(v: Viewer) -> str:
    return v.tr.gettext("✉️ Write your question or message for the organizers in one message: "
                        "text, photo, voice note or file. /cancel to stop.")


def received(v: Viewer) -> str:
    return v.tr.gettext("✓ Thank you! Your question was passed on to the organizers; their "
                        "answer will come here.")


def nobody(v: Viewer, schedule: Schedule) -> str:
    """No staff member can be reached through the bot: the configured contact instead."""
    _ = v.tr.gettext
    contact = schedule.program.contact
    text = _("Sorry, I could not pass your question on right now. Please try again later.")
    found = contact.get(v.lang) or contact.get("en")
    return text + ("\n" + escape(found) if found else "")


def question_header(v: Viewer, schedule: Schedule, person: Participant | None, user_id: int,
                    question_id: int) -> str:
    _ = v.tr.gettext
    name = escape(person.name) if person else str(user_id)
    return "\n".join([
        "❓ " + _("Question #{id} from <b>{name}</b> ({facts}):").format(
            id=question_id, name=name, facts=sender_facts(v, schedule, person, user_id)),
        "<i>" + _("Reply to their message to answer them through the bot.") + "</i>",
    ])


MEDIA_MARKS = {"photo": "📷", "video": "🎬", "voice": "🎤", "audio": "🎵", "document": "📎",
               "animation": "🎞", "sticker": "🙂", "video_note": "🎬"}


def summary(text: str | None, media: str | None) -> str:
    """What /questions shows of a question: its first words (a caption's, after a mark for
    the kind of media); the same in every language."""
    one_line = " ".join((text or "").split())
    if len(one_line) > SUMMARY:
        one_line = one_line[:SUMMARY - 1] + "…"
    if media is None:
        return one_line
    return f"{MEDIA_MARKS.get(media, '✉️')} {one_line}".strip()


def unanswered_text(v: Viewer, schedule: Schedule, questions: list[Question],
                    people: dict[int, Participant], now: datetime) -> str:
    _ = v.tr.gettext
    if not questions:
        return _("No questions are waiting for an answer.")
    lines = ["❓ <b>" + v.tr.ngettext("{n} question waiting for an answer",
                                      "{n} questions waiting for an answer",
                                      len(questions)).format(n=number(v, len(questions)))
             + "</b>"]
    for q in questions[:MAX_LISTED]:
        person = people.get(q.user_id)
        name = escape(person.name) if person else _("former participant")
        country = schedule.country(person.country) if person else None
        where = f" ({flag(country.code)} {escape(country_name(country, v.lang))})" if country \
            else ""
        lines.append(_("#{id} · {name}{where} · {when}: {text}").format(
            id=q.id, name=name, where=where,
            when=_("{duration} ago").format(duration=v.duration(now - q.created_at)),
            text=escape(q.summary)))
    if len(questions) > MAX_LISTED:
        lines.append(_("…and {count} more").format(count=number(v, len(questions) - MAX_LISTED)))
    lines.append("")
    lines.append(_("💬 copies a question here again, to reply to it; ✓ marks it answered."))
    return "\n".join(lines)


def copied_again(v: Viewer, question_id: int) -> str:
    return v.tr.gettext("Question #{id}: a copy follows; reply to it to answer.").format(
        id=question_id)


def marked_answered(v: Viewer, question_id: int) -> str:
    return v.tr.gettext("Question #{id} is marked as answered.").format(id=question_id)


def not_waiting(v: Viewer) -> str:
    return v.tr.gettext("This question is no longer waiting for an answer.")
